"""Builds of several briefs render in parallel and write exactly what a serial build writes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefgen import bounded, parallel
from briefgen.build import build
from conftest import MINIMAL_BRIEF, build_tree, minimal_files, run_cli


def _briefs(count: int) -> dict[str, str | bytes]:
    files = minimal_files()
    for n in range(count):
        files[f"briefs/b{n}.yaml"] = (
            MINIMAL_BRIEF.replace("Test brief", f"Brief number {n}")
            .replace("id: minister-plan", f"id: minister-plan-{n}")
            .replace("id: plan-cost", f"id: plan-cost-{n}")
        )
    return files


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_parallel_build_writes_the_same_bytes_as_a_serial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_tree(tmp_path / "ws", _briefs(4))
    monkeypatch.chdir(root)
    monkeypatch.setattr(parallel, "workers", lambda count: min(count, 3))
    fast = run_cli(
        "build", "--format", "pdf,md,html", "--template", "brief", "--template", "card", "-o", "par"
    )
    monkeypatch.setattr(parallel, "workers", lambda count: 1)
    slow = run_cli(
        "build", "--format", "pdf,md,html", "--template", "brief", "--template", "card", "-o", "ser"
    )
    assert fast.exit_code == slow.exit_code == 0, fast.stderr
    assert fast.stdout.replace("par/", "ser/") == slow.stdout
    assert fast.stderr == slow.stderr
    par, ser = _outputs(root / "par"), _outputs(root / "ser")
    assert len(par) == 5 * 2 * 3 and par == ser


def test_briefs_really_render_at_the_same_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_tree(tmp_path / "ws", _briefs(3))
    monkeypatch.setattr(parallel, "workers", lambda count: count)
    seen: list[int] = []
    real = bounded.run_bounded
    running = {"now": 0}

    def counting(*args: object, **kwargs: object) -> object:
        running["now"] += 1
        seen.append(running["now"])
        try:
            import time

            time.sleep(0.3)  # long enough for the others to start
            return real(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            running["now"] -= 1

    monkeypatch.setattr(bounded, "run_bounded", counting)
    result = build(root / "config.yaml", formats=["md"], out=root / "out")
    assert not result.report.errors
    assert max(seen) > 1


def _stops_held() -> bool:
    held = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    return {signal.SIGINT, signal.SIGTERM} <= held


def test_render_threads_leave_ctrl_c_and_sigterm_to_the_main_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The main thread waits on the renders; a SIGTERM sent to the process (kill PID) that
    the kernel handed to a render thread would not wake it, and the build would go on."""
    root = build_tree(tmp_path / "ws", _briefs(3))
    monkeypatch.setattr(parallel, "workers", lambda count: count)
    held: list[bool] = []
    real = bounded.run_bounded

    def recording(*args: object, **kwargs: object) -> object:
        held.append(_stops_held())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bounded, "run_bounded", recording)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    result = build(root / "config.yaml", formats=["md"], out=root / "out")
    assert not result.report.errors
    assert held == [True] * 4  # the three briefs and the workspace's own
    assert not _stops_held()  # and the main thread takes them again


class _Brief:
    def __init__(self, name: str) -> None:
        self.path = Path(name)


def _slow_or_failing(brief: _Brief, *_rest: object) -> str:
    import time

    if brief.path.name == "slow.yaml":
        time.sleep(30)
    if brief.path.name == "fails.yaml":
        raise ValueError("broken")
    return brief.path.name


def test_each_render_keeps_its_own_limits_and_results_keep_their_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from briefgen.errors import BriefgenError
    from briefgen.models import Limits

    monkeypatch.setattr(parallel, "workers", lambda count: count)
    names = ["a.yaml", "slow.yaml", "fails.yaml", "b.yaml"]
    jobs = [(_Brief(n), None, None, ("md",), ("brief",)) for n in names]
    results = parallel.render_all(_slow_or_failing, jobs, Limits(render_timeout=1))
    assert results[0] == "a.yaml" and results[3] == "b.yaml"
    assert isinstance(results[1], BriefgenError) and isinstance(results[2], BriefgenError)
    slow, fails = results[1].problems[0], results[2].problems[0]
    assert "took longer than 1 seconds" in slow.message and slow.location.path.name == "slow.yaml"
    assert "ValueError: broken" in fails.message and fails.location.path.name == "fails.yaml"


