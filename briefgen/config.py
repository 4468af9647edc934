"""config.yaml: the workspace settings, with defaults for everything left out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from briefgen.errors import DataError, Report
from briefgen.fields import Fields
from briefgen.load import Map, load_yaml_file
from briefgen.models import Config, Limits

FORMATS = ("pdf", "md", "html")
CONFIG_FIELDS = (
    "title",
    "organisation",
    "organization",
    "marking",
    "formats",
    "sources_dir",
    "briefs_dir",
    "templates_dir",
    "output_dir",
    "stale_after_days",
    "limits",
)
LIMIT_FIELDS = ("max_yaml_bytes", "max_source_bytes", "render_timeout", "render_memory_mb")


def find_config(path: str | Path | None) -> Path:
    """The config file named on the command line (a file or its folder), or ./config.yaml.

    Without --config, a folder holding briefs/ but no config.yaml is a workspace with
    every setting at its default.
    """
    candidate = Path("config.yaml") if path is None else Path(path)
    if candidate.is_dir():
        candidate = candidate / "config.yaml"
    if candidate.is_file() or (path is None and Path("briefs").is_dir()):
        return candidate
    raise DataError.single(
        f"no workspace config at {candidate}; run briefgen in a workspace folder "
        "(one holding config.yaml, sources/ and briefs/) or pass --config PATH",
        None,
    )


def load_config(path: Path, report: Report) -> Config:
    """Read config.yaml; bad values are reported and replaced by their defaults."""
    root = path.resolve().parent
    defaults = Config(root=root, path=path)
    if not path.exists():
        return _with_dirs(defaults)
    text_is_blank = all(
        not line.strip() or line.lstrip().startswith("#")
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
    )
    if text_is_blank:
        return _with_dirs(defaults)
    node = load_yaml_file(path, report)
    if node is None:
        return _with_dirs(defaults)
    if not isinstance(node, Map):
        report.error("config.yaml should be a mapping of settings (key: value lines)", node.loc)
        return _with_dirs(defaults)
    f = Fields(node, "config.yaml", CONFIG_FIELDS, report)
    organisation = f.text("organisation") or f.text("organization")
    formats = tuple(fmt.lower() for fmt in f.text_list("formats")) or defaults.formats
    for fmt in formats:
        if fmt not in FORMATS:
            report.error(
                f'unknown format "{fmt}" in formats; use any of: {", ".join(FORMATS)}',
                f.loc("formats"),
            )
    formats = tuple(fmt for fmt in formats if fmt in FORMATS) or defaults.formats
    config = Config(
        root=root,
        path=path,
        title=f.text("title"),
        organisation=organisation,
        marking=f.text("marking") or defaults.marking,
        formats=formats,
        sources_dir=Path(f.text("sources_dir") or defaults.sources_dir),
        briefs_dir=Path(f.text("briefs_dir") or defaults.briefs_dir),
        templates_dir=Path(f.text("templates_dir") or defaults.templates_dir),
        output_dir=Path(f.text("output_dir") or defaults.output_dir),
        stale_after_days=f.integer("stale_after_days", None),
        limits=_limits(f.mapping("limits"), report),
    )
    for name in ("sources_dir", "briefs_dir", "templates_dir"):
        folder = root / getattr(config, name)
        if not folder.resolve().is_relative_to(root):
            report.error(f'"{name}" must be a folder inside the workspace', f.loc(name))
    return _with_dirs(config)


def _limits(node: Map | None, report: Report) -> Limits:
    default = Limits()
    if node is None:
        return default
    f = Fields(node, "limits", LIMIT_FIELDS, report)
    return Limits(
        max_yaml_bytes=f.integer("max_yaml_bytes", default.max_yaml_bytes, 1)
        or default.max_yaml_bytes,
        max_source_bytes=f.integer("max_source_bytes", default.max_source_bytes, 1)
        or default.max_source_bytes,
        render_timeout=f.number("render_timeout", default.render_timeout),
        render_memory_mb=f.integer("render_memory_mb", default.render_memory_mb, 64)
        or default.render_memory_mb,
    )


def _with_dirs(config: Config) -> Config:
    """Make every folder absolute against the workspace root."""
    root = config.root
    return replace(
        config,
        sources_dir=root / config.sources_dir,
        briefs_dir=root / config.briefs_dir,
        templates_dir=root / config.templates_dir,
        output_dir=root / config.output_dir,
    )
