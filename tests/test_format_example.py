"""A workspace written exactly as the format document shows it (no config.yaml,
hard-wrapped CRLF source with curly quotes, encoding debris) checks and builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.build import check
from conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "format-example"


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "example"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)
    return root


def test_checks_strictly_clean(example: Path) -> None:
    result = run_cli("check", "--strict")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1 brief, 4 items, 4 of 4 citations verified, 0 warnings, 0 errors\n"


def test_quotes_resolve_to_their_lines_across_hard_wraps(example: Path) -> None:
    workspace = check().workspace
    spans = {item.id: item.cite[0].span for item in workspace.briefs[0].items}
    backstop = spans["starmer-us-backstop"]
    assert backstop is not None
    assert (backstop.line, backstop.end_line) == (4, 5)
    assert backstop.text == "a US security guarantee was the only way to effectively deter Russia"
    target = spans["uk-target"]
    assert target is not None
    assert (target.line, target.end_line) == (9, 10)  # "spend-\ning" broken across the lines
    coalition = spans["coalition-of-the-willing"]
    assert coalition is not None
    assert (coalition.line, coalition.col) == (3, 18)


def test_builds_pdf_and_markdown(example: Path) -> None:
    result = run_cli("build")
    assert result.exit_code == 0, result.stderr
    assert (example / "build" / "format-example.pdf").read_bytes().startswith(b"%PDF-")
    markdown = (example / "build" / "format-example.md").read_text(encoding="utf-8")
    assert "[lines 4–5](../sources/paris.txt#L4)" in markdown
    assert "Â" not in markdown
