"""The whole product in one place: load -> validate -> resolve citations -> render -> write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen import (
    catalogue,
    changes_since,
    citations,
    collector,
    dates,
    freshness,
    results,
    split,
    validate,
    write,
)
from briefgen.config import (
    FOLDERS,
    available_layouts,
    find_config,
    load_config,
    output_folder_problem,
)
from briefgen.errors import BriefgenError, OutputError, Report, UsageError
from briefgen.matching import SourceText
from briefgen.models import Brief, Config, Source, Workspace
from briefgen.paths import real, same_folders
from briefgen.warm import Cold, Hashed, Same, Warm

if TYPE_CHECKING:  # a check loads none of what rendering needs
    from briefgen import bounded, parallel
    from briefgen.commands.select import Selection


@dataclass
class Result:
    """What a run found and made; the CLI prints it and picks the exit status."""

    report: Report
    workspace: Workspace
    written: list[Path] = field(default_factory=list)

    @property
    def citations(self) -> tuple[int, int]:
        """(verified, total) citations."""
        cites = [c for b in self.workspace.briefs for i in b.citing for c in i.cite]
        return sum(1 for c in cites if c.span is not None), len(cites)

    def summary(self) -> str:
        """'1 brief, 42 items, 91 of 91 citations verified, 0 warnings, 0 errors'."""
        briefs = self.workspace.briefs
        items = sum(len(b.items) for b in briefs)
        verified, total = self.citations
        warnings, errors = len(self.report.warnings), len(self.report.errors)
        unread = (
            f" ({self.workspace.unread} more could not be read)" if self.workspace.unread else ""
        )
        return (
            f"{_count(len(briefs), 'brief')}{unread}, {_count(items, 'item')}, "
            f"{verified} of {total} citations verified, "
            f"{_count(warnings, 'warning')}, {_count(errors, 'error')}"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def load_workspace(
    config_path: str | Path | None,
    names: Sequence[str],
    report: Report,
    allow_none: bool = False,
    warm: Warm | None = None,
) -> Workspace:
    """Read and check a whole workspace, verifying every quote; problems go to `report`.

    With `warm` (the preview's), files that have not changed since it last saw them
    are not read again, and what was worked out from them is reused."""
    with collector.paused(), same_folders():
        return _load_workspace(config_path, names, report, allow_none, warm or Cold())


def _load_workspace(
    config_path: str | Path | None,
    names: Sequence[str],
    report: Report,
    allow_none: bool,
    warm: Warm,
) -> Workspace:
    path = find_config(config_path)
    config = warm.step(
        ("config", path),
        # the folders it names too: one made a link since may lead outside the workspace
        lambda config: [path, *(getattr(config, name) for name in FOLDERS)],
        lambda r: load_config(path, r),
        report,
    )
    catalogue_file = config.sources_dir / catalogue.CATALOGUE
    listed = warm.step(
        ("catalogue", config),
        lambda listed: [catalogue_file, *listed.files],  # a source made a link is refused
        lambda r: catalogue.validate_sources(config, r),
        report,
    )
    sources = listed.sources
    # read first, so that a shared check's child has them too; their problems are
    # reported in their turn, after the briefs'
    held = Report()
    texts = _read_texts(config, sources, catalogue_file, warm, held)
    paths = validate.brief_paths(config, names, report, allow_none)
    kept = results.Results(config, results.cache_for(config) if warm.results_on_disk else None)
    shared = split.share(config, sources, texts, paths, kept) if warm.results_on_disk else None
    if shared is not None:
        kept.defer()  # written at the end, while the child writes its own
    try:
        workspace = _check_briefs(
            config, listed, catalogue_file, paths, names, report, warm, kept, shared, texts, held
        )
        kept.flush()
        return workspace
    finally:
        if shared is not None:
            shared.close()


def _check_briefs(
    config: Config,
    listed: catalogue.Catalogue,
    catalogue_file: Path,
    paths: list[Path],
    names: Sequence[str],
    report: Report,
    warm: Warm,
    kept: results.Results,
    shared: split.Share | None,
    texts: dict[str, SourceText],
    held: Report,
) -> Workspace:
    sources = listed.sources

    def read(path: Path, report: Report) -> Brief | None:
        return warm.step(
            ("brief", config, path),
            lambda _: [path],
            lambda r: kept.validate(path, r),
            report,
        )

    briefs = []
    for path in paths:
        if shared is not None and path in shared.later:
            # while the child reads the later briefs, make this process's half of the forms
            shared.meanwhile(split.READ, shared.own_forms())
            shared.wait(split.READ)  # the child has sent what reading it gave
            kept.offer(path, shared.read(path))
        brief = read(path, report)
        if brief:
            briefs.append(brief)
    every_brief_read = not names and not any(
        p.is_error and p.location and p.location.path in paths for p in report.problems
    )
    # briefs named: the others are read only for their ids (unique across the workspace),
    # their own problems left for a check of them
    named = {real(p) for p in paths}
    others = [
        b
        for path in (validate.brief_paths(config, (), Report(), allow_none=True) if names else [])
        if real(path) not in named and (b := read(path, Report())) is not None
    ]
    validate.cross_check(briefs, listed, report, whole_workspace=every_brief_read, others=others)
    validate.check_layouts(briefs, config, report)
    dates.check_dates(briefs, sources, report)
    briefs = freshness.mark_stale(briefs, config, report)
    from briefgen import links  # only for briefs checked here, not kept ones

    links.warn_unsafe_links(briefs, config, report)
    report.problems.extend(held.problems)  # reading the sources
    if shared is not None:
        shared.exchange()  # each process normalises half the sources
    sources = citations.with_digests(sources, texts)
    source_files = [s.path for s in sources.values()]

    def resolve(brief: Brief, r: Report) -> Brief:
        if shared is not None and brief.path in shared.later:
            # while the child matches, keep this process's results on disk
            shared.meanwhile(split.MATCHED, kept.writes())
            shared.wait(split.MATCHED)  # the child has sent its quotes' places too
            kept.take(brief.path, shared.places(brief.path))
        return kept.resolve(brief, sources, texts, r)

    try:
        catalogued: object = Hashed(tuple(sorted(sources.items())))
    except TypeError:  # a value that cannot be a key: Warm.step works it out afresh
        catalogued = [sources]
    resolved = [
        warm.step(
            ("resolve", Same(brief), catalogued),
            # every source: a quote not found is compared with the other sources too
            lambda _, brief=brief: [catalogue_file, brief.path, *source_files],  # type: ignore[misc]
            lambda r, brief=brief: resolve(brief, r),  # type: ignore[misc]
            report,
        )
        for brief in briefs
    ]
    return Workspace(config, sources, tuple(resolved), len(paths) - len(briefs))


def _read_texts(
    config: Config,
    sources: dict[str, Source],
    catalogue_file: Path,
    warm: Warm,
    report: Report,
) -> dict[str, SourceText]:
    """Every catalogued source's text, each read again only when its file has changed."""
    texts: dict[str, SourceText] = {}
    for sid, source in sources.items():
        texts |= warm.step(
            ("source", config, source),
            lambda _, source=source: [source.path, catalogue_file],  # type: ignore[misc]
            lambda r, sid=sid, source=source: citations.read_sources({sid: source}, config, r),  # type: ignore[misc]
            report,
        )
    return texts


def check(
    config_path: str | Path | None = None, names: Sequence[str] = (), allow_none: bool = True
) -> Result:
    """Validate every brief and verify every citation, writing nothing."""
    report = Report()
    workspace = load_workspace(config_path, names, report, allow_none)
    return Result(report, workspace)


def build(
    config_path: str | Path | None = None,
    names: Sequence[str] = (),
    formats: Sequence[str] = (),
    out: str | Path | None = None,
    layouts: Sequence[str] = (),
    strict: bool | None = None,
    selection: Selection | None = None,
    since: str | None = None,
    progress: parallel.Progress | None = None,
    ahead: bounded.Ahead | None = None,
) -> Result:
    """Check the workspace, then render and write each brief in each layout and format.

    `strict` None means the workspace's own setting (config.yaml's strict:). Briefs are
    rendered in parallel; `progress(done, total)` is called as each one finishes. The
    first brief is rendered by `ahead` (see ahead.py), started here if not given.
    """
    own = ahead is None  # a caller may have started the first render's child earlier still
    if ahead is None:
        from briefgen.ahead import start_ahead

        ahead = start_ahead(config_path, formats)
    try:
        return _build(
            config_path, names, formats, out, layouts, strict, selection, since, progress, ahead
        )
    finally:
        if own:
            ahead.close()


def _build(
    config_path: str | Path | None,
    names: Sequence[str],
    formats: Sequence[str],
    out: str | Path | None,
    layouts: Sequence[str],
    strict: bool | None,
    selection: Selection | None,
    since: str | None,
    progress: parallel.Progress | None,
    ahead: bounded.Ahead,
) -> Result:
    from briefgen import parallel
    from briefgen.commands.select import select
    from briefgen.outputs import render_brief

    result = check(config_path, names, allow_none=False)
    workspace, report = result.workspace, result.report
    whole = {b.id: b for b in workspace.briefs}  # a filtered brief's changes are the whole one's
    if selection and not report.errors:
        workspace = replace(workspace, briefs=select(workspace.briefs, selection))
    config = workspace.config
    for layout in layouts:
        if layout not in available_layouts(config):
            choices = ", ".join(available_layouts(config))
            raise UsageError.single(
                f'unknown template "{layout}" for --template; use one of: {choices}'
            )
    if report.failed(config.strict if strict is None else strict):
        return result
    if out and (problem := output_folder_problem(Path(out), config)):
        raise OutputError.single(
            f"--out {out} {problem}; choose a folder of its own for --out, such as build", None
        )
    out_dir = write.prepare_output_dir(Path(out) if out else config.output_dir)
    inputs = _input_files(workspace)
    olds = changes_since.Olds(config.path)
    if since:
        olds.side(since)  # a --since that names nothing is a usage error before anything is built
    jobs = []
    for brief in workspace.briefs:
        errors = len(report.errors)
        try:
            changes = olds.changes(whole.get(brief.id, brief), workspace, since, report)
        except BriefgenError as exc:
            report.problems.extend(exc.problems)
            continue
        if len(report.errors) > errors:  # its since: cannot be used: it is not built
            continue
        if changes and selection:  # only what the filtered brief shows
            shown = {i.id for i in brief.items}
            changes.items = [c for c in changes.items if c.id in shown]
        chosen = tuple(layouts) or layouts_of(brief, config)
        own = _own_workspace(workspace, brief)
        jobs.append((brief, own, out_dir, tuple(formats) or config.formats, chosen, changes))
    if len(jobs) > 1:  # loaded once here and inherited by every render's child process
        from briefgen import render  # noqa: F401
    for done in parallel.render_all(render_brief, jobs, config.limits, progress, ahead):
        if isinstance(done, BriefgenError):
            report.problems.extend(done.problems)
            continue
        outputs, warnings = done
        report.problems.extend(warnings)
        try:
            for name, data in outputs.items():
                result.written.append(write.write_atomic(out_dir, name, data, inputs))
        except BriefgenError as exc:
            report.problems.extend(exc.problems)
    return result


def layouts_of(brief: Brief, config: Config) -> tuple[str, ...]:
    """The layouts built for a brief by default: config.yaml's layouts, and the brief's own."""
    own = brief.template or "brief"
    return tuple(dict.fromkeys([*config.layouts, own])) if config.layouts else (own,)


def _own_workspace(workspace: Workspace, brief: Brief) -> Workspace:
    """The part of the workspace a brief's render reads: the config and the sources it cites
    (all a child needs, and all that is sent to a child started ahead)."""
    cited = {c.source_id for item in brief.citing for c in item.cite}
    sources = {sid: s for sid, s in workspace.sources.items() if sid in cited}
    return replace(workspace, sources=sources, briefs=(brief,))


def _input_files(workspace: Workspace) -> set[Path]:
    config = workspace.config
    files = {real(config.path), *(real(s.path) for s in workspace.sources.values())}
    files.update(real(b.path) for b in workspace.briefs)
    return files
