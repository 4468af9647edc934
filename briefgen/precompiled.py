"""The built-in templates, compiled ahead of time.

Jinja turns a template into Python source before Python compiles it; for the built-in
brief templates that first step takes longer than rendering a whole Markdown brief.
`briefgen/templates/compiled.json` holds that Python source for each built-in template,
with the SHA-256 of the template text and the Jinja version it was made from. A
template is loaded from it only when both still match, so an edited template or another
Jinja is compiled as usual (never wrongly); `scripts/compile-templates` writes the file
again and a test fails when it is out of date.

The file is part of the installed package, as trusted as the templates themselves;
nothing in a workspace is ever loaded this way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, MutableMapping
from types import CodeType
from typing import Any

import jinja2

from briefgen import cache
from briefgen.paths import BUILTIN_TEMPLATES

FILE = BUILTIN_TEMPLATES / "compiled.json"
_CODE: dict[tuple[str, bool, str], CodeType] = {}  # compiled once per process
_TABLE: list[dict[str, Any]] = []


def autoescaped(name: str) -> bool:
    """Whether a template is rendered with autoescaping: every template but Markdown's."""
    return not name.endswith(".md.j2")


def digest(source: str) -> str:
    return cache.digest(source.encode("utf-8"))


def generate(environment: Callable[[bool], jinja2.Environment]) -> str:
    """The text of compiled.json for the built-in templates as they are now."""
    entries = {}
    for path in sorted(BUILTIN_TEMPLATES.glob("*.j2")):
        source = path.read_text(encoding="utf-8")
        escape = autoescaped(path.name)
        code = environment(escape).compile(source, path.name, str(path), raw=True)
        entries[path.name] = {"sha256": digest(source), "autoescape": escape, "python": code}
    table = {"jinja2": jinja2.__version__, "templates": entries}
    return json.dumps(table, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def code_for(name: str, source: str, filename: str, autoescape: bool) -> CodeType | None:
    """The compiled code of built-in template `name`, if compiled.json has it for exactly
    this text, this autoescaping and this Jinja; None means compile it as usual."""
    key = (name, autoescape, digest(source))
    if key in _CODE:
        return _CODE[key]
    entry = _table().get(name)
    if not entry or entry.get("sha256") != key[2] or entry.get("autoescape") is not autoescape:
        return None
    code = compile(str(entry["python"]), filename, "exec")
    _CODE[key] = code
    return code


def _table() -> dict[str, Any]:
    if not _TABLE:
        try:
            table = json.loads(FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            table = {}
        if not isinstance(table, dict) or table.get("jinja2") != jinja2.__version__:
            table = {}
        templates = table.get("templates")
        _TABLE.append(templates if isinstance(templates, dict) else {})
    return _TABLE[0]


class BuiltinTemplates(jinja2.FileSystemLoader):
    """The built-in templates folder, loading precompiled code where it is up to date."""

    def load(
        self,
        environment: jinja2.Environment,
        name: str,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        source, filename, uptodate = self.get_source(environment, name)
        escape = environment.autoescape
        code = code_for(name, source, filename, escape) if isinstance(escape, bool) else None
        if code is None:
            return super().load(environment, name, globals)
        return environment.template_class.from_code(
            environment, code, environment.make_globals(globals), uptodate
        )


def warm(name: str) -> None:
    """Compile built-in template `name` now, so that its first render does not."""
    path = BUILTIN_TEMPLATES / name
    if path.is_file():
        code_for(name, path.read_text(encoding="utf-8"), str(path), autoescaped(name))
