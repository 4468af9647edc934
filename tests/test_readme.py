"""Every README example that starts with `briefgen` runs, so the README cannot go stale.

Each ```sh block runs in order, in its own fresh copy of the sample workspace with
article.txt (the document the daily loop adds) saved in it. A line ending in
"# exits N" must exit with N; every other line must exit 0. A `cd DIR` line moves into
DIR, as the reader would.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
ARTICLE = (
    "Healey: defence spending to rise\n"
    "\n"
    "The defence secretary said spending will rise to 2.5% of GDP by 2027.\n"
)
_BLOCK = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.MULTILINE | re.DOTALL)


def sh_blocks() -> list[list[str]]:
    """The briefgen lines of each ```sh block, in README order."""
    blocks = []
    for match in _BLOCK.finditer(README):
        if match[2] == "sh":
            lines = [line.strip() for line in match[3].splitlines()]
            blocks.append([line for line in lines if line.startswith(("briefgen ", "cd "))])
    return [b for b in blocks if b]


BLOCKS = sh_blocks()


def scratch(tmp_path: Path) -> Path:
    root = tmp_path / "scratch"
    root.mkdir()
    for name in ("config.yaml", "sources", "briefs", "templates"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        else:
            shutil.copy2(src, root / name)
    (root / "article.txt").write_text(ARTICLE, encoding="utf-8")
    return root


def run_line(line: str) -> tuple[int, str, int]:
    code, sep, comment = line.rpartition(" # ")
    if not sep:
        code, comment = line, ""
    wanted = re.search(r"exits (\d+)", comment)
    expected = int(wanted[1]) if wanted else 0
    args = shlex.split(code)[1:]
    result = run_cli(*args)
    return result.exit_code, result.stdout + result.stderr, expected


def test_the_readme_has_examples_of_every_command() -> None:
    lines = [line for block in BLOCKS for line in block]
    for command in (
        "init",
        "new",
        "sources add",
        "sources list",
        "quote",
        "check",
        "build",
        "schema",
    ):
        assert any(line.startswith(f"briefgen {command}") for line in lines), command
    assert len(lines) >= 15


@pytest.mark.parametrize("block", BLOCKS, ids=[b[0][:40] for b in BLOCKS])
def test_readme_examples_run(
    block: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(scratch(tmp_path))
    for line in block:
        if line.startswith("cd "):  # as the reader would, into the workspace just made
            monkeypatch.chdir(shlex.split(line)[1])
            continue
        code, output, expected = run_line(line)
        assert code == expected, f"{line}\n{output}"


def test_the_quote_output_shown_in_the_readme_is_what_quote_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(scratch(tmp_path))
    loop = BLOCKS[0]
    for line in loop[:2]:
        code, output, _ = run_line(line)
        assert code == 0, output
    shown = README.split("`quote` prints, for example:\n\n```text\n", 1)[1].split("```", 1)[0]
    assert output.startswith(shown), output