def test_progress_is_reported_per_brief_and_not_printed_without_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_tree(tmp_path / "ws", _briefs(2))
    calls: list[tuple[int, int]] = []
    build(
        root / "config.yaml",
        formats=["md"],
        out=root / "out",
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    monkeypatch.chdir(root)
    done = run_cli("build", "--format", "md")
    assert "building" not in done.stderr and "\r" not in done.stderr


@pytest.mark.parametrize("named", [("b0",), ()])
def test_ctrl_c_while_the_pdf_engine_loads_stops_cleanly(
    tmp_path: Path, named: tuple[str, ...]
) -> None:
    """The PDF engine is loaded by the child started ahead (for the first brief) and, for
    several briefs, once by the parent before it forks the others; a Ctrl-C while they
    load ends the build with status 130 and one line."""
    root = build_tree(tmp_path / "ws", _briefs(3))  # and the minimal brief: four in all
    fake = tmp_path / "lib" / "weasyprint"  # a PDF engine that takes its time to load
    fake.mkdir(parents=True)
    marker = tmp_path / "loading"
    (fake / "__init__.py").write_text(
        f"import os, time\nwith open({str(marker)!r}, 'a') as f: f.write(f'{{os.getpid()}}\\n')\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(fake.parent), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", "--format", "pdf", *named],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # Ctrl-C reaches the whole group, as from a terminal
    )
    several = not named
    expected = 2 if several else 1

    def loaders() -> list[str]:
        return marker.read_text().split() if marker.exists() else []

    deadline = time.monotonic() + 60
    while len(loaders()) < expected and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(loaders()) == expected, proc.communicate()[1]
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("build did not stop on Ctrl-C")
    assert proc.returncode == 130, err
    assert err.strip() == "briefgen: interrupted"
    found = loaders()
    assert len(found) == expected  # no other child loads it
    assert (str(proc.pid) in found) == several


def _dies(_marker: Path) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _waits_for(marker: Path) -> str:
    deadline = time.monotonic() + 20
    while not marker.exists():
        if time.monotonic() > deadline:
            return "gave up"
        time.sleep(0.02)
    return "saw it"


def test_a_child_started_beside_another_render_does_not_hold_that_renders_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two renders starting at once: the second child must not inherit the first render's
    open pipe end, or the first render would not see its own child die (nor, through
    multiprocessing's sentinel, end) until the second child had ended too."""
    import threading
    from multiprocessing.context import ForkProcess

    from briefgen.errors import BriefgenError, Location

    real = ForkProcess._Popen
    first, second = threading.Event(), threading.Event()

    def popen(process: object) -> object:
        made = real(process)
        if not first.is_set():  # the first render, between starting its child and closing
            first.set()  # its copy of the pipe: the other render tries to start now
            second.wait(1)
        else:
            second.set()
        return made

    monkeypatch.setattr(ForkProcess, "_Popen", staticmethod(popen))
    marker = tmp_path / "first-render-done"
    results: dict[str, object] = {}

    def run(name: str, fn: object) -> None:
        try:
            results[name] = bounded.run_bounded(fn, (marker,), 60, 512, Location(Path(name)))  # type: ignore[arg-type]
        except BriefgenError as exc:
            results[name] = exc.problems[0].message
        if name == "dies":
            marker.write_text("done")

    dying = threading.Thread(target=run, args=("dies", _dies))
    waiting = threading.Thread(target=run, args=("waits", _waits_for))
    dying.start()
    assert first.wait(20)
    waiting.start()
    dying.join(60)
    waiting.join(60)
    assert "stopped by signal SIGKILL" in str(results["dies"])
    assert results["waits"] == "saw it"


def _collector() -> tuple[int, tuple[int, int, int]]:
    import gc

    return gc.get_freeze_count(), gc.get_threshold()


def test_a_child_leaves_what_it_inherited_out_of_its_garbage_collections() -> None:
    import gc

    from briefgen.errors import Location

    inherited = len(gc.get_objects())
    frozen, threshold = bounded.run_bounded(_collector, (), 60, 512, Location(Path("b.yaml")))
    assert frozen >= inherited // 2  # the parent's objects, not rescanned by every collection
    assert threshold == bounded._CHILD_GC and gc.get_threshold() != bounded._CHILD_GC


def test_a_build_stopped_by_ctrl_c_clears_its_progress_bar_first(tmp_path: Path) -> None:
    """On a terminal, the bar is taken off its line before "briefgen: interrupted" (or a
    problem) is printed, as it is before the summary of a build that ends."""
    import pty

    files = _briefs(2)
    files["config.yaml"] = files["config.yaml"] + "limits:\n  render_timeout: 60\n"
    files["templates/brief.md.j2"] = (  # a render that takes its time
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    root = build_tree(tmp_path / "ws", files)
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", "--format", "md"],
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while b"building [" not in seen and time.monotonic() < deadline:
            seen += os.read(leader, 4096)
        assert b"building [" in seen, seen
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(60) == 130
        with contextlib.suppress(OSError):  # the terminal closes with the process
            while chunk := os.read(leader, 4096):
                seen += chunk
    finally:
        os.close(leader)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    tail = seen.rsplit(b"building [", 1)[1]
    assert b"\r\x1b[Kbriefgen: interrupted" in tail, seen
