"""Models -> Markdown and HTML through Jinja2: workspace templates first, built-ins second."""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime as dt
import functools
import math
import os
import re
import sys
import types
import typing
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefgen import mdsafe
from briefgen.epoch import source_date_epoch
from briefgen.errors import Location, RenderError
from briefgen.fieldhtml import markdown_ending, markdown_to_html
from briefgen.kept import Bounded
from briefgen.models import (
    Brief,
    Citation,
    Config,
    Figure,
    Item,
    Line,
    Position,
    Proposal,
    Source,
    Span,
    changed,
)
from briefgen.origins import Origins, render_late
from briefgen.paths import (
    BUILTIN_FONTS_FOLDER,
    BUILTIN_TEMPLATES,
    extra_links,
    hard_link_problem,
    real,
    within,
)
from briefgen.precompiled import BuiltinTemplates
from briefgen.spec import LAYOUTS
from briefgen.text import visible

if TYPE_CHECKING:
    from briefgen.commands.diff import BriefChanges

FONTS_URL = f"{BUILTIN_FONTS_FOLDER}/"  # resolved by Assets, so no machine path is shown
CARD_POSITIONS = 4
CARD_FIGURES = 6


@dataclass(frozen=True)
class Note:
    """One numbered citation in the rendered brief."""

    number: int
    citation: Citation
    source: Source
    span: Span
    link: str
    label: str = ""  # the Markdown footnote label: item id and citation order, stable across edits

    @property
    def anchor(self) -> str:
        return f"note-{self.number}"

    @property
    def passage_anchor(self) -> str:
        return f"passage-{self.source.id}-{self.span.start}"


@dataclass
class Passage:
    span: Span
    notes: list[Note] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # every item's note on it, for Markdown

    @property
    def anchor(self) -> str:
        return min(self.notes, key=lambda n: n.number).passage_anchor

    @property
    def context(self) -> str:
        return self.span.before + self.span.text + self.span.after

    def places(self, note: Note) -> tuple[int, int] | None:
        """Where a note's words stand in this passage's context, if they do: of the places
        the same words stand, the one nearest the note's own offset in the source (the
        context's text is shown as a reader sees it, so offsets alone can be a little off)."""
        words, context = note.span.text, self.context
        expected = len(self.span.before) + note.span.start - self.span.start
        best: int | None = None
        at = context.find(words)
        while at >= 0:
            if best is None or abs(at - expected) < abs(best - expected):
                best = at
            at = context.find(words, at + 1)
        return None if best is None else (best, best + len(words))

    @property
    def pieces(self) -> list[tuple[str, bool]]:
        """The context cut into (text, quoted) pieces: every note's words marked."""
        marks = sorted(p for n in self.notes if (p := self.places(n)))
        pieces: list[tuple[str, bool]] = []
        at = 0
        for start, end in marks:
            start = max(start, at)
            if end <= start:
                continue
            if start == at and pieces and pieces[-1][1]:
                pieces[-1] = (pieces[-1][0] + self.context[start:end], True)  # touching quotes
            else:
                pieces += [(self.context[at:start], False), (self.context[start:end], True)]
            at = end
        pieces.append((self.context[at:], False))
        return [p for p in pieces if p[0]]


@dataclass
class CitedSource:
    source: Source
    link: str
    passages: list[Passage] = field(default_factory=list)


