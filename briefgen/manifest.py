"""The provenance manifest: what a brief claimed and on what evidence, as stable JSON.

One manifest per brief and layout (`--format json`); `briefgen diff` compares two of them.
Keys are sorted and nothing depends on the clock or the machine, so a rebuild is byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.models import Brief, Citation, Item, Line, Source
from briefgen.render import shown_items

MANIFEST_VERSION = 1
Manifest = dict[str, Any]
# The fields of each kind of item, in the order a reader expects them.
ITEM_FIELDS = {
    "position": ("actor", "role", "topic", "stance", "detail"),
    "proposal": ("title", "status", "proposed_by", "summary", "detail"),
    "figure": ("label", "value", "unit", "note", "derived"),
}
COMMON_FIELDS = ("key", "as_of")
BRIEF_FIELDS = (
    "title",
    "subtitle",
    "audience",
    "marking",
    "as_of",
    "summary",
    "template",
    "group_by",
    "since",
)
# The brief's Markdown sections besides the summary (objectives is a list of them); a
# manifest written by an earlier briefgen may lack them
SECTION_FIELDS = ("purpose", "objectives", "background", "handling", "asks")


def manifest(brief: Brief, sources: dict[str, Source], layout: str = "brief") -> Manifest:
    """The manifest of one brief as shown in one layout: its fields, the lines to take and
    the items the layout shows, with every citation of either."""
    positions, proposals, figures = shown_items(brief, layout)
    items: list[Item] = [*positions, *proposals, *figures]
    lines = list(brief.lines_to_take)  # every layout shows them all
    cited = sorted(
        {c.source_id for i in (*lines, *items) for c in i.cite if c.source_id in sources}
    )
    hashes = {sid: file_sha256(sources[sid].path) for sid in cited}
    meeting = brief.meeting
    return {
        "manifest_version": MANIFEST_VERSION,
        "briefgen_version": __version__,
        "layout": layout,
        "brief": {
            "id": brief.id,
            "file": brief.path.name,
            **{name: _plain(getattr(brief, name)) for name in (*BRIEF_FIELDS, *SECTION_FIELDS)},
            "meeting": None
            if meeting is None
            else {"name": meeting.name, "date": _plain(meeting.date), "place": meeting.place},
        },
        "lines_to_take": [_line(line, sources, hashes) for line in lines],
        "items": [_item(item, sources, hashes) for item in items],
        "sources": {sid: _source(sources[sid], hashes[sid]) for sid in cited},
    }


def dumps(data: Manifest) -> str:
    """The manifest's text: sorted keys, two-space indent, UTF-8, a final newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of the whole file as stored (the brief shows a short hash of its text)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _item(item: Item, sources: dict[str, Source], hashes: dict[str, str | None]) -> dict[str, Any]:
    fields = {name: _plain(getattr(item, name)) for name in ITEM_FIELDS[item.kind]}
    fields.update({name: _plain(getattr(item, name)) for name in COMMON_FIELDS})
    return {
        "id": item.id,
        "kind": item.kind,
        "line": item.loc.line,
        "fields": fields,
        "cite": [
            _citation(c, sources.get(c.source_id), hashes.get(c.source_id)) for c in item.cite
        ],
    }


def _line(line: Line, sources: dict[str, Source], hashes: dict[str, str | None]) -> dict[str, Any]:
    return {
        "id": line.id,
        "line": line.loc.line,
        "text": line.text,
        "cite": [
            _citation(c, sources.get(c.source_id), hashes.get(c.source_id)) for c in line.cite
        ],
    }


def _citation(cite: Citation, source: Source | None, sha: str | None) -> dict[str, Any]:
    span = cite.span
    place = {"place": span.place} if span is not None and span.place is not None else {}
    return {
        "source": cite.source_id,
        "file": source.file if source else None,
        "sha256": sha,
        "quote": cite.quote,
        "found": span.text if span else None,
        "verified": span is not None,
        "line": span.line if span else None,
        "column": span.col if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_col if span else None,
        **place,
    }


