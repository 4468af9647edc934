"""The workspace as the preview server holds it: checked again on every change, rendered on demand.

Rendering goes through the same path as `build` (render.build_view and the format
writers, via outputs.render_brief), so the preview shows exactly what build writes.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from briefgen import assets, collector, render
from briefgen import build as pipeline
from briefgen import outputs as rendering
from briefgen.bounded import Ahead, death_with_parent, run_bounded, wanted_until
from briefgen.config import available_layouts, find_config
from briefgen.errors import BriefgenError, Location, Problem, RenderDied, Report, Superseded
from briefgen.formats import WRITERS
from briefgen.models import Brief, Config, Source, Workspace
from briefgen.origins import DeferredOrigins, Origins, plain
from briefgen.paths import real, within
from briefgen.preview.spare import Spare, WarmUp, warmed
from briefgen.warm import Warm

OUT = "/out/"  # where rendered outputs are served; source links resolve against it
MAX_UNSWEPT = 20  # checks in a row with no collection between (see tidy)
MAX_RESTARTS = 10  # renders of one request stopped by saves before it is told to ask again


@dataclass(frozen=True)
class Output:
    """One file the preview can render: a brief in one layout and format."""

    brief: Brief
    layout: str
    fmt: str


@dataclass
class Snapshot:
    """One checked state of the workspace, and what was rendered from it."""

    version: int
    result: pipeline.Result | None
    problems: list[Problem]
    outputs: dict[str, Output] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    rendered: dict[str, bytes] = field(default_factory=dict)
    failed: dict[str, list[Problem]] = field(default_factory=dict)  # renders that failed
    gates: dict[str, threading.Lock] = field(default_factory=dict)  # one render at a time
    root: Path | None = None  # the workspace's folder: problems name files from there
    # set once a newer state replaces this one: its renders still running are stopped
    replaced: threading.Event = field(default_factory=threading.Event)

    @property
    def ok(self) -> bool:
        return self.result is not None and not any(p.is_error for p in self.problems)

    def errors_of(self, brief: Brief) -> list[Problem]:
        """The errors that keep a brief's outputs from being served: all but those in other
        briefs' files. With any error build writes nothing; the preview still shows a brief
        while another is being edited, but not one whose citations a problem of the
        catalogue, a source, a template or config.yaml would leave out or change."""
        return [
            p
            for p in self.problems
            if p.is_error
            and not (p.location and p.location.path != brief.path and self.in_a_brief(p))
        ]

    def in_a_brief(self, problem: Problem) -> bool:
        """Whether a problem is in a brief's file (a YAML file of the briefs folder)."""
        where = problem.location.path if problem.location else None
        if where is None or self.result is None:
            return False
        folder = self.result.workspace.config.briefs_dir
        return where.suffix in (".yaml", ".yml") and real(where.parent) == real(folder)