@dataclass
class View:
    """Everything a template needs, worked out once."""

    brief: Brief
    config: Config
    layout: str
    groups: list[tuple[str, list[Position]]]
    proposals: list[Proposal]
    figures: list[Figure]
    notes: list[Note]
    item_notes: dict[str, list[Note]]
    appendix: list[CitedSource]
    created: str
    changes: BriefChanges | None = None  # set by build --since: what changed since OLD
    item_labels: list[Note] = field(default_factory=list)  # one note per item's citation

    def change_of(self, item: Item) -> str:
        """'new' or 'revised' for an item changed since OLD, else ''."""
        found = self.changes.of(item.id) if self.changes else None
        if found is None:
            return ""
        return "new" if found.change == "added" else "revised"

    lines: list[Line] = field(default_factory=list)
    cited_by: dict[int, str] = field(default_factory=dict)  # note number -> first item citing it
    contents: bool = False  # whether to show the contents list: the PDF writer decides by pages

    def marker_of(self, item: Item, note: Note) -> str:
        """The id of the marker in an item's text that stands for a note (a range's first)."""
        return marker_anchor(item.id, note)

    def back_to(self, note: Note) -> str:
        """The id of a marker that links to a note, in the first item citing it: where the
        note's back link goes."""
        item_id = self.cited_by[note.number]
        for run in _runs(self.item_notes[item_id]):
            if run[0].number <= note.number <= run[-1].number:
                return marker_anchor(item_id, run[0])
        return f"item-{item_id}"  # pragma: no cover - every note is in a run of its item

    @property
    def marking(self) -> str:
        return self.brief.marking or self.config.marking

    def notes_for(self, item: Item) -> list[Note]:
        return self.item_notes.get(item.id, [])

    def passage_of(self, note: Note) -> str:
        """The anchor of the appendix passage that holds a note's words."""
        for cited in self.appendix:
            if cited.source.id == note.source.id:
                for passage in cited.passages:
                    if any(n is note for n in passage.notes):
                        return passage.anchor
        return note.passage_anchor

    def markers(self, item: Item) -> list[tuple[str, Note]]:
        """An item's note numbers with runs written as ranges ('13–16'), each with its first note."""
        return marker_runs(self.notes_for(item))

    def as_dict(self) -> dict[str, Any]:
        """What templates see: every path relative to the workspace (no machine paths)."""
        view = workspace_relative(self, self.config.root.resolve(), {})
        assert isinstance(view, View)
        return view._variables()

    def _variables(self) -> dict[str, Any]:
        return {
            "brief": self.brief,
            "config": self.config,
            "layout": self.layout,
            "groups": self.groups,
            "group_by": self.brief.group_by,
            "positions": [p for _, group in self.groups for p in group],
            "proposals": self.proposals,
            "figures": self.figures,
            "notes": self.notes,
            "notes_for": self.notes_for,
            "markers": self.markers,
            "passage_of": self.passage_of,
            "marker_of": self.marker_of,
            "back_to": self.back_to,
            "cited_by": self.cited_by,
            "lines_to_take": self.lines,
            "contents": self.contents,
            "long": self.contents,  # the earlier name of `contents`, kept for workspace templates
            "appendix": self.appendix,
            "marking": self.marking,
            "organisation": self.config.organisation,
            "created": self.created,
            "keywords": self.keywords(),
            "changes": self.changes,
            "change_of": self.change_of,
            "item_labels": self.item_labels,
        }

    def keywords(self) -> str:
        words = [self.marking, *(name for name, _ in self.groups)]
        if self.brief.meeting and self.brief.meeting.name:
            words.append(self.brief.meeting.name)
        return ", ".join(dict.fromkeys(words))


def workspace_relative(obj: Any, root: Path, memo: dict[int, Any]) -> Any:
    """`obj` with every Path made relative to the workspace root, shared objects kept shared.
    What holds no Path is kept as it is, not copied: a dataclass whose field types can hold
    none (a Span, a date) is not even looked into."""
    cls: type = type(obj)
    kind = _KINDS.get(cls) or _kind(cls)
    if kind is _AS_IS:
        return obj
    done = memo.get(id(obj))
    if done is not None:
        return done
    new: Any = obj
    if kind is _PATH:
        new = Path(os.path.relpath(obj, root)) if obj.is_absolute() else obj
        if new.parts[:1] == ("..",):
            new = Path(obj.name)  # outside the workspace: its name only
    elif kind is _SEQUENCE:
        kinds = _KINDS
        items = [
            x if kinds.get(type(x)) is _AS_IS else workspace_relative(x, root, memo) for x in obj
        ]
        if type(obj) is list or any(a is not b for a, b in zip(items, obj, strict=True)):
            new = type(obj)(items)  # a list is copied even so: the template must not share it
    elif kind is _MAPPING:
        new = {k: workspace_relative(v, root, memo) for k, v in obj.items()}
    else:
        changes = {}
        kinds = _KINDS
        for name in _init_fields(cls):
            value = getattr(obj, name)
            if kinds.get(type(value)) is _AS_IS:  # checked here: most values are text
                continue
            relative = workspace_relative(value, root, memo)
            if relative is not value:
                changes[name] = relative
        if changes:
            new = _replaced(obj, changes)
    memo[id(obj)] = new
    return new


_AS_IS, _PATH, _SEQUENCE, _MAPPING, _FIELDS = "as is", "path", "sequence", "mapping", "fields"
_KINDS: dict[type, str] = {}  # what workspace_relative does with an object, by its type


