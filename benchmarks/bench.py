"""Benchmarks: the speed ratios of issue 10, side by side in one run, and a few absolute times.

Run:  .venv/bin/python benchmarks/bench.py            (everything; the PDF ratio takes minutes)
      .venv/bin/python benchmarks/bench.py --quick    (no PDF builds, smaller repeats)

Printed, each with its goal:
  (a) ten briefs the size of the sample in one `build --format pdf` / ten separate builds
  (b) a Markdown-only build / a bare `python -c "import yaml, jinja2, markdown"`
  (c) `check` of 4,000 items citing 200 sources of 40 KB / composing the same YAML files
      with PyYAML's C loader, cold (no cache) and warm (on-disk cache of normalised
      sources), with the check time at 1,000, 2,000 and 4,000 items to show it is linear
  (d) the preview's re-render of the sample brief's HTML after a one-line YAML edit (ms)
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from briefgen.build import check
from briefgen.cache import FOLDER as CACHE_FOLDER

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BRIEFGEN = [PYTHON, "-m", "briefgen"]
WORDS = [
    "the", "minister", "said", "allies", "would", "“commit”", "to", "spending", "more", "on",
    "defence", "—", "and", "that", "Europe’s", "security", "depends", "on", "a", "credible",
    "force,", "backed", "by", "air", "power", "and", "reserves;", "officials", "expect",
    "talks", "to", "resume", "next", "week", "while", "critics", "warn", "of", "delays",
]  # fmt: skip


def make_workspace(
    root: Path, items: int, sources: int = 200, source_kb: int = 40, per_brief: int = 100
) -> None:
    """A workspace of `items` positions in briefs of `per_brief`, each citing ten words of
    one of `sources` source files of `source_kb` KB."""
    rng = random.Random(11)
    (root / "sources").mkdir(parents=True)
    (root / "briefs").mkdir()
    (root / "config.yaml").write_text("organisation: Bench Unit\n")
    texts = []
    for s in range(sources):
        words, size = [], 0
        while size < source_kb * 1024:
            word = rng.choice(WORDS) + f"{rng.randrange(10**6)}"
            words.append(word)
            size += len(word) + 1
        lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
        (root / "sources" / f"s{s}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        texts.append(words)
    (root / "sources" / "sources.yaml").write_text(
        "".join(
            f"- id: s{s}\n  file: s{s}.txt\n  publisher: P\n  title: T{s}\n" for s in range(sources)
        )
    )
    done = 0
    for b in range((items + per_brief - 1) // per_brief):
        out = [f"title: Brief {b}\npositions:\n"]
        for i in range(min(per_brief, items - done)):
            s = rng.randrange(sources)
            start = rng.randrange(len(texts[s]) - 12)
            quote = " ".join(texts[s][start : start + 10]).replace("'", "''")
            out.append(
                f"  - id: b{b}-i{i}\n    actor: A{i}\n    topic: T{i % 4}\n    stance: S\n"
                f"    cite:\n      - source: s{s}\n        quote: '{quote}'\n"
            )
            done += 1
        (root / "briefs" / f"brief-{b}.yaml").write_text("".join(out), encoding="utf-8")


def copy_sample(root: Path, copies: int) -> list[str]:
    """The sample workspace with its brief copied `copies` times (item ids made distinct)."""
    shutil.copytree(ROOT / "sources", root / "sources")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copy(ROOT / "config.yaml", root / "config.yaml")
    (root / "briefs").mkdir()
    text = (ROOT / "briefs" / "london-summit.yaml").read_text(encoding="utf-8")
    names = []
    for n in range(copies):
        name = f"summit-{n}"
        mine = re.sub(r"^(\s*- id: )(\S+)", rf"\g<1>\g<2>-{n}", text, flags=re.MULTILINE)
        (root / "briefs" / f"{name}.yaml").write_text(mine, encoding="utf-8")
        names.append(name)
    return names


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def best_in_turn(repeat: int, *fns: Callable[[], object]) -> list[float]:
    """The best time of each of `fns`, run one after the other `repeat` times: taken in
    turn, all of them see the machine as it is over the run."""
    times = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            times[i] = min(times[i], best(fn, 1))
    return times


def run(*args: str, cwd: Path) -> None:
    subprocess.run([*BRIEFGEN, *args], cwd=cwd, check=True, capture_output=True)


def ratio_pdf(copies: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        names = copy_sample(root, copies)
        half = len(names) // 2

        def separately(some: list[str]) -> float:
            start = time.perf_counter()
            for name in some:
                run("build", "--format", "pdf", "-o", "apart", name, cwd=root)
            return time.perf_counter() - start

        # half the separate builds before the one build and half after: a machine that
        # speeds up or slows down over the minutes this takes skews the ratio less
        apart = separately(names[:half])
        start = time.perf_counter()
        run("build", "--format", "pdf", "-o", "together", cwd=root)
        together = time.perf_counter() - start
        apart += separately(names[half:])
        render = _render_pdf_alone(root / "config.yaml")
    cores = os.cpu_count() or 1
    print(
        f"(a) {copies} sample-size briefs, one build --format pdf {together:.1f} s / "
        f"{copies} separate builds {apart:.1f} s = {together / apart:.2f}x (goal <= 0.35x)"
    )
    print(
        f"    one brief's PDF render alone (its second in this process): {render:.1f} s; "
        f"{copies} of them shared perfectly over {cores} cores, with no start-up at all, "
        f"would take {copies * render / cores:.1f} s = {copies * render / cores / apart:.2f}x"
    )
    # A separate build costs its render plus what every build pays (`rest`: the
    # interpreter, imports, the check); shared perfectly, the ratio is
    # render / cores / (render + rest), so the goal bounds the render whatever else is done
    rest, goal = apart / copies - render, 0.35
    if 1 / cores > goal:
        print(
            f"    each separate build pays {rest:.2f} s besides its render: with no start-up "
            f"and a perfect share, {goal}x needs a render of at most "
            f"{goal * rest / (1 / cores - goal):.2f} s"
        )


def _render_pdf_alone(config: Path) -> float:
    """The time one brief's PDF takes to lay out and write, WeasyPrint loaded and warm."""
    from briefgen import outputs

    workspace = check(config).workspace
    brief, out = workspace.briefs[0], workspace.config.output_dir
    return best(lambda: outputs.render_brief(brief, workspace, out, ("pdf",), ("brief",)), 2)


