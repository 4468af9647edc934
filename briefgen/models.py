"""Typed, immutable models of a workspace: sources, citations, items and briefs."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from briefgen.errors import Location

STATUSES = ("proposed", "under discussion", "agreed", "rejected", "withdrawn")
Status = Literal["proposed", "under discussion", "agreed", "rejected", "withdrawn"]

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


T = TypeVar("T")
_FIELD_NAMES: dict[type, frozenset[str]] = {}


def changed(model: T, **changes: object) -> T:
    """dataclasses.replace(model, **changes) for these models (frozen, with no __post_init__),
    made by copying the fields rather than by calling __init__ again with all of them."""
    cls = type(model)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))  # type: ignore[arg-type]
    if not names.issuperset(changes):
        raise TypeError(f"{cls.__name__} has no field {sorted(set(changes) - names)[0]!r}")
    new = object.__new__(cls)
    new.__dict__.update(model.__dict__)
    new.__dict__.update(changes)
    return new


@dataclass(frozen=True, order=True)
class PartialDate:
    """A full date, or a year and month when the day is not known."""

    year: int
    month: int
    day: int | None = None

    def iso(self) -> str:
        base = f"{self.year:04d}-{self.month:02d}"
        return f"{base}-{self.day:02d}" if self.day else base

    def human(self) -> str:
        month = _MONTHS[self.month - 1]
        return f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"

    def short(self) -> str:
        """'17 Feb 2025', or 'Feb 2025' for a month."""
        month = _MONTHS[self.month - 1][:3]
        return f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"

    def earliest(self) -> dt.date:
        """The first day this date could mean."""
        return dt.date(self.year, self.month, self.day or 1)

    def latest(self) -> dt.date:
        """The last day this date could mean (the month's last day when no day is given)."""
        if self.day:
            return dt.date(self.year, self.month, self.day)
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return self.iso()


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    path: Path
    publisher: str
    title: str
    published: PartialDate | None
    url: str | None
    loc: Location
    file_loc: Location
    digest: str = ""
    published_loc: Location | None = None
    label: str | None = None  # a short name for notes ("BBC, 17 Feb"); None: publisher and date

    @property
    def short(self) -> str:
        """The name notes use: the catalogue's label, else the publisher and a short date."""
        if self.label:
            return self.label
        if self.published is None:
            return self.publisher
        return f"{self.publisher}, {self.published.short()}"


@dataclass(frozen=True)
class Span:
    """Where a quote was found: 1-based lines and columns in the original file."""

    start: int
    end: int
    line: int
    col: int
    end_line: int
    end_col: int
    before: str
    text: str
    after: str
    occurrences: int = 1
    place: str | None = None  # where it stands in a PDF or document ("p. 12, line 4", "para. 7")
    anchor: str | None = None  # the link fragment to the place ("page=12"); None: "L<line>"

    @classmethod
    def found(
        cls,
        start: int,
        end: int,
        lines: tuple[int, int, int, int],
        text: str,
        occurrences: int,
        place: str | None,
        anchor: str | None,
        context: Callable[[], tuple[str, str]],
    ) -> Span:
        """A span whose `before` and `after` are worked out by `context()` when first read.

        Checking a quote needs only where it stands; the words around it are for the
        outputs, so a check that renders nothing never works them out. `lines` is
        (line, col, end_line, end_col). The span is equal to, and reads, pickles and
        copies as, the one made with the context given."""
        span = object.__new__(cls)
        line, col, end_line, end_col = lines
        span.__dict__.update(
            start=start,
            end=end,
            line=line,
            col=col,
            end_line=end_line,
            end_col=end_col,
            text=text,
            occurrences=occurrences,
            place=place,
            anchor=anchor,
            _context=context,
        )
        return span

    if not TYPE_CHECKING:  # for the type checker, before and after are plain fields

        def __getattr__(self, name: str) -> str:
            if name not in ("before", "after"):
                raise AttributeError(name)
            context = self.__dict__.get("_context")
            if context is None:
                raise AttributeError(name)
            before, after = context()
            self.__dict__.update(before=before, after=after)
            self.__dict__.pop("_context", None)
            return before if name == "before" else after

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__, before=self.before, after=self.after)
        state.pop("_context", None)
        return state

    @property
    def lines(self) -> str:
        return str(self.line) if self.line == self.end_line else f"{self.line}–{self.end_line}"

    @property
    def where(self) -> str:
        """'line 12' or 'lines 12–13' (or 'p. 12, line 4', 'para. 7'), as a reader expects it."""
        if self.place is not None:
            return self.place
        return f"line {self.line}" if self.line == self.end_line else f"lines {self.lines}"

    @property
    def heading(self) -> str:
        """`where` at the start of a sentence: 'Line 12', 'Para. 7'; a page stays 'p. 12'."""
        where = self.where
        return where if where.startswith("p. ") else where[:1].upper() + where[1:]