def _kind(cls: type) -> str:
    if issubclass(cls, _LEAVES):
        kind = _AS_IS
    elif issubclass(cls, Path):
        kind = _PATH
    elif issubclass(cls, tuple | list):
        kind = _SEQUENCE
    elif issubclass(cls, dict):
        kind = _MAPPING
    elif dataclasses.is_dataclass(cls) and _may_hold_path(cls):
        kind = _FIELDS
    else:
        kind = _AS_IS  # a Span, a function: nothing in it is looked into
    _KINDS[cls] = kind
    return kind


def learn_kinds() -> None:
    """Work out now what workspace_relative does with each model type (reading their field
    types takes a few milliseconds): a render child does it while it waits for its work."""
    from briefgen import errors, models

    for module in (models, errors, sys.modules[__name__]):
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                _KINDS.get(value) or _kind(value)


def _replaced(obj: Any, changes: dict[str, Any]) -> Any:
    """dataclasses.replace(obj, **changes), made by copying the fields where __init__ only
    sets them (five times faster)."""
    cls: type = type(obj)
    return changed(obj, **changes) if _plain(cls) else dataclasses.replace(obj, **changes)


@functools.cache
def _plain(cls: type) -> bool:
    """Whether a dataclass's __init__ only sets its fields: no __post_init__ (nor InitVar,
    which needs one), every field an init field, no slots."""
    return (
        not hasattr(cls, "__post_init__")
        and not hasattr(cls, "__slots__")
        and all(f.init for f in dataclasses.fields(cls))
    )


_LEAVES = (str, int, float, dt.date, type(None))  # hold no Path: returned as they are


@functools.cache
def _init_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


@functools.cache
def _may_hold_path(cls: type) -> bool:
    """Whether a dataclass's fields, by their types, can hold a Path anywhere inside; a
    type that cannot be read (a name only type checkers know), Any or object counts as one
    that can. Every field type is checked by mypy, so what it declares is what it holds."""
    return _type_may_hold_path(cls, set())


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    subclasses: list[type] = type.__subclasses__(cls)
    for sub in subclasses:
        found += [sub, *_subclasses(sub)]
    return found


def _type_may_hold_path(hint: Any, seen: set[type]) -> bool:
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return False
    if origin is not None:  # X | Y, tuple[X, ...], list[X], dict[K, V], Callable[...], ...
        if origin in (collections.abc.Callable, type):
            return False  # not looked into by workspace_relative
        return any(
            _type_may_hold_path(arg, seen) for arg in typing.get_args(hint) if arg is not ...
        )
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if hint in seen:
            return False  # its fields are being looked at already
        inner = seen | {hint}
        kinds = [hint, *_subclasses(hint)]  # a field of type Item may hold a Position
        try:
            hints = [(k, typing.get_type_hints(k)) for k in kinds]
        except Exception:
            return True
        return any(
            _type_may_hold_path(found.get(n, Any), inner)
            for k, found in hints
            for n in _init_fields(k)
        )
    # Any, object, a Path, a type variable: anything not known to hold none
    return not (isinstance(hint, type) and issubclass(hint, _LEAVES))


def shown_items(brief: Brief, layout: str) -> tuple[list[Position], list[Proposal], list[Figure]]:
    """The items a layout shows: all of them, or for a meeting card the key ones."""
    if layout != "card":
        return list(brief.positions), list(brief.proposals), list(brief.figures)
    positions = [p for p in brief.positions if p.key] or list(brief.positions[:CARD_POSITIONS])
    figures = [f for f in brief.figures if f.key] or list(brief.figures[:CARD_FIGURES])
    return positions, [p for p in brief.proposals if p.key], figures


