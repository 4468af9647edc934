"""`check` stays quick and interruptible on hostile quotes: long wrong quotes against
large sources, and a signal in the middle of reading them."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, build_tree

WORDS = (ROOT / "sources" / "001_31fbf68d45b37391.txt").read_text(encoding="utf-8").split()


def _workspace(root: Path, source: str, quotes: list[str]) -> Path:
    cites = "".join(f"      - source: big\n        quote: {json.dumps(q)}\n" for q in quotes)
    return build_tree(
        root,
        {
            "sources/sources.yaml": "- id: big\n  file: big.txt\n  publisher: P\n  title: T\n",
            "sources/big.txt": source,
            "briefs/b.yaml": "title: T\npositions:\n  - id: p\n    actor: A\n    stance: S.\n"
            "    cite:\n" + cites,
        },
    )


def _prose(rng: random.Random, chars: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(chars // 4))[:chars]


def test_long_wrong_quotes_against_a_large_source_finish_with_short_messages(
    tmp_path: Path,
) -> None:
    rng = random.Random(7)
    source = _prose(rng, 450_000)
    quotes = [_prose(rng, 10_000), _prose(rng, 99_000), source[1000:60_000] + " zebra"]
    root = _workspace(tmp_path / "ws", source, quotes)
    proc = subprocess.run(
        [sys.executable, "-m", "briefgen", "check"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,  # a hang, not a speed test: the benchmark measures the time
        check=False,
    )
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 3, proc.stderr[:2000]
    assert all(len(line) < 1000 for line in proc.stderr.splitlines())
    assert "Traceback" not in proc.stderr


def _slow_check(tmp_path: Path, pieces: int, ignored: int | None = None) -> subprocess.Popen[str]:
    """`briefgen check` started on a source slow to read (accents written as combining
    marks: normalised character by character, the slow way), with a signal `ignored`."""
    rng = random.Random(11)
    source = "".join(f"A\u0308rger u\u0308ber “{rng.choice(WORDS)}” — " for _ in range(pieces))
    root = _workspace(tmp_path / "ws", source, ["a quote that is nowhere in the source"])
    return subprocess.Popen(
        [sys.executable, "-m", "briefgen", "check"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=None if ignored is None else lambda: signal.signal(ignored, signal.SIG_IGN),
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_check_on_a_large_source(tmp_path: Path, signum: int) -> None:
    proc = _slow_check(tmp_path, 400_000)
    time.sleep(1.5)
    if proc.poll() is not None:
        pytest.skip("check finished before the signal could be sent")
    proc.send_signal(signum)
    try:
        _out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("check did not stop on the signal")
    assert proc.returncode == 130
    assert err.strip() == "briefgen: interrupted"


def test_past_its_hint_budget_a_brief_s_quotes_not_found_are_all_reported_without_hints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hints look through a bounded amount of source text per brief, so a brief of many wrong
    quotes against large sources is checked in bounded time; every quote is still reported."""
    from briefgen import hints
    from conftest import run_cli

    rng = random.Random(3)
    source = _prose(rng, 20_000) + "\n"
    start = source.index(" ", 5000) + 1
    passage = " ".join(source[start:].split()[:8])
    quotes = [passage.replace(" ", " zebra ", 1) + f" {n}" for n in range(5)]
    root = _workspace(tmp_path / "ws", source, quotes)
    monkeypatch.chdir(root)
    monkeypatch.setattr(hints, "HINT_BUDGET_CHARS", 6 * len(source))  # two hints' worth
    result = run_cli("check")
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert result.exit_code == 1 and len(errors) == 5, result.stderr
    assert all("the nearest passage" in line for line in errors[:2]), errors
    bare = "no nearest passage is looked for past the first 2 quotes not found in this brief"
    assert all(bare in line and "the nearest passage" not in line for line in errors[2:])
    monkeypatch.setattr(hints, "HINT_BUDGET_CHARS", 10**12)
    (root / "briefs" / "b.yaml").write_text((root / "briefs" / "b.yaml").read_text() + "\n")
    assert "no nearest" not in run_cli("check").stderr


def test_the_first_places_of_a_word_are_found_without_looking_for_the_rest() -> None:
    from briefgen.normalise import find_all

    assert find_all("ab", "ab ab xab ab ab", limit=3) == [0, 3, 10]
    assert find_all("ab", "ab ab xab ab ab") == [0, 3, 10, 13]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_the_caller_ignores_does_not_stop_check(tmp_path: Path, signum: int) -> None:
    """A job started with a signal ignored (in the background, under nohup) keeps it ignored,
    as every program does: the check carries on to its end."""
    proc = _slow_check(tmp_path, 150_000, ignored=signum)
    for _ in range(3):
        time.sleep(0.3)  # while it starts, reads and checks
        if proc.poll() is None:
            proc.send_signal(signum)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("check did not finish")
    assert proc.returncode == 1, err  # the quote not found: the check's own answer
    assert "quote not found" in err and "interrupted" not in err
    assert "1 brief, 1 item" in out
