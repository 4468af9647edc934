"""Each brief file's checked result, kept in .briefgen-cache/ so that an unchanged brief is
neither parsed nor matched against its sources again.

An entry holds what follows from one brief file: the validated brief and the problems
found in it, and what resolving its quotes gave (every citation's span, and the problems
of its quotes and figures). It is found under a key made of everything that result
depends on: the file's path and the SHA-256 of its bytes, the loaded config.yaml (every
setting and folder), and the code (briefgen's version and a digest of its own source
files, PyYAML's and Python's). The resolution is used only when every catalogued source
is as it was (its catalogue entry and the SHA-256 of its text); otherwise the quotes are
matched again and the entry rewritten. Checks that look across briefs or at the date
(unique ids, unused sources, dates in the future, freshness, links) are not kept: they
run every time on the briefs as read.

An entry is JSON (never pickle: the folder may be written by others), carries its own
key, and is used only when it matches its digest (see cache.py) and decodes into the
models exactly; anything else is a miss and the brief is read afresh. The folder is safe
to delete at any time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from briefgen import __version__, citations, validate
from briefgen.cache import FOLDER, Cache, digest
from briefgen.errors import Location, Problem, Report
from briefgen.matching import SourceText
from briefgen.models import (
    Brief,
    Citation,
    Config,
    Figure,
    Item,
    Line,
    Meeting,
    PartialDate,
    Position,
    Proposal,
    Source,
    Span,
    changed,
)

KIND = "brief"
FORMAT = "1"  # change whenever what an entry holds, or how, changes
_MODELS: dict[str, type] = {
    cls.__name__: cls
    for cls in (Brief, Meeting, Line, Position, Proposal, Figure, Citation, PartialDate, Problem)
}
_FIELDS = {cls: tuple(f.name for f in fields(cls)) for cls in _MODELS.values()}
_code: list[str] = []


def code_version() -> str:
    """What the kept results were made by: briefgen's version and a digest of its source
    files, and the versions of PyYAML (and libyaml) and of Python and its Unicode tables."""
    if not _code:
        package = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for path in sorted(package.rglob("*.py")):
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
        libyaml = getattr(getattr(yaml, "_yaml", None), "get_version_string", lambda: "")()
        _code.append(
            f"{FORMAT}:{__version__}:{h.hexdigest()}:{yaml.__version__}:{libyaml}:"
            f"{sys.version}:{unicodedata.unidata_version}"
        )
    return _code[0]


Resolution = tuple[str, list[Any], list[Problem]]  # sources key, span rows, problems
Read = tuple[str, Brief | None, list[Problem]]  # key, validated brief, problems
Placed = tuple[str, Resolution]  # the key of the brief's bytes, and what resolving it gave


@dataclass
class _Held:
    """A brief file read in this run: its key, what validating it gave, and the kept
    resolution (sources key, spans, problems) when the entry had one."""

    key: str
    brief: Brief | None
    problems: list[Problem]
    resolution: Resolution | None


class Results:
    """The kept results of one run over a workspace (`cache` None: nothing is kept)."""

    def __init__(self, config: Config, cache: Cache | None) -> None:
        self.config = config
        self.cache = cache
        self._held: dict[Path, _Held] = {}
        self._config = repr(config)
        self._sources: tuple[dict[str, Source], dict[str, SourceText], str] | None = None
        self._read: dict[Path, bytes] = {}  # read by has(), for validate() not to read again
        self._given: dict[Path, Read] = {}  # what split.py's child read (see offer)
        self._pending: dict[Path, _Held] | None = None  # kept at flush() (see defer)

    def validate(self, path: Path, report: Report) -> Brief | None:
        """validate.validate_brief(path, ...), or its kept result for the same bytes."""
        if self.cache is None:
            return validate.validate_brief(path, self.config, report)
        data = self._read.pop(path, None) or validate.read_brief(path, self.config, report)
        if data is None:
            return None
        key = self._key(path, data)
        given = self._given.pop(path, None)
        if given is not None and given[0] == key:  # read by the child from the same bytes
            held: _Held | None = _Held(key, given[1], list(given[2]), None)
        else:
            held = self._load(path, key)
        if held is None:
            mine = Report()
            held = _Held(key, validate.brief_from(path, data, mine), mine.problems, None)
            if held.brief is None:  # nothing to resolve: kept as it is
                self._store(path, held)
        self._held[path] = held
        report.problems.extend(held.problems)
        return held.brief

    def resolve(
        self,
        brief: Brief,
        sources: dict[str, Source],
        texts: dict[str, SourceText],
        report: Report,
    ) -> Brief:
        """citations.resolve([brief], ...)[0], or the kept resolution when the brief was read
        in this run and no source has changed since it was kept."""
        held = self._held.get(brief.path)
        if held is None or held.brief is None:  # nothing kept, or not read in this run
            return citations.resolve([brief], sources, texts, report)[0]
        if self._sources is None or not (self._sources[0] is sources and self._sources[1] is texts):
            self._sources = (sources, texts, sources_key(sources, texts))
        key = self._sources[2]
        if held.resolution is not None and held.resolution[0] == key:
            done = _apply(brief, held.resolution[1], texts)
            if done is not None:
                report.problems.extend(held.resolution[2])
                return done
        mine = Report()
        done = citations.resolve([brief], sources, texts, mine)[0]
        report.problems.extend(mine.problems)
        held.resolution = (key, [_span_row(c.span) for c in _cites(done)], mine.problems)
        self._store(brief.path, held)
        return done

    def _key(self, path: Path, data: bytes) -> str:
        return digest(
            json.dumps([code_version(), str(path), digest(data), self._config]).encode(
                "utf-8", "surrogatepass"
            )
        )

    def has(self, path: Path) -> bool:
        """Whether a result is kept for the brief file as it is now."""
        if self.cache is None:
            return False
        data = validate.read_brief(path, self.config, Report())
        if data is None:  # validate() reads it again, to report why
            return False
        self._read[path] = data
        return self.cache.has(KIND, self._key(path, data), FORMAT)

    def read(self, path: Path) -> Read | None:
        """What validating `path` gave in this run: its key, brief and problems (for
        split.py's child to send)."""
        held = self._held.get(path)
        return None if held is None else (held.key, held.brief, held.problems)

    def offer(self, path: Path, given: Read | None) -> None:
        """What another process got validating `path` (split.py's child): validate() takes
        it instead of reading the brief again, if its key is the one the file has now."""
        if given is not None:
            self._given[path] = given

    def take(self, path: Path, given: Placed | None) -> None:
        """Take the resolution split.py's child worked out for `path` (it keeps its results
        on disk only after sending them, so there is none there to read back). It is used
        only as a kept one is: for the same bytes of the brief as this process read (the
        file may have been saved again between the two readings), its sources key
        matching, its spans fitting."""
        held = self._held.get(path)
        if held is None or held.resolution is not None:
            return
        if not (isinstance(given, tuple) and len(given) == 2 and given[0] == held.key):
            return
        resolution = given[1]
        if isinstance(resolution, tuple) and len(resolution) == 3:
            held.resolution = resolution

    def resolution(self, path: Path) -> Placed | None:
        """What resolving the brief at `path` gave in this run, with the key of the bytes
        it was read from (for split.py's child to send)."""
        held = self._held.get(path)
        if held is None or held.resolution is None:
            return None
        return held.key, held.resolution

    def _load(self, path: Path, key: str) -> _Held | None:
        raw = self.cache.load(KIND, key, FORMAT) if self.cache else None
        if raw is None:
            return None
        try:
            row = json.loads(raw.decode("utf-8", "surrogatepass"), object_hook=_decoder(path))
            form, stored, brief, problems, resolution = row
            if form != FORMAT or stored != key or not isinstance(problems, list):
                return None
            if not all(isinstance(p, Problem) for p in problems):
                return None
            if brief is not None and not (isinstance(brief, Brief) and brief.path == path):
                return None
            if resolution is not None:
                skey, spans, later = resolution
                if not (isinstance(skey, str) and isinstance(spans, list)):
                    return None
                if not all(isinstance(p, Problem) for p in later):
                    return None
                resolution = (skey, spans, later)
            return _Held(key, brief, problems, resolution)
        except (ValueError, TypeError, LookupError, AttributeError, RecursionError):
            return None  # not an entry this code wrote: read the brief afresh

    def defer(self) -> None:
        """Write what is kept only at flush(): a shared check's two processes each write
        theirs while the other still works (split.py)."""
        self._pending = {}

    def flush(self) -> None:
        """Write what was kept since defer()."""
        for write in self.writes():
            write()
        self._pending = None

    def writes(self) -> list[Callable[[], None]]:
        """Writing what was kept since defer(), a task a brief, to be done while this
        process would wait (what is left is written at flush())."""
        return [functools.partial(self._write_pending, path) for path in self._pending or ()]

    def _write_pending(self, path: Path) -> None:
        held = self._pending.pop(path, None) if self._pending is not None else None
        if held is not None:
            self._write(path, held)

    def _store(self, path: Path, held: _Held) -> None:
        if self.cache is None:
            return
        if self._pending is not None:
            self._pending[path] = held
            return
        self._write(path, held)

    def _write(self, path: Path, held: _Held) -> None:
        assert self.cache is not None  # (nothing is held without one)
        row = [FORMAT, held.key, held.brief, held.problems, held.resolution]
        try:
            text = json.dumps(
                row, default=_encoder(path), ensure_ascii=False, separators=(",", ":")
            )
        except (TypeError, ValueError):  # a value this code cannot keep: simply not kept
            return
        self.cache.store(KIND, held.key, FORMAT, text.encode("utf-8", "surrogatepass"))


def cache_for(config: Config) -> Cache:
    """Where a workspace's kept results are: .briefgen-cache/brief/, one folder for all."""
    return Cache(config.root / FOLDER, shard=False)


def sources_key(sources: dict[str, Source], texts: dict[str, SourceText]) -> str:
    """A digest of every catalogued source as quotes are matched against it: its catalogue
    entry, and its text (or that it could not be read)."""
    parts = []
    for sid, source in sources.items():
        text = texts.get(sid)
        unit = text.extracted.unit if text is not None and text.extracted else ""
        seen = "-" if text is None else f"{text.sha256}:{text.file_sha256}:{unit}"
        parts.append(f"{sid}\0{source!r}\0{seen}")
    return digest("\n".join(parts).encode("utf-8", "surrogatepass"))


def _cites(brief: Brief) -> list[Citation]:
    return [c for item in brief.citing for c in item.cite]


def _span_row(span: Span | None) -> list[Any] | None:
    if span is None:
        return None
    return [
        span.start,
        span.end,
        span.line,
        span.col,
        span.end_line,
        span.end_col,
        span.text,
        span.occurrences,
        span.place,
        span.anchor,
    ]


def _apply(brief: Brief, rows: list[Any], texts: dict[str, SourceText]) -> Brief | None:
    """The brief with the kept spans put in its citations, as citations.resolve does; None
    when they do not fit its citations and sources."""
    if len(rows) != len(_cites(brief)):
        return None
    at = iter(rows)

    def cite(c: Citation) -> Citation:
        row = next(at)
        if row is None:
            return c
        start, end, line, col, end_line, end_col, shown, count, place, anchor = row
        text = texts[c.source_id]  # KeyError: a span for a source not read (caught below)
        numbers = (start, end, line, col, end_line, end_col, count)
        if not all(type(n) is int for n in numbers) or type(shown) is not str:
            raise ValueError("not a span")
        if not (0 <= start <= end <= len(text.text)):
            raise ValueError("span outside its source")
        lines = (line, col, end_line, end_col)
        context = text.context_of(start, end, line, end_line)
        return changed(c, span=Span.found(start, end, lines, shown, count, place, anchor, context))

    def items(group: tuple[Item, ...]) -> tuple[Item, ...]:
        return tuple(changed(i, cite=tuple(cite(c) for c in i.cite)) for i in group)

    try:
        return changed(
            brief,
            lines_to_take=items(brief.lines_to_take),
            positions=items(brief.positions),
            proposals=items(brief.proposals),
            figures=items(brief.figures),
        )
    except (ValueError, TypeError, KeyError):
        return None


@dataclass(frozen=True)
class _Model:
    """How a model is kept: its fields' names, and which hold a location, a tuple or a path."""

    cls: type
    size: int
    values: Callable[[dict[str, Any]], tuple[Any, ...]]
    locations: tuple[int, ...]
    tuples: tuple[int, ...]
    paths: tuple[int, ...]


def _model(cls: type) -> _Model:
    kinds = [str(f.type) for f in fields(cls)]
    names = [f.name for f in fields(cls)]
    return _Model(
        cls,
        len(names),
        operator.itemgetter(*names),
        tuple(i for i, k in enumerate(kinds) if k.split(" |")[0] == "Location"),
        tuple(i for i, k in enumerate(kinds) if k.startswith("tuple[")),
        tuple(i for i, k in enumerate(kinds) if k == "Path"),
    )


_KEPT = {name: _model(cls) for name, cls in _MODELS.items()}
_KEPT_BY_CLASS = {m.cls: (name, m) for name, m in _KEPT.items()}


def _encoder(home: Path) -> Callable[[Any], Any]:
    """json.dumps's default: a model as {class name: [field values]}, where a location is
    [line, col] in the brief file itself and [line, col, path] elsewhere."""

    def encode(obj: Any) -> Any:
        found = _KEPT_BY_CLASS.get(type(obj))
        if found is None:
            raise TypeError(f"cannot keep {type(obj).__name__}")
        name, model = found
        values = list(model.values(obj.__dict__))
        for i in model.locations:
            loc = values[i]
            if loc is not None:
                same = loc.path is home or loc.path == home
                values[i] = [loc.line, loc.col] if same else [loc.line, loc.col, str(loc.path)]
        for i in model.paths:
            values[i] = str(values[i])
        return {name: values}

    return encode


def _decoder(home: Path) -> Callable[[dict[str, Any]], Any]:
    """json.loads's object_hook, undoing `_encoder`."""

    def decode(obj: dict[str, Any]) -> Any:
        if len(obj) != 1:
            raise ValueError("not a kept value")
        ((name, values),) = obj.items()
        model = _KEPT[name]
        if type(values) is not list or len(values) != model.size:
            raise ValueError("not a model")
        for i in model.locations:
            loc = values[i]
            if loc is not None:
                values[i] = _location(loc, home)
        for i in model.tuples:
            if type(values[i]) is not list:
                raise ValueError("not a tuple")
            values[i] = tuple(values[i])
        for i in model.paths:
            if type(values[i]) is not str:
                raise ValueError("not a path")
            values[i] = Path(values[i])
        return model.cls(*values)

    return decode


def _location(kept: Any, home: Path) -> Location:
    if type(kept) is list and len(kept) == 2:
        line, col = kept
        path = home
    elif type(kept) is list and len(kept) == 3 and type(kept[2]) is str:
        line, col, name = kept
        path = Path(name)
    else:
        raise ValueError("not a location")
    if type(line) is not int or type(col) is not int:
        raise ValueError("not a location")
    return Location(path, line, col)
