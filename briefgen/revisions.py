"""The other side of a comparison: a brief file, a manifest, or the workspace at a git revision.

`diff OLD [NEW]` and `build --since OLD` both read OLD here and get manifests by brief id.
A revision is read with `git show REV:path` into a private temporary folder and checked there,
so that the old version is judged by the same code as the new one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefgen import citations, manifest
from briefgen.catalogue import validate_sources
from briefgen.config import find_config, load_config
from briefgen.errors import Location, Problem, Report, UsageError
from briefgen.manifest import Manifest
from briefgen.models import Limits
from briefgen.validate import validate_brief

_AT_DATE = re.compile(r"^(?P<ref>[^@]*)@\{(?P<date>[^{}]+)\}$")
_GIT_TIMEOUT = 60.0


@dataclass
class Side:
    """One side of a comparison: its manifests by brief id, and what to call it."""

    name: str
    briefs: dict[str, Manifest]
    single: bool = False  # one brief (a file or manifest), not a whole workspace
    problems: list[Problem] = field(default_factory=list)


def workspace_side(config_path: str | Path | None, names: tuple[str, ...] = ()) -> Side:
    """The current workspace, as `check` reads it."""
    from briefgen.build import load_workspace

    report = Report()
    workspace = load_workspace(config_path, names, report, allow_none=True)
    briefs = {b.id: manifest.manifest(b, workspace.sources) for b in workspace.briefs}
    return Side("the workspace", briefs, problems=report.problems)


def read_side(spec: str, config_path: str | Path | None) -> Side:
    """OLD or NEW as given on the command line: a .json manifest, a brief .yaml, or a revision."""
    if not spec.strip():
        raise UsageError.single("an empty OLD or NEW; give a brief file, a manifest or a revision")
    path = Path(spec)
    if path.is_file():
        if path.suffix.lower() == ".json":
            return _manifest_file(path)
        if path.suffix.lower() in (".yaml", ".yml"):
            return _brief_file(path, config_path)
        raise UsageError.single(
            f"{spec} is neither a brief (.yaml) nor a manifest (.json); give one of those or a revision"
        )
    config = Path(os.path.abspath(find_config(config_path)))
    commit = resolve_revision(spec, config.parent)
    return _at_revision(spec, commit, config)


def _manifest_file(path: Path) -> Side:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError.single(f"cannot read {path} as a manifest: {exc}", Location(path)) from exc
    ok = isinstance(data, dict) and data.get("manifest_version") == manifest.MANIFEST_VERSION
    if not ok or not isinstance(data.get("brief"), dict) or not isinstance(data.get("items"), list):
        raise UsageError.single(
            f"{path} is not a briefgen manifest; make one with  briefgen build --format json",
            Location(path),
        )
    return Side(str(path), {str(data["brief"].get("id")): data}, single=True)


def _brief_file(path: Path, config_path: str | Path | None) -> Side:
    """A brief file checked against the current workspace's sources."""
    report = Report()
    config = load_config(find_config(config_path), report)
    listed = validate_sources(config, report)
    brief = validate_brief(path, config, report)
    if brief is None:  # unread, it would be compared as an empty brief: every item new
        raise UsageError(
            [p for p in report.problems if p.is_error and p.location and p.location.path == path]
            or [Problem("error", f"{path} cannot be read as a brief", Location(path))]
        )
    texts = citations.read_sources(listed.sources, config, report)
    sources = {
        sid: replace(s, digest=texts[sid].digest) if sid in texts else s
        for sid, s in listed.sources.items()
    }
    (brief,) = citations.resolve([brief], sources, texts, report)
    return Side(str(path), {brief.id: manifest.manifest(brief, sources)}, True, report.problems)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, timeout=_GIT_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError.single(f"cannot run git: {exc}") from exc


