"""The whole product in one place: load -> validate -> resolve citations -> render -> write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefgen import catalogue, citations, freshness, links, render, validate, write
from briefgen.assets import Assets
from briefgen.bounded import run_bounded
from briefgen.config import available_layouts, find_config, load_config
from briefgen.errors import BriefgenError, Location, Report, UsageError
from briefgen.models import Brief, Config, Workspace
from briefgen.paths import real


@dataclass
class Result:
    """What a run found and made; the CLI prints it and picks the exit status."""

    report: Report
    workspace: Workspace
    written: list[Path] = field(default_factory=list)

    @property
    def citations(self) -> tuple[int, int]:
        """(verified, total) citations."""
        cites = [c for b in self.workspace.briefs for i in b.items for c in i.cite]
        return sum(1 for c in cites if c.span is not None), len(cites)

    def summary(self) -> str:
        """'1 brief, 42 items, 91 of 91 citations verified, 0 warnings, 0 errors'."""
        briefs = self.workspace.briefs
        items = sum(len(b.items) for b in briefs)
        verified, total = self.citations
        warnings, errors = len(self.report.warnings), len(self.report.errors)
        return (
            f"{_count(len(briefs), 'brief')}, {_count(items, 'item')}, "
            f"{verified} of {total} citations verified, "
            f"{_count(warnings, 'warning')}, {_count(errors, 'error')}"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def load_workspace(
    config_path: str | Path | None, names: Sequence[str], report: Report
) -> Workspace:
    """Read and check a whole workspace, verifying every quote; problems go to `report`."""
    config = load_config(find_config(config_path), report)
    listed = catalogue.validate_sources(config, report)
    sources = listed.sources
    paths = validate.brief_paths(config, names, report)
    briefs = [brief for path in paths if (brief := validate.validate_brief(path, config, report))]
    every_brief_read = not names and not any(
        p.is_error and p.location and p.location.path in paths for p in report.problems
    )
    validate.cross_check(briefs, listed, report, whole_workspace=every_brief_read)
    validate.check_layouts(briefs, config, report)
    briefs = freshness.mark_stale(briefs, config, report)
    links.warn_unsafe_links(briefs, report)
    texts = citations.read_sources(sources, config, report)
    sources = {
        sid: replace(s, digest=texts[sid].digest) if sid in texts else s
        for sid, s in sources.items()
    }
    resolved = citations.resolve(briefs, sources, texts, report)
    return Workspace(config, sources, tuple(resolved))


def check(config_path: str | Path | None = None, names: Sequence[str] = ()) -> Result:
    """Validate every brief and verify every citation, writing nothing."""
    report = Report()
    workspace = load_workspace(config_path, names, report)
    return Result(report, workspace)


def build(
    config_path: str | Path | None = None,
    names: Sequence[str] = (),
    formats: Sequence[str] = (),
    out: str | Path | None = None,
    layout: str | None = None,
    strict: bool = False,
) -> Result:
    """Check the workspace, then render and write each brief in each format."""
    result = check(config_path, names)
    workspace, report = result.workspace, result.report
    config = workspace.config
    if layout is not None and layout not in available_layouts(config):
        choices = ", ".join(available_layouts(config))
        raise UsageError.single(
            f'unknown template "{layout}" for --template; use one of: {choices}'
        )
    if report.errors or (strict and report.warnings):
        return result
    out_dir = write.prepare_output_dir(
        Path(out) if out else config.output_dir, _input_folders(config)
    )
    inputs = _input_files(workspace)
    limits = config.limits
    for brief in workspace.briefs:
        args = (brief, workspace, out_dir, tuple(formats) or config.formats, layout)
        try:
            outputs = run_bounded(
                render_brief,
                args,
                limits.render_timeout,
                limits.render_memory_mb,
                Location(brief.path),
            )
        except BriefgenError as exc:
            report.problems.extend(exc.problems)
            continue
        try:
            for name, data in outputs.items():
                result.written.append(write.write_atomic(out_dir, name, data, inputs))
        except BriefgenError as exc:
            report.problems.extend(exc.problems)
    return result


def render_brief(
    brief: Brief, workspace: Workspace, out_dir: Path, formats: Sequence[str], layout: str | None
) -> dict[str, bytes]:
    """Every requested output of one brief, as file name -> bytes, rendered before any is written."""
    config = workspace.config
    view = render.build_view(
        brief, workspace.sources, config, out_dir, layout or brief.template or "brief"
    )
    own_templates = config.templates_dir if config.templates_dir.is_dir() else None
    assets = Assets([config.templates_dir, render.BUILTIN_TEMPLATES], Location(brief.path))
    base = own_templates or render.BUILTIN_TEMPLATES
    outputs: dict[str, bytes] = {}
    for fmt in dict.fromkeys(formats):
        if fmt == "md":
            outputs[f"{brief.id}.md"] = render.render(view, "md").encode("utf-8")
        elif fmt == "html":
            text, origins = render.render_located(view, "html")
            html = assets.inline(text, base, origins)
            outputs[f"{brief.id}.html"] = html.encode("utf-8")
        else:
            from briefgen import pdf

            text, origins = render.render_located(view, "pdf")
            outputs[f"{brief.id}.pdf"] = pdf.html_to_pdf(text, base, assets, origins)
    return outputs


def _input_folders(config: Config) -> list[Path]:
    return [config.sources_dir, config.briefs_dir, config.templates_dir]


def _input_files(workspace: Workspace) -> set[Path]:
    config = workspace.config
    files = {real(config.path), *(real(s.path) for s in workspace.sources.values())}
    files.update(real(b.path) for b in workspace.briefs)
    return files