def build_view(
    brief: Brief,
    sources: dict[str, Source],
    config: Config,
    out_dir: Path,
    layout: str,
    changes: BriefChanges | None = None,
) -> View:
    """Choose what the layout shows, number citations in reading order, group the rest."""
    positions, proposals, figures = shown_items(brief, layout)
    groups = group_positions(positions, brief.group_by)
    lines = list(brief.lines_to_take)
    reading_order: list[Item] = [*lines, *(p for _, g in groups for p in g), *proposals, *figures]
    notes: list[Note] = []
    by_place: dict[tuple[str, int, int], Note] = {}
    item_notes: dict[str, list[Note]] = {}
    cited_by: dict[int, str] = {}
    appendix: dict[str, CitedSource] = {}
    item_labels: list[Note] = []
    links: dict[str, str] = {}  # each source's link, worked out once (resolving paths is slow)
    for item in reading_order:
        for order, cite in enumerate(item.cite, 1):
            if cite.span is None:
                continue
            source = sources[cite.source_id]
            key = (source.id, cite.span.start, cite.span.end)
            note = by_place.get(key)
            if note is None:
                anchor = cite.span.anchor
                fragment = (
                    f"#L{cite.span.line}" if anchor is None else f"#{anchor}" if anchor else ""
                )
                if source.id not in links:
                    links[source.id] = source_link(source, out_dir)
                link = f"{links[source.id]}{fragment}"
                note = Note(len(notes) + 1, cite, source, shown_span(cite.span), link)
                notes.append(note)
                by_place[key] = note
                cited = appendix.setdefault(source.id, CitedSource(source, links[source.id]))
                _add_passage(cited, note)
            cited_by.setdefault(note.number, item.id)
            # Markdown names each citation by its item and place in it, so that an edit to
            # one item relabels nothing else; PDF and HTML number each distinct passage once
            labelled = changed(note, label=f"{item.id}-{order}")
            _passage_of(appendix[source.id], note).labels.append(labelled.label)
            item_labels.append(labelled)
            item_notes.setdefault(item.id, []).append(labelled)
    for cited in appendix.values():
        cited.passages.sort(key=lambda p: p.span.start)
    return View(
        brief=brief,
        config=config,
        layout=layout,
        groups=groups,
        proposals=proposals,
        figures=figures,
        notes=notes,
        item_notes=item_notes,
        appendix=sorted(appendix.values(), key=lambda c: c.source.id),
        created=build_date(brief),
        changes=changes,
        item_labels=item_labels,
        lines=lines,
        cited_by=cited_by,
    )


def _runs(notes: list[Note]) -> list[list[Note]]:
    """Distinct notes in number order, cut into runs of consecutive numbers."""
    runs: list[list[Note]] = []
    for note in sorted({n.number: n for n in notes}.values(), key=lambda n: n.number):
        if runs and note.number == runs[-1][-1].number + 1:
            runs[-1].append(note)
        else:
            runs.append([note])
    return runs


def marker_runs(notes: list[Note]) -> list[tuple[str, Note]]:
    """Note numbers in order, consecutive ones joined into a range with an en dash."""
    return [
        (str(r[0].number) if len(r) == 1 else f"{r[0].number}–{r[-1].number}", r[0])
        for r in _runs(notes)
    ]


def marker_anchor(item_id: str, first: Note) -> str:
    """The id of an item's marker whose run starts with `first`."""
    return f"ref-{item_id}-{first.number}"


def shown_span(span: Span) -> Span:
    """A passage as the reader sees it: a source's control characters written visibly."""
    return changed(
        span, before=visible(span.before), text=visible(span.text), after=visible(span.after)
    )


def build_date(brief: Brief) -> str:
    """The document date: SOURCE_DATE_EPOCH when set, else the brief's as_of (never the clock)."""
    epoch = source_date_epoch()
    if epoch is not None:
        stamp = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    if brief.as_of:
        return f"{brief.as_of.latest().isoformat()}T00:00:00Z"
    return ""


def _add_passage(cited: CitedSource, note: Note) -> None:
    """Each passage once: a quote inside another quote's words joins that passage's notes."""
    for passage in cited.passages:
        if passage.span.start <= note.span.start and note.span.end <= passage.span.end:
            passage.notes.append(note)
            return
        if note.span.start <= passage.span.start and passage.span.end <= note.span.end:
            passage.span = note.span
            passage.notes.append(note)
            return
        same_lines = (passage.span.line, passage.span.end_line) == (
            note.span.line,
            note.span.end_line,
        )
        if same_lines and passage.places(note) is not None:
            passage.notes.append(note)  # another quote from the same sentence: one passage
            return
    cited.passages.append(Passage(note.span, [note]))


def _passage_of(cited: CitedSource, note: Note) -> Passage:
    """The passage of a cited source that holds the note (by identity: notes are unique)."""
    return next(p for p in cited.passages if any(n is note for n in p.notes))


def group_positions(positions: list[Position], by: str) -> list[tuple[str, list[Position]]]:
    """Positions grouped by topic (or by actor), groups in order of first appearance."""
    groups: dict[str, list[Position]] = {}
    for position in positions:
        name = position.actor if by == "actor" else (position.topic or "Other positions")
        groups.setdefault(name, []).append(position)
    return list(groups.items())