def _source(source: Source, sha: str | None) -> dict[str, Any]:
    return {
        "file": source.file,
        "sha256": sha,
        "label": source.short,  # how the brief's notes name the source
        "publisher": source.publisher,
        "title": source.title,
        "published": _plain(source.published),
        "url": source.url,
    }


def _plain(value: object) -> Any:
    """A model value as JSON: dates in ISO form, tuples as lists."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return str(value)


def _nullable(body: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [body, {"type": "null"}]}


_TEXT = {"type": "string"}
_INT = {"type": "integer", "minimum": 1}
_SHA = {"type": "string", "pattern": "^[0-9a-f]{64}$"}


def _closed(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": required if required is not None else sorted(props),
        "additionalProperties": False,
    }


def schema() -> dict[str, Any]:
    """The JSON Schema of a manifest (`briefgen schema manifest`)."""
    props = {
        "source": {**_TEXT, "description": "The source's id in sources.yaml."},
        "file": {**_nullable(_TEXT), "description": "The source file, inside sources/."},
        "sha256": {**_nullable(_SHA), "description": "SHA-256 of the whole source file."},
        "quote": {**_TEXT, "description": "The quote as written in the brief."},
        "found": {**_nullable(_TEXT), "description": "The words as found in the source."},
        "verified": {"type": "boolean", "description": "Whether the quote was found."},
        "line": {**_nullable(_INT), "description": "1-based line where the quote starts."},
        "column": {**_nullable(_INT), "description": "1-based column where it starts."},
        "end_line": {**_nullable(_INT), "description": "Line of the quote's last character."},
        "end_column": {**_nullable(_INT), "description": "Column of its last character."},
        "place": {
            **_TEXT,
            "description": "Where the quote stands in a PDF or document, as its notes say "
            "(p. 12, line 4; para. 7); line and column then count lines of its extracted text.",
        },
    }
    citation = _closed(props, sorted(set(props) - {"place"}))
    value = {
        "anyOf": [_TEXT, {"type": "boolean"}, {"type": "array", "items": _TEXT}, {"type": "null"}]
    }
    kinds = sorted(ITEM_FIELDS)
    item = _closed(
        {
            "id": _TEXT,
            "kind": {"enum": kinds},
            "line": {**_INT, "description": "Line of the item in the brief file."},
            "fields": {"type": "object", "additionalProperties": value},
            "cite": {"type": "array", "items": citation},
        }
    )
    line = _closed(
        {
            "id": {**_TEXT, "description": "line-to-take-1, -2, ... in the brief's order."},
            "line": {**_INT, "description": "Line of the line to take in the brief file."},
            "text": {**_TEXT, "description": "The line to take, as written (Markdown)."},
            "cite": {"type": "array", "items": citation},
        }
    )
    meeting = _nullable(
        _closed({"name": _nullable(_TEXT), "date": _nullable(_TEXT), "place": _nullable(_TEXT)})
    )
    sections = {name: _nullable(_TEXT) for name in SECTION_FIELDS} | {
        "objectives": {"type": "array", "items": _TEXT}
    }
    brief_props = {
        "id": _TEXT,
        "file": _TEXT,
        **{name: _nullable(_TEXT) for name in BRIEF_FIELDS},
        "meeting": meeting,
    }
    brief = _closed(brief_props | sections, sorted(brief_props))
    source = _closed(
        {
            "file": _TEXT,
            "sha256": _nullable(_SHA),
            "label": _TEXT,
            "publisher": _TEXT,
            "title": _TEXT,
            "published": _nullable(_TEXT),
            "url": _nullable(_TEXT),
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "briefgen provenance manifest (build --format json: <brief>.json)",
        **_closed(
            {
                "manifest_version": {"const": MANIFEST_VERSION},
                "briefgen_version": _TEXT,
                "layout": _TEXT,
                "brief": brief,
                "lines_to_take": {
                    "type": "array",
                    "items": line,
                    "description": "The lines to take, with their citations (a manifest "
                    "written by an earlier briefgen may lack them).",
                },
                "items": {"type": "array", "items": item},
                "sources": {"type": "object", "additionalProperties": source},
            },
            ["brief", "briefgen_version", "items", "layout", "manifest_version", "sources"],
        ),
    }