def resolve_revision(spec: str, root: Path) -> str:
    """The commit a revision names: HEAD~1, a tag, a branch, or REF@{date} / @{date}."""
    if spec.startswith("-") or "\n" in spec or "\0" in spec:
        raise UsageError.single(
            f'"{spec}" is not a revision; give e.g. HEAD~1, a tag or @{{2025-03-01}}'
        )
    if _git(root, "rev-parse", "--show-toplevel").returncode != 0:
        raise UsageError.single(
            f'"{spec}" is not a file, and the workspace is not in a git repository, so it cannot be a '
            "revision; give a brief (.yaml) or a manifest (.json)"
        )
    dated = _AT_DATE.match(spec)
    if dated:
        ref = dated["ref"] or "HEAD"
        found = _git(root, "rev-list", "-1", f"--before={dated['date']}", ref, "--")
        commit = found.stdout.decode().strip() if found.returncode == 0 else ""
        if not commit:
            raise UsageError.single(
                f'no commit of {ref} before {dated["date"]} for "{spec}"; give a later date or '
                "another revision"
            )
        return commit
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    if found.returncode != 0:
        raise UsageError.single(
            f'"{spec}" is neither a file nor a revision of this repository; give a brief (.yaml), '
            "a manifest (.json), or a revision such as HEAD~1, a tag or @{2025-03-01}"
        )
    return found.stdout.decode().strip()


def _at_revision(spec: str, commit: str, config: Path) -> Side:
    """Every brief of the workspace (of the config file `config`) as it was at `commit`."""
    from briefgen.build import load_workspace

    root = config.parent
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode().strip()
    listing = _git(root, "ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", prefix or ".")
    entries = [e for e in listing.stdout.decode("utf-8", "surrogateescape").split("\0") if e]
    largest = _largest_read(config)
    with tempfile.TemporaryDirectory(prefix="briefgen-rev-") as tmp:
        folder = Path(tmp)
        for entry in entries:
            meta, name = entry.split("\t", 1)
            mode, kind, obj, size = [*meta.split(), "", "", "", ""][:4]
            rel = name[len(prefix) :] if prefix and name.startswith(prefix) else name
            if kind != "blob" or mode not in ("100644", "100755") or ".." in Path(rel).parts:
                continue  # links and submodules are not read: the workspace refuses them too
            if not size.isdigit() or int(size) > largest:
                continue  # more than any file the workspace reads: left out, as if not there
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_blob(root, obj, target)
        if not (folder / "config.yaml").is_file():
            raise UsageError.single(
                f"the workspace has no config.yaml at {spec}; give a later revision"
            )
        report = Report()
        workspace = load_workspace(folder / "config.yaml", (), report, allow_none=True)
        briefs = {b.id: manifest.manifest(b, workspace.sources) for b in workspace.briefs}
        problems = [_at(p, folder, spec) for p in report.problems]
    return Side(spec, briefs, problems=problems)


def _largest_read(config: Path) -> int:
    """The largest file the workspace reads (its YAML or source limit, whichever is more)."""
    limits = Limits()  # an unreadable config: the limits it would default to
    with contextlib.suppress(Exception):
        limits = load_config(config, Report()).limits
    return max(limits.max_source_bytes, limits.max_yaml_bytes)


def _write_blob(root: Path, obj: str, target: Path) -> None:
    """A blob's bytes written to `target` as git gives them, never held in memory whole."""
    try:
        with target.open("wb") as out:
            subprocess.run(
                ["git", "cat-file", "blob", obj],
                cwd=root,
                stdout=out,
                stderr=subprocess.DEVNULL,
                timeout=_GIT_TIMEOUT,
                check=True,
            )
    except (OSError, subprocess.SubprocessError):
        target.unlink(missing_ok=True)  # not readable: as if it were not there


def _at(problem: Problem, folder: Path, spec: str) -> Problem:
    """A problem found in the old version, placed at REV:path rather than in a temporary folder."""
    where = problem.location
    if where is None:
        return problem
    try:
        rel = Path(os.path.abspath(where.path)).relative_to(os.path.realpath(folder))
    except ValueError:
        try:
            rel = Path(os.path.abspath(where.path)).relative_to(folder)
        except ValueError:
            return problem
    return replace(problem, location=replace(where, path=Path(f"{spec}:{rel.as_posix()}")))
