"""The built-in templates compiled ahead of time (briefgen/templates/compiled.json)."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest

from briefgen import precompiled, render
from conftest import build_tree, minimal_files, run_cli


def _plain(escape: bool) -> jinja2.Environment:
    return render.new_environment(None, escape)


def test_the_committed_file_is_up_to_date() -> None:
    assert precompiled.FILE.read_text(encoding="utf-8") == precompiled.generate(_plain), (
        "briefgen/templates/compiled.json is out of date: run scripts/compile-templates"
    )


def test_every_builtin_template_is_in_it() -> None:
    table = json.loads(precompiled.FILE.read_text(encoding="utf-8"))
    names = {p.name for p in precompiled.BUILTIN_TEMPLATES.glob("*.j2")}
    assert names and set(table["templates"]) == names


@pytest.mark.parametrize("name", ["brief.md.j2", "brief.html.j2", "card.html.j2", "card.md.j2"])
def test_precompiled_code_is_the_code_jinja_makes(name: str) -> None:
    escape = precompiled.autoescaped(name)
    path = precompiled.BUILTIN_TEMPLATES / name
    source = path.read_text(encoding="utf-8")
    code = precompiled.code_for(name, source, str(path), escape)
    assert code is not None and code.co_filename == str(path)  # template lines stay reportable
    assert (
        _plain(escape).compile(source, name, str(path), raw=True)
        == (json.loads(precompiled.FILE.read_text(encoding="utf-8"))["templates"][name]["python"])
    )


def test_other_text_or_escaping_is_compiled_as_usual() -> None:
    path = precompiled.BUILTIN_TEMPLATES / "brief.md.j2"
    source = path.read_text(encoding="utf-8")
    assert precompiled.code_for("brief.md.j2", source + "\n", str(path), False) is None
    assert precompiled.code_for("brief.md.j2", source, str(path), True) is None
    assert precompiled.code_for("nowhere.md.j2", source, str(path), False) is None


def test_a_table_for_another_jinja_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precompiled, "_TABLE", [])
    monkeypatch.setattr(precompiled, "_CODE", {})
    monkeypatch.setattr(jinja2, "__version__", "0.0-other")
    path = precompiled.BUILTIN_TEMPLATES / "brief.md.j2"
    source = path.read_text(encoding="utf-8")
    assert precompiled.code_for("brief.md.j2", source, str(path), False) is None


def _build(root: Path) -> dict[str, str]:
    result = run_cli("build", "--format", "md,html")
    assert result.exit_code == 0, result.stderr
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((root / "build").iterdir())}


def test_outputs_are_the_same_with_and_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    monkeypatch.chdir(root)
    made = _build(root)
    monkeypatch.setattr(precompiled, "_TABLE", [{}])  # nothing precompiled
    monkeypatch.setattr(precompiled, "_CODE", {})
    assert _build(root) == made


def test_a_failure_in_a_template_extending_a_builtin_one_names_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The template's file and line still come from the render when the template it
    extends is precompiled."""
    files = minimal_files()
    files["templates/brief.md.j2"] = (
        '{% extends "builtin:brief.md.j2" %}\n{% block header %}{{ brief.title + 1 }}{% endblock %}\n'
    )
    root = build_tree(tmp_path / "ws", files)
    monkeypatch.chdir(root)
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 1
    assert "templates/brief.md.j2:2:" in result.stderr, result.stderr
