"""config.yaml: the workspace settings, with defaults for everything left out."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from briefgen import spec
from briefgen.errors import DataError, Location, Report, UsageError
from briefgen.fields import Fields, did_you_mean
from briefgen.load import Map, Scalar, describe, parse_yaml, read_text
from briefgen.models import Config, Limits
from briefgen.paths import real, within

FORMATS = spec.FORMATS
CONFIG_FIELDS = spec.names(spec.CONFIG)
LAYOUTS = spec.LAYOUTS
FOLDERS = ("sources_dir", "briefs_dir", "templates_dir", "output_dir")
MAX_CONFIG_BYTES = 1_000_000
LIMIT_FIELDS = spec.names(spec.LIMITS)


def find_config(path: str | Path | None) -> Path:
    """The config file named on the command line (a file or its folder), or else the nearest
    config.yaml in the current folder or a folder above it, as git finds .git.

    A folder holding briefs/ but no config.yaml (found, or named by --config) is a
    workspace with every setting at its default.
    """
    if path is not None:
        candidate = Path(path)
        if candidate.is_dir():
            candidate = candidate / "config.yaml"
        named_otherwise = candidate.name != "config.yaml" and candidate.is_file()
        if named_otherwise and not (candidate.parent / "briefs").is_dir():
            raise UsageError.single(  # the catalogue, a brief: not a workspace's settings
                f"{candidate} is not a workspace's config.yaml (there is no briefs/ folder "
                "beside it); pass --config with a workspace's config.yaml or its folder",
                None,
            )
        if candidate.exists() or candidate.is_symlink():
            return candidate
        # a workspace folder with no config.yaml: every setting at its default (a file named
        # otherwise is a mistyped name, never a workspace without a config)
        if candidate.name == "config.yaml" and (candidate.parent / "briefs").is_dir():
            return candidate
        raise UsageError.single(
            f"no workspace config at {candidate}; pass --config with a workspace's config.yaml "
            "or its folder (one holding config.yaml, sources/ and briefs/)",
            None,
        )
    here = Path.cwd()
    for folder in (here, *here.parents):
        candidate = folder / "config.yaml"
        if candidate.exists() or candidate.is_symlink():
            return candidate if folder != here else Path("config.yaml")
        # no config.yaml: the current folder with briefs/, or a folder above with briefs/ and sources/
        folders = ("briefs",) if folder == here else ("briefs", "sources")
        if all((folder / name).is_dir() for name in folders):
            return candidate if folder != here else Path("config.yaml")
    raise DataError.single(
        f"no workspace here: no config.yaml in {here} or any folder above it; run briefgen "
        "inside a workspace (one holding config.yaml, sources/ and briefs/), create one with "
        "briefgen init, or pass --config PATH",
        None,
    )


def load_config(path: Path, report: Report) -> Config:
    """Read config.yaml; bad values are reported and replaced by their defaults."""
    root = Path(os.path.abspath(path)).parent
    defaults = Config(root=root, path=path)
    node = None
    if path.is_symlink():  # a link may lead anywhere: read only a file of the workspace's own
        report.error(
            f"{path.name} is a link; make it a real file: replace the link with a copy of the file",
            Location(path),
        )
    elif path.exists():
        text = read_text(path, report, Location(path), MAX_CONFIG_BYTES, "config file")
        blank = text is None or all(
            not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
        )
        node = None if blank or text is None else parse_yaml(text, path, report)
    if node is None:
        return _contained(_with_dirs(defaults), {}, report)
    if not isinstance(node, Map):
        report.error("config.yaml should be a mapping of settings (key: value lines)", node.loc)
        return _contained(_with_dirs(defaults), {}, report)
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
        strict=f.flag("strict"),
        layouts=tuple(f.text_list("layouts")),
        limits=_limits(f.mapping("limits"), report),
    )
    locations = {name: f.loc(name) for name in FOLDERS if f.get(name) is not None}
    config = _contained(_with_dirs(config), locations, report)
    return _known_layouts(config, f.loc("layouts"), report)


def _known_layouts(config: Config, where: Location, report: Report) -> Config:
    """config.yaml's layouts must each be built in or a workspace template; unknown ones are
    reported and dropped."""
    known = available_layouts(config)
    for layout in config.layouts:
        if layout not in known:
            report.error(
                f'unknown layout "{layout}" in layouts{did_you_mean(layout, known)}; '
                f"use any of: {', '.join(known)}",
                where,
            )
    return replace(config, layouts=tuple(name for name in config.layouts if name in known))


def _contained(config: Config, locations: dict[str, Location], report: Report) -> Config:
    """Report every workspace folder that leads outside the workspace (by path or link), and
    an output folder that would put outputs among the workspace's own files."""
    for name in FOLDERS:
        folder: Path = getattr(config, name)
        where = locations.get(name)  # None: the default folder, which only a link can misplace
        if not within(folder, config.root):
            message = (
                f'"{name}" must be a folder inside the workspace; write a folder name such as '
                f'"{getattr(Config, name)}"'
                if where
                else f"folder {folder.name}/ leads outside the workspace (it is a link); make "
                "it a real folder inside the workspace"
            )
        elif name == "output_dir" and (problem := output_folder_problem(folder, config)):
            message = (
                f'"output_dir" {problem}; write a folder of its own, such as "build"'
                if where
                else f"folder {folder.name}/ is a link, and the folder it leads to {problem}; "
                "make it a real folder"
            )
        else:
            continue
        report.error(message, where or Location(folder))
    return config