def source_link(source: Source, out_dir: Path) -> str:
    """A relative link from the output folder to the source file, with forward slashes.

    The file is named as the catalogue names it, inside the sources folder it was checked
    to be in: a link within that folder is not followed again, so a file swapped for a
    link after it was read cannot point the brief's reader outside the workspace."""
    folder = source.path.parents[len(Path(source.file).parts) - 1]
    rel = os.path.relpath(real(folder) / source.file, real(out_dir))
    return quote(Path(rel).as_posix(), safe="/-_.~")


def md_text(text: object, line_start: bool = False) -> str:
    """Plain text made literal in Markdown: no emphasis, links, table breaks or raw HTML;
    with `line_start` (where a template puts it at the start of a line), no list or
    rule either ("1. Deploy troops" stays text)."""
    if text is None:
        return ""
    literal = mdsafe.escape(str(text)).replace("\n", " ")
    return mdsafe.literal_lines(literal) if line_start else literal


def md_block(text: object) -> str:
    """A Markdown field rewritten from its parse: raw HTML shown as text, images as their
    description, links other than http, https, mailto and #places as plain text."""
    if text is None:
        return ""
    return mdsafe.safe_markdown(str(text))[0]


class _TemplateFolder(jinja2.FileSystemLoader):
    """A template folder whose files, links resolved, must stay inside it."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        if not within(Path(filename), Path(str(self.searchpath[0]))):
            raise RenderError.single(
                f'template "{template}" is a link leading outside the templates folder; copy the file in instead',
                Location(Path(filename)),
            )
        if extra_links(Path(filename)):
            raise RenderError.single(
                f'template "{template}" {hard_link_problem(Path(filename))}',
                Location(Path(filename)),
            )
        return source, filename, uptodate


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's sandbox, also refusing anything a path object could do (read, write, list),
    and a power too large to write (which Jinja would work out while compiling)."""

    intercepted_binops = frozenset({"**"})  # worked out on rendering, through call_binop

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _huge_power(left, right):
            raise SecurityError(
                f"{left!r} ** {right!r} makes a number too large to write; "
                f"a power may have at most {MAX_POWER_DIGITS:,} digits"
            )
        return super().call_binop(context, operator, left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Jinja's answer depends on the object's type and the name only (not the value), as
        # does ours; it is asked on every attribute a template reads, so it is kept.
        key = (type(obj), attr)
        safe = _SAFE_ATTRIBUTES.get(key)
        if safe is None:
            safe = not isinstance(obj, os.PathLike) and super().is_safe_attribute(obj, attr, value)
            _SAFE_ATTRIBUTES[key] = safe
        return safe

    def getattr(self, obj: Any, attribute: str) -> Any:
        """SandboxedEnvironment.getattr, step for step, with the safety answer kept (above)
        and str.format's wrapping looked for only on the two method types it wraps."""
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        if type(value) in _METHOD_TYPES:
            fmt = self.wrap_str_format(value)
            if fmt is not None:
                return fmt
        if self.is_safe_attribute(obj, attribute, value):
            return value
        return self.unsafe_undefined(obj, attribute)


MAX_POWER_DIGITS = sys.get_int_max_str_digits() or 4300  # as many as Python writes (0: no limit)


def _huge_power(left: Any, right: Any) -> bool:
    """Whether whole numbers left ** right would have more than MAX_POWER_DIGITS digits."""
    if not (isinstance(left, int) and isinstance(right, int)) or right <= 0 or abs(left) < 2:
        return False
    return right * math.log10(abs(left)) >= MAX_POWER_DIGITS  # digits: floor(that) + 1


_SAFE_ATTRIBUTES: Bounded[tuple[type, str], bool] = Bounded(10_000)
_METHOD_TYPES = (types.MethodType, types.BuiltinMethodType)  # neither can be subclassed


# Environments (with their compiled templates) the preview keeps between renders; it
# empties the dict when a template changes. None: a fresh environment for every render.
ENVIRONMENTS: ContextVar[dict[tuple[Path, bool, bool], _Sandbox] | None] = ContextVar(
    "ENVIRONMENTS", default=None
)


def environment(config: Config, autoescape: bool) -> _Sandbox:
    """The sandbox the workspace's templates render in: its templates first, then the
    built-ins (also reachable as builtin:<name>); kept while ENVIRONMENTS is set."""
    kept = ENVIRONMENTS.get()
    key = (config.templates_dir, config.templates_dir.is_dir(), autoescape)
    env = kept.get(key) if kept is not None else None
    if env is None:
        env = _new_environment(config, autoescape)
        if kept is not None:
            kept[key] = env
    return env


def _new_environment(config: Config, autoescape: bool) -> _Sandbox:
    return new_environment(own_templates(config), autoescape)


def own_templates(config: Config) -> Path | None:
    """The workspace's templates folder, if it has one inside the workspace (one outside is
    refused where config.yaml names it, and nothing is read from it)."""
    folder = config.templates_dir
    return folder if folder.is_dir() and within(folder, config.root) else None


def new_environment(folder: Path | None, autoescape: bool) -> _Sandbox:
    """The sandbox templates render in: `folder`'s templates first (None: only the
    built-ins), then the built-ins, which are also reachable as builtin:<name>."""
    builtin = BuiltinTemplates(BUILTIN_TEMPLATES)
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"builtin": builtin}, delimiter=":")]
    if folder is not None:
        loaders.append(_TemplateFolder(folder))
    loaders.append(builtin)
    env = _Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = markdown_to_html
    env.filters["markdown_ending"] = markdown_ending
    env.filters["md_text"] = md_text
    env.filters["md_block"] = md_block
    return env


