"""The JSON Schemas agree with the validator: both read briefgen.spec, and these tests hold them to it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator

from briefgen.build import check
from briefgen.commands.schema import schema, schema_json
from conftest import MINIMAL_BRIEF, ROOT, build_tree, minimal_files, run_cli

FIXTURE = ROOT / "tests" / "fixtures" / "format-example"


def as_json(text: str) -> Any:
    """YAML as an editor's language server sees it: dates stay text."""

    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(yaml.safe_load(text))


def schema_errors(kind: str, text: str) -> list[str]:
    printed = json.loads(run_cli("schema", kind).stdout)
    found = []
    for validator in (Draft202012Validator(printed), Draft7Validator(printed)):
        found += [e.message for e in validator.iter_errors(as_json(text))]
    return found


def test_schema_command_prints_the_generated_schema() -> None:
    for kind in ("brief", "sources", "config"):
        result = run_cli("schema", kind)
        assert result.exit_code == 0
        assert result.stdout == schema_json(kind)
        printed = json.loads(result.stdout)
        assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(printed)
        Draft7Validator.check_schema(printed)
    assert run_cli("schema", "bogus").exit_code == 2


def test_schema_keywords_are_draft_07_compatible() -> None:
    text = json.dumps([schema(k) for k in ("brief", "sources", "config")])
    for keyword in (
        "prefixItems",
        "$defs",
        "unevaluatedProperties",
        "dependentRequired",
        "$dynamicRef",
    ):
        assert keyword not in text


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("brief", ROOT / "briefs" / "london-summit.yaml"),
        ("sources", ROOT / "sources" / "sources.yaml"),
        ("config", ROOT / "config.yaml"),
        ("brief", FIXTURE / "briefs" / "format-example.yaml"),
        ("sources", FIXTURE / "sources" / "sources.yaml"),
    ],
)
def test_every_fixture_is_valid_both_ways(kind: str, path: Path) -> None:
    assert schema_errors(kind, path.read_text(encoding="utf-8")) == []


def test_sample_workspace_passes_the_validator() -> None:
    result = check(ROOT)
    assert not result.report.errors


FIELD_MISTAKES = [
    ("stnace: x", "unknown field"),  # a misspelled field
    ("colour: red", "unknown field"),
]


def _brief_with(line: str) -> str:
    return MINIMAL_BRIEF.replace(
        "    stance: The plan is affordable.\n",
        f"    stance: The plan is affordable.\n    {line}\n",
    )


@pytest.mark.parametrize(("line", "message"), FIELD_MISTAKES)
def test_misspelled_field_is_refused_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, message: str
) -> None:
    text = _brief_with(line)
    assert schema_errors("brief", text), "the schema accepted a misspelled field"
    monkeypatch.chdir(build_tree(tmp_path, minimal_files(briefs__test_yaml=text)))
    result = run_cli("check")
    assert result.exit_code == 1
    assert message in result.stderr


@pytest.mark.parametrize(
    "drop",
    [
        "    actor: The minister\n",
        "    stance: The plan is affordable.\n",
        "title: Test brief\n",
        '        quote: the plan would cost "£2.5 billion" over five years\n',
    ],
)
def test_missing_required_field_is_refused_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drop: str
) -> None:
    assert drop in MINIMAL_BRIEF
    text = MINIMAL_BRIEF.replace(drop, "", 1)
    assert schema_errors("brief", text)
    monkeypatch.chdir(build_tree(tmp_path, minimal_files(briefs__test_yaml=text)))
    assert run_cli("check").exit_code == 1


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("brief", MINIMAL_BRIEF.replace("as_of: 2025-03-02", "as_of: March 2025")),
        ("brief", MINIMAL_BRIEF + "group_by: topics\n"),
        ("brief", MINIMAL_BRIEF.replace("  - id: minister-plan", "  - id: minister plan")),
        ("brief", MINIMAL_BRIEF + "proposals:\n  - id: p\n    title: T\n    status: maybe\n"),
        ("config", "formats: [pdf, odt]\n"),
        ("config", "limits:\n  render_memory_mb: 10\n"),
        ("config", "stale_after_days: soon\n"),
        ("sources", "- id: a\n  file: a.txt\n  publisher: P\n"),
        ("sources", "- id: news\n  file: news.txt\n  publisher: P\n  title: T\n  url: ftp://x\n"),
    ],
)
def test_bad_values_are_refused_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, text: str
) -> None:
    assert schema_errors(kind, text)
    target = {
        "brief": "briefs/test.yaml",
        "config": "config.yaml",
        "sources": "sources/sources.yaml",
    }[kind]
    files = minimal_files()
    files[target] = text
    monkeypatch.chdir(build_tree(tmp_path, files))
    assert run_cli("check").exit_code == 1


def test_new_fields_from_the_lead_are_known() -> None:
    brief = schema("brief")
    figure = brief["properties"]["figures"]["anyOf"][0]["items"]["properties"]
    assert "derived" in figure
    config = schema("config")["anyOf"][0]["properties"]
    assert {"strict", "layouts"} <= set(config)


def test_schema_carries_descriptions() -> None:
    brief = schema("brief")
    assert "key messages" in brief["properties"]["summary"]["description"]
    position = brief["properties"]["positions"]["anyOf"][0]["items"]["properties"]
    assert position["stance"]["description"] == "The view, in one line."


def test_files_init_and_new_write_are_valid_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init").exit_code == 0
    assert run_cli("new", "b", "--meeting-date", "2025-03-02").exit_code == 0
    checked = run_cli("check")  # valid: only its placeholder summary is warned about
    assert checked.exit_code == 0 and "error" not in checked.stderr
    assert checked.stderr.count("warning: summary still says") == 1
    for kind, name in (
        ("config", "config.yaml"),
        ("sources", "sources/sources.yaml"),
        ("brief", "briefs/b.yaml"),
    ):
        assert schema_errors(kind, (tmp_path / name).read_text()) == [], name
        written = json.loads((tmp_path / "schemas" / f"{kind}.schema.json").read_text())
        assert written == schema(kind)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (
            "brief",
            MINIMAL_BRIEF + "proposals:\n  - id: p\n    title: T\n    status: Under_Discussion\n",
        ),
        ("brief", MINIMAL_BRIEF + "group_by: Actor\n"),
        ("config", "formats: [PDF, md]\n"),
        (
            "sources",
            "- id: news\n  file: news.txt\n  publisher: P\n  title: T\n  url: https://example.org/a?b=1\n",
        ),
    ],
)
def test_loose_but_valid_values_are_accepted_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, text: str
) -> None:
    assert schema_errors(kind, text) == []
    target = {
        "brief": "briefs/test.yaml",
        "config": "config.yaml",
        "sources": "sources/sources.yaml",
    }[kind]
    files = minimal_files()
    files[target] = text
    monkeypatch.chdir(build_tree(tmp_path, files))
    result = run_cli("check")
    assert result.exit_code == 0, result.output


def test_the_sample_workspace_carries_current_schemas() -> None:
    """The repository's own schemas/ and .vscode/settings.json are what init would write."""
    from briefgen.commands.init import workspace_files

    expected = workspace_files(ROOT)
    for path in [*(ROOT / "schemas").glob("*.json"), ROOT / ".vscode" / "settings.json"]:
        assert path.read_text(encoding="utf-8") == expected[path], (
            f"{path.name} is out of date: regenerate it with  briefgen schema KIND > schemas/KIND.schema.json"
        )
    assert len(list((ROOT / "schemas").glob("*.json"))) == 3