# folders of the workspace's own that briefgen's outputs must never be written into
_KEPT_FOLDERS = (".git", ".briefgen-cache")


def output_folder_problem(folder: Path, config: Config) -> str | None:
    """Why outputs may not be written into `folder` (links resolved), or None: it must not
    be the workspace folder itself, inside an input folder or inside .git or the cache."""
    resolved, root = real(folder), real(config.root)
    if resolved == root:
        return "is the workspace folder itself, where outputs could replace its own files"
    inputs = [config.sources_dir, config.briefs_dir, config.templates_dir]
    for inner in [*inputs, *(config.root / name for name in _KEPT_FOLDERS)]:
        if within(resolved, inner):
            return f"is inside the workspace's {real(inner).name}/ folder"
    return None


# name: (lowest, highest, whole numbers only, what it counts)
_UNITS = {"max_yaml_bytes": "bytes", "max_source_bytes": "bytes",
          "render_timeout": "seconds", "render_memory_mb": "megabytes"}  # fmt: skip
# (lowest, highest, whole number?, unit) of each limit, from the table the schema is made from
LIMIT_RANGES: dict[str, tuple[int, int, bool, str]] = {
    f.name: (f.minimum or 0, f.maximum or 0, f.kind == "integer", _UNITS[f.name])
    for f in spec.LIMITS
}


def _limits(node: Map | None, report: Report) -> Limits:
    default = Limits()
    if node is None:
        return default
    f = Fields(node, "limits", LIMIT_FIELDS, report)
    return Limits(
        max_yaml_bytes=int(_limit(f, "max_yaml_bytes", default.max_yaml_bytes, report)),
        max_source_bytes=int(_limit(f, "max_source_bytes", default.max_source_bytes, report)),
        render_timeout=_limit(f, "render_timeout", default.render_timeout, report),
        render_memory_mb=int(_limit(f, "render_memory_mb", default.render_memory_mb, report)),
    )


def _limit(f: Fields, name: str, default: float, report: Report) -> float:
    """One limit inside its range; anything else (a bool, .inf, .nan, 1e29) is reported."""
    node = f.get(name)
    if node is None:
        return default
    low, high, whole, unit = LIMIT_RANGES[name]
    value = node.value if isinstance(node, Scalar) else None
    allowed = (int,) if whole else (int, float)
    if isinstance(value, allowed) and not isinstance(value, bool) and low <= value <= high:
        return int(value) if whole else float(value)
    kind = "a whole number" if whole else "a number"
    report.error(
        f'"{name}" should be {kind} of {unit} from {low:,} to {high:,}, not {describe(node)}; '
        f"leave it out for the default of {int(default):,}",
        node.loc,
    )
    return default


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


def available_layouts(config: Config) -> list[str]:
    """Built-in layouts and any workspace template named <layout>.html.j2."""
    own = sorted(p.name.removesuffix(".html.j2") for p in config.templates_dir.glob("*.html.j2"))
    return list(dict.fromkeys([*LAYOUTS, *own]))