@dataclass(frozen=True)
class Citation:
    source_id: str
    quote: str
    loc: Location
    quote_loc: Location
    source_loc: Location
    span: Span | None = None


@dataclass(frozen=True)
class Item:
    """What positions, proposals and figures share."""

    id: str
    loc: Location
    as_of: PartialDate | None
    cite: tuple[Citation, ...]
    key: bool = False
    stale: bool = False
    as_of_loc: Location | None = None

    @property
    def kind(self) -> str:
        return type(self).__name__.lower()


@dataclass(frozen=True)
class Position(Item):
    actor: str = ""
    stance: str = ""
    role: str | None = None
    topic: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Proposal(Item):
    title: str = ""
    status: Status = "proposed"
    proposed_by: tuple[str, ...] = ()
    summary: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Figure(Item):
    label: str = ""
    value: str = ""
    value_loc: Location | None = None
    unit: str | None = None
    note: str | None = None
    derived: str | None = None  # the working of a calculated figure ("two-fifths of 100,000")
    derived_loc: Location | None = None


@dataclass(frozen=True)
class Line(Item):
    """A line to take: Markdown the reader may say, optionally citing sources like an item."""

    text: str = ""


@dataclass(frozen=True)
class Meeting:
    name: str | None = None
    date: PartialDate | None = None
    place: str | None = None


@dataclass(frozen=True)
class Brief:
    id: str
    path: Path
    loc: Location
    title: str
    subtitle: str | None = None
    meeting: Meeting | None = None
    audience: str | None = None
    marking: str | None = None
    as_of: PartialDate | None = None
    as_of_loc: Location | None = None
    summary: str | None = None
    template: str | None = None
    template_loc: Location | None = None
    group_by: str = "topic"
    since: str | None = None  # the default OLD of `build --since`: a revision, brief or manifest
    since_loc: Location | None = None
    purpose: str | None = None
    objectives: tuple[str, ...] = ()
    lines_to_take: tuple[Line, ...] = ()
    background: str | None = None
    handling: str | None = None
    asks: str | None = None
    positions: tuple[Position, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    figures: tuple[Figure, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        return (*self.positions, *self.proposals, *self.figures)

    @property
    def citing(self) -> tuple[Item, ...]:
        """Everything that may cite a source: the lines to take and the items."""
        return (*self.lines_to_take, *self.items)


@dataclass(frozen=True)
class Limits:
    max_yaml_bytes: int = 5_000_000
    max_source_bytes: int = 20_000_000
    render_timeout: float = 120.0
    render_memory_mb: int = 2048


@dataclass(frozen=True)
class Config:
    root: Path
    path: Path
    title: str | None = None
    organisation: str | None = None
    marking: str = "OFFICIAL"
    formats: tuple[str, ...] = ("pdf", "md")
    sources_dir: Path = Path("sources")
    briefs_dir: Path = Path("briefs")
    templates_dir: Path = Path("templates")
    output_dir: Path = Path("build")
    stale_after_days: int | None = None
    strict: bool = False
    layouts: tuple[str, ...] = ()  # built for every brief; empty: each brief's own template
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class Workspace:
    config: Config
    sources: dict[str, Source]
    briefs: tuple[Brief, ...]
    unread: int = 0  # brief files that could not be read as briefs (their errors say why)