def ratio_markdown(repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        md, bare = best_in_turn(
            repeat,
            lambda: run("build", "--format", "md", "-o", str(out), cwd=ROOT),
            lambda: subprocess.run([PYTHON, "-c", _BARE], check=True),
        )
    print(
        f"(b) Markdown-only build of the sample {md * 1000:.0f} ms / bare imports "
        f"{bare * 1000:.0f} ms = {md / bare:.2f}x (goal <= 2x)"
    )


def ratio_check(repeat: int, sizes: tuple[int, ...]) -> None:
    """Each timing in a fresh process, timed inside it (no interpreter start-up): what an
    earlier timing left in this process (a heap for the garbage collector to walk, kept
    results) would slow or speed the next one."""
    for items in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "ws"
            make_workspace(root, items)
            config = root / "config.yaml"
            result = check(config)
            assert not result.report.errors, result.report.errors[:3]
            cache = root / CACHE_FOLDER
            cold_code = f"shutil.rmtree({str(cache)!r}, ignore_errors=True)\n" + _CHECK
            compose = min(_timed(_COMPOSE, root) for _ in range(repeat + 2))
            t_cold = min(_timed(cold_code, root) for _ in range(repeat))
            check(config)  # fills the cache
            t_warm = min(_timed(_CHECK, root) for _ in range(repeat))
            compose = min(compose, *(_timed(_COMPOSE, root) for _ in range(repeat + 2)))
        print(
            f"(c) check {items:,} items, 200 sources x 40 KB: cold {t_cold:.2f} s = "
            f"{t_cold / compose:.1f}x, warm {t_warm:.2f} s = {t_warm / compose:.1f}x "
            f"YAML C compose {compose:.3f} s (goal <= 3x cold, <= 2x warm; "
            f"{items / t_cold:,.0f} items/s cold)"
        )


_BARE = "import yaml, jinja2, markdown"
_CHECK = (  # `briefgen check`, as the command line runs it, less the interpreter's start
    "from briefgen.cli import main\nstart = time.perf_counter()\n"
    "try:\n    main(['check'])\nexcept SystemExit:\n    pass\n"
)
_COMPOSE = (
    "import yaml\nfrom pathlib import Path\npaths = sorted(Path('.').rglob('*.yaml'))\n"
    "start = time.perf_counter()\n"
    "for path in paths:\n"
    f"    if {CACHE_FOLDER!r} not in path.parts:\n"
    "        yaml.compose(path.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
)


def _timed(code: str, cwd: Path) -> float:
    """Seconds that `code` takes from its `start` on, run in a fresh Python in `cwd`."""
    script = f"import shutil, time\n{code}print(time.perf_counter() - start)\n"
    done = subprocess.run([PYTHON, "-c", script], cwd=cwd, check=True, capture_output=True)
    return float(done.stdout.decode().split()[-1])


def warm_rerender(runs: int) -> None:
    """In a fresh process, as a preview server is: the heap and the libraries the other
    timings leave in this one (a 4,000-item workspace, the PDF engine) would weigh on it."""
    subprocess.run([PYTHON, __file__, "--rerender", str(runs)], check=True)


def _rerender(runs: int) -> None:
    from briefgen.preview.state import Preview

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        shutil.copytree(ROOT / "sources", root / "sources")
        shutil.copytree(ROOT / "templates", root / "templates")
        shutil.copytree(ROOT / "briefs", root / "briefs")
        shutil.copy(ROOT / "config.yaml", root / "config.yaml")
        preview = Preview(root / "config.yaml")
        name = "london-summit.html"
        preview.render(name)
        brief = root / "briefs" / "london-summit.yaml"
        text = brief.read_text(encoding="utf-8")
        line = "audience: Prime Minister"
        assert line in text
        times = []
        for n in range(runs):
            brief.write_text(text.replace(line, f"{line} ({n})"), encoding="utf-8")
            start = time.perf_counter()
            preview.refresh({brief})
            data = preview.render(name)
            times.append(time.perf_counter() - start)
            assert data is not None and f"Prime Minister ({n})".encode() in data
            # as the server does in the quiet moment after a save (half a second with no
            # other save), which is also when it makes a render child ready for the next
            preview.tidy()
            time.sleep(0.3)  # the next save: not within the moment the child takes to warm
        preview.close()
    print(
        f"(d) preview re-render of the sample brief's HTML after a one-line YAML edit: "
        f"median {statistics.median(times) * 1000:.0f} ms of {runs} (goal <= 50 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="no PDF builds; fewer repeats")
    parser.add_argument("--copies", type=int, default=10, help="briefs in the PDF ratio")
    parser.add_argument("--rerender", type=int, help=argparse.SUPPRESS)  # (d) alone, N runs
    args = parser.parse_args()
    if args.rerender:
        _rerender(args.rerender)
        return
    repeat = 2 if args.quick else 3
    # The package's bytecode brought up to date, as scripts/bootstrap leaves it: where Python
    # may not write it (PYTHONDONTWRITEBYTECODE), a module edited since is compiled again
    # at every start, and every timed command would pay for it
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "briefgen")], check=True)
    # Every ratio compares two timings taken moments apart; a busy machine still skews them.
    print("load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    if not args.quick:
        ratio_pdf(args.copies)
    ratio_markdown(repeat + 2)
    ratio_check(repeat, (1_000, 2_000, 4_000) if not args.quick else (4_000,))
    warm_rerender(5 if args.quick else 9)
    print("load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
