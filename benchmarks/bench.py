"""Benchmarks: time check and build on the sample and on a large generated workspace.

Run:  .venv/bin/python benchmarks/bench.py [--briefs 20] [--items 60] [--source-kb 500]
Prints one line per measurement (best of --repeat runs).
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from briefgen.build import build, check
from briefgen.normalise import normalise

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "the",
    "minister",
    "said",
    "allies",
    "would",
    "“commit”",
    "to",
    "spending",
    "more",
    "on",
    "defence",
    "—",
    "and",
    "that",
    "Europe’s",
    "security",
    "depends",
    "on",
    "a",
    "credible",
    "force,",
    "backed",
    "by",
    "air",
    "power",
    "and",
    "reserves;",
    "officials",
    "expect",
    "talks",
    "to",
    "resume",
    "next",
    "week",
    "while",
    "critics",
    "warn",
    "of",
    "delays",
]


def make_workspace(root: Path, briefs: int, items: int, source_kb: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    (root / "sources").mkdir(parents=True)
    (root / "briefs").mkdir()
    (root / "config.yaml").write_text("organisation: Bench Unit\n")
    sources = []
    for s in range(5):
        words, size = [], 0
        while size < source_kb * 1024:
            word = rng.choice(WORDS) + f"{rng.randrange(10**6)}"
            words.append(word)
            size += len(word) + 1
        lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
        (root / "sources" / f"s{s}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        sources.append(words)
    catalogue = "".join(
        f"- id: s{s}\n  file: s{s}.txt\n  publisher: P\n  title: T{s}\n" for s in range(5)
    )
    (root / "sources" / "sources.yaml").write_text(catalogue)
    for b in range(briefs):
        out = [f"title: Brief {b}\npositions:\n"]
        for i in range(items):
            s = rng.randrange(5)
            start = rng.randrange(len(sources[s]) - 12)
            quote = " ".join(sources[s][start : start + 10]).replace("“", '"').replace("”", '"')
            out.append(
                f"  - id: b{b}-i{i}\n    actor: A{i}\n    topic: T{i % 4}\n    stance: S\n"
                f"    cite:\n      - source: s{s}\n        quote: '{quote.replace(chr(39), chr(39) * 2)}'\n"
            )
        (root / "briefs" / f"brief-{b}.yaml").write_text("".join(out), encoding="utf-8")


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--briefs", type=int, default=20)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--source-kb", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    text = (ROOT / "sources" / "002_3d8a4b5ca597a420.txt").read_text(encoding="utf-8") * 100
    t = best(lambda: normalise(text), args.repeat)
    print(
        f"normalise: {len(text) / 1e6:.2f} MB in {t * 1000:.0f} ms ({len(text) / t / 1e6:.1f} MB/s)"
    )

    t = best(lambda: check(ROOT / "config.yaml"), args.repeat)
    print(f"check sample workspace: {t * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        t = best(lambda: build(ROOT / "config.yaml", formats=["md"], out=Path(tmp)), args.repeat)
        print(f"build sample, Markdown: {t * 1000:.0f} ms")
        t = best(lambda: build(ROOT / "config.yaml", formats=["pdf"], out=Path(tmp)), 1)
        print(f"build sample, PDF: {t * 1000:.0f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        make_workspace(root, args.briefs, args.items, args.source_kb)
        n = args.briefs * args.items
        result = check(root / "config.yaml")
        assert not result.report.errors, result.report.errors[:3]
        t = best(lambda: check(root / "config.yaml"), args.repeat)
        print(
            f"check {args.briefs} briefs x {args.items} items, 5 sources x {args.source_kb} KB: "
            f"{t:.2f} s ({n / t:.0f} citations/s)"
        )
        t = best(lambda: build(root / "config.yaml", formats=["md"]), 1)
        print(f"build the same, Markdown: {t:.2f} s")
        shutil.rmtree(root / "build", ignore_errors=True)

    for chars in (1_000, 10_000, 99_000):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "ws"
            make_wrong_quote_workspace(root, chars)
            config = root / "config.yaml"
            t = best(lambda: check(config), args.repeat)  # noqa: B023 - called at once
            print(f"check one wrong quote of {chars:,} characters, 450 KB source: {t:.2f} s")


def make_wrong_quote_workspace(root: Path, chars: int, seed: int = 3) -> None:
    """One brief whose single quote, `chars` long, is nowhere in a 450 KB source."""
    rng = random.Random(seed)
    (root / "sources").mkdir(parents=True)
    (root / "briefs").mkdir()
    source = " ".join(rng.choice(WORDS) for _ in range(90_000))[:450_000]
    (root / "sources" / "big.txt").write_text(source, encoding="utf-8")
    (root / "sources" / "sources.yaml").write_text(
        "- id: big\n  file: big.txt\n  publisher: P\n  title: T\n"
    )
    quote = " ".join(rng.choice(WORDS) for _ in range(chars // 3))[:chars].replace("'", "''")
    (root / "briefs" / "b.yaml").write_text(
        "title: T\npositions:\n  - id: p\n    actor: A\n    stance: S\n    cite:\n"
        f"      - source: big\n        quote: '{quote}'\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