class Preview:
    """Thread-safe: the watcher calls refresh(), request threads read and render."""

    def __init__(self, config_path: Path | None, names: tuple[str, ...] = ()) -> None:
        self.config_path = config_path
        self.names = names
        self._lock = threading.Lock()
        self.changed = threading.Condition()
        self.snapshot = Snapshot(0, None, [])
        self.untidy = False  # checked or rendered since the garbage was last collected
        self.unswept = 0  # checks since then
        self.collections = 0  # made by tidy()
        self.warm = Warm()  # the workspace as last read, file by file
        self.environments: dict[Any, Any] = {}  # compiled templates, kept until one changes
        self.allowed: dict[Any, Any] = {}  # HTML elements found allowed, kept as long
        self.generation = 0  # of `environments`: one more each time they are emptied
        self.spare = Spare()  # a warm child for the next page's template
        death_with_parent()  # made here once, inherited by every render's child
        self.refresh()

    def refresh(self, changed: Iterable[Path] | None = None) -> Snapshot:
        """Check the workspace again, reading again only the `changed` files (None: all of
        them); open pages are told through `changed`."""
        self.unswept += 1
        if self.unswept > MAX_UNSWEPT:  # saves with no quiet moment between: collect anyway
            self.tidy()
        with collector.paused():
            return self._refresh(None if changed is None else list(changed))

    def _refresh(self, changed: list[Path] | None) -> Snapshot:
        folders = self._content_folders()
        if changed is None or folders is None or self.config_file in {real(p) for p in changed}:
            self.warm.changed(None)  # config.yaml: everything may read differently
        else:
            self.warm.changed(changed)
        if folders is None or changed is None or not all(_inside(p, folders) for p in changed):
            self.environments.clear()  # a template or stylesheet: compile afresh
            self.generation += 1  # and a spare child forked with the old ones is of no use
            self.allowed.clear()  # and check every element again (a file it names may change)
        self.untidy = True
        try:
            report = Report()
            workspace = pipeline.load_workspace(
                self.config_path, self.names, report, allow_none=True, warm=self.warm
            )
            result: pipeline.Result | None = pipeline.Result(report, workspace)
            problems = result.report.sorted() if result else []
        except BriefgenError as exc:  # a broken config.yaml: nothing to show but the problems
            result, problems = None, list(exc.problems)
        snap = Snapshot(self.snapshot.version + 1, result, problems, root=self._root(result))
        if result is not None:
            snap.outputs, snap.sources = _addresses(result.workspace, self.warm)
        with self._lock:
            old, self.snapshot = self.snapshot, snap
        old.replaced.set()  # what is rendered from it now would be shown to no one
        with self.changed:
            self.changed.notify_all()
        return snap

    def _root(self, result: pipeline.Result | None) -> Path | None:
        if result is not None:
            return result.workspace.config.root
        with contextlib.suppress(BriefgenError, OSError):
            return find_config(self.config_path).parent
        return None

    @property
    def config_file(self) -> Path | None:
        snap = self.snapshot
        return real(snap.result.workspace.config.path) if snap.result else None

    def _content_folders(self) -> list[Path] | None:
        """The briefs and sources folders, whose files no template depends on."""
        snap = self.snapshot
        if snap.result is None:
            return None
        config = snap.result.workspace.config
        return [real(config.briefs_dir), real(config.sources_dir)]

    def tidy(self) -> None:
        """Collect garbage now, while nothing is asked (checks and renders pause the
        collector and freeze what they leave), if anything was checked or rendered since
        the last time."""
        if self.untidy:
            self.untidy, self.unswept = False, 0
            collector.collect()
            self.collections += 1
        self.spare.prepare(self.generation, self._fork_spare)

    def _fork_spare(self, warm: WarmUp) -> Ahead:
        token = render.ENVIRONMENTS.set(self.environments)  # the child's, as a render's is
        try:
            return Ahead(warm, announce=True)
        finally:
            render.ENVIRONMENTS.reset(token)

    def close(self) -> None:
        """Stop the spare render child (the server is stopping)."""
        self.spare.close()

    def render(self, name: str) -> bytes | None:
        """The bytes of output `name` in the current state; None if there is no such output.

        Each output is rendered once a state: requests for it meanwhile wait for that
        render (twelve asking at once for a PDF started twelve renders). A render that a
        save makes out of date is stopped, and the output is made from the newer state
        (the one asking waits for what it asked for, not a message to ask again)."""
        for restart in range(MAX_RESTARTS + 1):
            snap = self.snapshot
            with self._lock:
                gate = snap.gates.setdefault(name, threading.Lock())
            try:
                with gate:
                    return self._render(snap, name)
            except Superseded:
                # saves all the while, or none after all: its message says to ask again
                if restart == MAX_RESTARTS or self.snapshot is snap:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _render(self, snap: Snapshot, name: str) -> bytes | None:
        with self._lock:
            done, failed = snap.rendered.get(name), snap.failed.get(name)
        if done is not None:
            return done
        if failed is not None:  # told once per state: the same render would fail again
            raise BriefgenError(failed)
        target = snap.outputs.get(name)
        if target is None or snap.result is None:
            return None
        if own := snap.errors_of(target.brief):
            raise BriefgenError(own)
        kept = render.ENVIRONMENTS.set(self.environments), assets.ALLOWED.set(self.allowed)
        try:
            with collector.paused(), wanted_until(snap.replaced):  # (unpaused, a third of a
                # re-render went to collections)
                data = render_output(target, snap.result.workspace, self.spare, self.generation)
        except BriefgenError as exc:  # a template or stylesheet that cannot be used
            if not isinstance(exc, RenderDied | Superseded):  # (asked again, tried again)
                with self._lock:
                    snap.failed[name] = list(exc.problems)
            raise
        finally:
            render.ENVIRONMENTS.reset(kept[0])
            assets.ALLOWED.reset(kept[1])
        self.untidy = True
        with self._lock:
            snap.rendered[name] = data
        return data


