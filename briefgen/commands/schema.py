"""JSON Schemas for editors, generated from the field tables the validator reads (briefgen.spec)."""

from __future__ import annotations

import json
import re
from typing import Any

from briefgen import spec
from briefgen.fields import ID_RE
from briefgen.spec import Field

EDITOR_KINDS = ("brief", "sources", "config")  # the ones init writes for editors
DIALECT = "https://json-schema.org/draft/2020-12/schema"
FILE_NAMES = {kind: f"{kind}.schema.json" for kind in EDITOR_KINDS}
_DATE = r"^\d{4}-\d{1,2}(-\d{1,2})?$"
_NOT_BLANK = r"\S"  # the validator refuses empty and all-space text
Schema = dict[str, Any]


def schema(kind: str) -> Schema:
    """The schema of one kind of file: brief, sources or config."""
    if kind == "brief":
        body = _object(spec.BRIEF)
        title = "briefgen brief (briefs/<name>.yaml)"
    elif kind == "sources":
        entries = {"type": "array", "items": _object(spec.SOURCE)}
        wrapped = {
            "type": "object",
            "properties": {"sources": entries},
            "additionalProperties": False,
        }
        body = {"anyOf": [entries, wrapped, {"type": "null"}]}
        title = "briefgen source catalogue (sources/sources.yaml)"
    elif kind == "manifest":
        from briefgen.manifest import schema as manifest_schema

        return manifest_schema()
    elif kind == "config":
        body = {"anyOf": [_object(spec.CONFIG), {"type": "null"}]}
        title = "briefgen workspace settings (config.yaml)"
    else:
        raise ValueError(kind)
    # Only keywords draft-07 also knows, so editors that stop at draft-07 read it the same.
    return {"$schema": DIALECT, "title": title, **body}


def schema_json(kind: str) -> str:
    """The schema as the text `briefgen schema` prints and `init` writes."""
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


def _object(fields: tuple[Field, ...]) -> Schema:
    out: Schema = {
        "type": "object",
        "properties": {f.name: _field(f) for f in fields},
        "additionalProperties": False,
    }
    required = [f.name for f in fields if f.required]
    if required:
        out["required"] = required
    return out


def _field(f: Field) -> Schema:
    body = _kind(f)
    if not f.required:
        body = {"anyOf": [body, {"type": "null"}]}
    body["description"] = f.description
    if f.example:
        body["examples"] = [f.example.strip('"')]
    return body


def _text() -> Schema:
    # Numbers written in a text field are kept as written, so they are text too.
    return {"type": ["string", "number"], "pattern": _NOT_BLANK}


def _choice(choices: tuple[str, ...]) -> Schema:
    """One of the choices; the enum is what editors offer, the pattern what the validator also
    accepts (any letter case, "under_discussion" for "under discussion")."""
    words = ["[\\s_-]+".join("".join(_either(c) for c in w) for w in v.split()) for v in choices]
    loose = "^\\s*(" + "|".join(words) + ")\\s*$"
    return {"type": "string", "anyOf": [{"enum": list(choices)}, {"pattern": loose}]}


def _either(c: str) -> str:
    return f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c)


def _kind(f: Field) -> Schema:
    if f.kind in ("text", "markdown"):
        return {"type": "string", "pattern": f.pattern} if f.pattern else _text()
    if f.kind == "date":
        return {"type": "string", "pattern": _DATE}
    if f.kind == "flag":
        return {"type": "boolean"}
    if f.kind == "id":
        return {"type": ["string", "integer"], "pattern": ID_RE.pattern, "minimum": 0}
    if f.kind == "choice":
        return _choice(f.choices)
    if f.kind == "text_list":
        one = _choice(f.choices) if f.choices else _text()
        return {"anyOf": [one, {"type": "array", "items": one}]}
    if f.kind in ("integer", "number"):
        bounds: dict[str, Any] = {"minimum": f.minimum or 0}
        if f.maximum is not None:
            bounds["maximum"] = f.maximum
        return {"type": f.kind, **bounds}
    if f.kind == "object":
        return _object(f.fields)
    if f.kind == "list":
        return {"type": "array", "items": _object(f.fields)}
    if f.kind == "text_or_object":
        return {"anyOf": [_text(), _object(f.fields)]}
    if f.kind == "text_or_object_list":
        return {"type": "array", "items": {"anyOf": [_text(), _object(f.fields)]}}
    if f.kind == "one_or_list":
        entry = _object(f.fields)
        return {"anyOf": [entry, {"type": "array", "items": entry}]}
    raise ValueError(f"unknown field kind {f.kind}")