def render(view: View, fmt: str) -> str:
    """Render one brief to 'md', 'html' or 'pdf' (the HTML the PDF is printed from)."""
    return render_located(view, fmt)[0]


def render_located(view: View, fmt: str) -> tuple[str, Origins]:
    """The rendered text and, for each of its lines, the template file and line behind it."""
    env = environment(view.config, autoescape=fmt != "md")
    suffix = "md" if fmt == "md" else "html"
    name = f"{view.layout}.{suffix}.j2"
    if suffix == "md" and view.layout not in LAYOUTS and name not in env.list_templates():
        name = "brief.md.j2"
    try:
        template = env.get_template(name)
        variables = {**view.as_dict(), "print": fmt == "pdf", "fonts": FONTS_URL}
        text, origins = render_late(template, variables)
        origins.fallback = Location(view.brief.path)
        return _checked(view, fmt, text, origins)
    except jinja2.TemplateNotFound as exc:
        where = _template_location(exc, name)
        if where.path == Path(name):
            where = view.brief.template_loc or Location(view.brief.path)
        raise RenderError.single(
            f'template "{exc.name}" not found; templates are named by their file name inside '
            'the templates folder (no absolute paths or ".."), or builtin:<name> for a built-in one',
            where,
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        where = Location(Path(exc.filename or exc.name or name), exc.lineno or 1)
        raise RenderError.single(f"template syntax error: {exc.message}", where) from exc
    except jinja2.UndefinedError as exc:
        message = re.sub(
            r"'briefgen\.\w+\.(\w+) object'", lambda m: m[1].lower(), exc.message or ""
        )
        raise RenderError.single(
            f"template {name}: {message}; check the name against the README's template variables",
            _template_location(exc, name),
        ) from exc
    except SecurityError as exc:
        raise RenderError.single(
            f"template {name} tried something unsafe: {exc}", _template_location(exc, name)
        ) from exc
    except (ArithmeticError, AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
        where = _template_location(exc, name)
        if where == Location(Path(name)):
            raise  # no template line in the traceback: not the template's doing
        if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
            why = f"it makes a number too large to write (over {MAX_POWER_DIGITS:,} digits)"
        else:
            why = f"{type(exc).__name__}: {exc}"
        raise RenderError.single(
            f"template {where.path.name} failed: {why}; check what it does with the values "
            "there against the README's template variables",
            where,
        ) from exc


def _checked(view: View, fmt: str, text: str, origins: Origins) -> tuple[str, Origins]:
    """Markdown output as a renderer reads it holds nothing live a template put there."""
    if fmt == "md":
        made = {n.link for n in view.notes} | {c.link for c in view.appendix}
        problems = mdsafe.check_output(text, origins, made)
        if problems:
            raise RenderError(problems)
    return text, origins


def _template_location(exc: BaseException, name: str) -> Location:
    """The template file and line a Jinja error came from, found in its traceback."""
    tb = exc.__traceback__
    where = Location(Path(name))
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = Location(Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return where