def render_output(
    target: Output, workspace: Workspace, spare: Spare | None = None, generation: int = 0
) -> bytes:
    """One output, made as build makes it, under build's time and memory limits.

    A PDF or Markdown output is made whole in a child, as build makes it. An HTML page is
    made here but for its template, which runs in a child (a template of the workspace's
    own may loop or fill memory, and the server must go on answering): what comes before
    and after it is briefgen's own, and here it finds its work of the last render kept.
    The template goes to the `spare` child if one is warm for the templates of `generation`."""
    config = workspace.config
    brief, layout, fmt = target.brief, target.layout, target.fmt
    args = (brief, workspace, config.output_dir, (fmt,), (layout,))
    limits = config.limits

    def bounded(fn: Any, fn_args: tuple[Any, ...], ahead: Ahead | None = None) -> Any:
        return run_bounded(
            fn,
            fn_args,
            limits.render_timeout,
            limits.render_memory_mb,
            Location(brief.path),
            ahead=ahead,
        )

    if fmt == "html":
        with _WARMING:
            cold = (brief.path, layout) not in _WARMED
            _WARMED.add((brief.path, layout))
        if cold:
            _warm(args)

        def located(view: Any, kind: str) -> tuple[str, Origins]:
            text = bounded(_page_text, (view, kind), spare.take(generation) if spare else None)
            if spare:
                page = warmed(
                    _page_text, (view, kind), limits.render_memory_mb, limits.render_timeout
                )
                spare.remember(page, generation)
            return text, DeferredOrigins(lambda: bounded(_page_origins, (view, kind)), text)

        outputs, _warnings = rendering.render_brief(*args, located=located)
    else:
        if fmt == "pdf":
            import weasyprint  # noqa: F401 - loaded once here, inherited by every render's child
        outputs, _warnings = bounded(rendering.render_brief, args)
    return bytes(outputs[rendering.output_name(brief, layout, fmt)])


def _page_text(view: Any, kind: str) -> str:
    """An HTML page's template run (in a child): the text it renders."""
    return render.render_located(view, kind)[0]


def _page_origins(view: Any, kind: str) -> tuple[str, Origins]:
    """An HTML page's template run again (in a child), noting its lines' template lines."""
    text, origins = render.render_located(view, kind)
    return text, plain(origins)


# the pages warmed once in this process: a head start only; an edit since changes some of
# a brief's fields, and what was made of the others is still of use
_WARMED: set[tuple[Path, str]] = set()
_WARMING = threading.Lock()


def _warm(args: tuple[Any, ...]) -> None:
    """Make here, once, what each child running a brief's page template would make again:
    the page's own template compiled (not run) in the sandbox the children render in, and
    the brief's fields as HTML, by a render with the built-in templates only (no template
    of the workspace's own runs here)."""
    brief, workspace, layout = args[0], args[1], args[4][0]
    builtin_only = replace(workspace.config, templates_dir=Path(os.devnull))
    with contextlib.suppress(Exception):  # only a head start: the child reports any problem
        render.environment(workspace.config, autoescape=True).get_template(f"{layout}.html.j2")
        rendering.render_brief(brief, replace(workspace, config=builtin_only), *args[2:])


def _addresses(workspace: Workspace, warm: Warm) -> tuple[dict[str, Output], dict[str, Path]]:
    """Every output name the preview serves, and the URL path of every catalogued source file
    as the rendered briefs link to it (relative to the output folder); a source's link is
    worked out again only when its file (or a folder holding it) changes."""
    config = workspace.config
    outputs = {
        rendering.output_name(brief, layout, fmt): Output(brief, layout, fmt)
        for brief in workspace.briefs
        for layout in available_layouts(config)
        for fmt in WRITERS
        if WRITERS[fmt].available()
    }
    sources: dict[str, Path] = {}
    for source in workspace.sources.values():
        link = warm.step(
            ("address", config, source.path),
            lambda _, source=source: [source.path],  # type: ignore[misc]
            lambda _, source=source: _link(source, config),  # type: ignore[misc]
            Report(),
        )
        if link is not None:
            sources[link] = source.path
    return outputs, sources


def _link(source: Source, config: Config) -> str | None:
    """The URL path the rendered briefs link to a source file by, if it is inside the
    sources folder (links resolved)."""
    if not within(real(source.path), real(config.sources_dir)):
        return None
    return urljoin(OUT, render.source_link(source, config.output_dir))


def _inside(path: Path, folders: list[Path]) -> bool:
    return any(within(path, folder) for folder in folders)
