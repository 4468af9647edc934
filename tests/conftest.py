"""Shared test helpers: inline workspaces and a CLI runner."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen.cli import cli

# A shell starts a background job with Ctrl-C ignored, and a command started with it
# ignored keeps ignoring it, as it should; the tests that press Ctrl-C on a briefgen
# command need it delivered, however the suite itself was started.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def _signals_as_they_were() -> Iterator[None]:
    """Each test starts with Ctrl-C delivered, and leaves the process's Ctrl-C and SIGTERM
    handling as it found it. Ignored, every briefgen the test starts would inherit the
    ignored Ctrl-C (a suite started in the background, or a worker process that ignores it
    for its controller), and a test pressing Ctrl-C on one would wait for ever; a test that
    runs briefgen's main() here makes briefgen the owner of the signals, and an interrupted
    command then ignores them for good, as a real briefgen process should."""
    from briefgen import cli as cli_module

    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    as_process = cli_module._AS_PROCESS
    yield
    for sig, handler in saved.items():
        if handler is not None:
            signal.signal(sig, handler)
    cli_module._AS_PROCESS = as_process


ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SOURCES = ROOT / "sources"

MINIMAL_SOURCE = (
    "The minister said the plan would cost “£2.5 billion” over five years.\n"
    "Critics called it “too little, too late” — and said so loudly.\n"
)

MINIMAL_CATALOGUE = """\
- id: news
  file: news.txt
  publisher: Example News
  title: Minister sets out plan
  published: 2025-03-01
"""

MINIMAL_BRIEF = """\
title: Test brief
as_of: 2025-03-02
summary: |
  - One key message.
positions:
  - id: minister-plan
    actor: The minister
    topic: Costs
    stance: The plan is affordable.
    cite:
      - source: news
        quote: the plan would cost "£2.5 billion" over five years
figures:
  - id: plan-cost
    label: Cost of the plan
    value: "2.5"
    unit: £ billion
    cite:
      - source: news
        quote: the plan would cost "£2.5 billion"
"""


def build_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a small file tree: {relative path: text or bytes}. Text is dedented."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def minimal_files(**overrides: str | bytes) -> dict[str, str | bytes]:
    """A small valid workspace; keyword names use __ for / (briefs__b_yaml -> briefs/b.yaml)."""
    files: dict[str, str | bytes] = {
        "config.yaml": "organisation: Test Unit\n",
        "sources/sources.yaml": MINIMAL_CATALOGUE,
        "sources/news.txt": MINIMAL_SOURCE,
        "briefs/test.yaml": MINIMAL_BRIEF,
    }
    for key, value in overrides.items():
        files[key.replace("__", "/").replace("_yaml", ".yaml").replace("_txt", ".txt")] = value
    return files


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A minimal valid workspace as the current folder."""
    root = build_tree(tmp_path / "ws", minimal_files())
    monkeypatch.chdir(root)
    yield root


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the repository's sample workspace as the current folder."""
    root = tmp_path / "sample"
    root.mkdir()
    for name in ("config.yaml", "sources", "briefs", "templates"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        elif src.exists():
            shutil.copy2(src, root / name)
    monkeypatch.chdir(root)
    yield root


def run_cli(*args: str) -> Result:
    """Run briefgen in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_subprocess(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run briefgen as a real process, with a hard timeout."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files in tests/golden/ from the current output.",
    )
