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


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_check_on_a_large_source(tmp_path: Path, signum: int) -> None:
    rng = random.Random(11)
    # accents written as combining marks: normalised character by character, the slow way
    source = "".join(f"A\u0308rger u\u0308ber “{rng.choice(WORDS)}” — " for _ in range(400_000))
    root = _workspace(tmp_path / "ws", source, ["a quote that is nowhere in the source"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "check"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
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
