"""The first render's child, started before the workspace is checked (bounded.Ahead)."""

from __future__ import annotations

import functools
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen import ahead, bounded, parallel
from briefgen.build import build
from briefgen.errors import Location, OutputError, RenderError
from conftest import build_tree, minimal_files, run_cli

HERE = Location(Path("b.yaml"))


def _pid() -> int:
    return os.getpid()


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _allocate() -> bytes:
    return b"x" * (1 << 34)


def _wait_for_file(path: Path) -> None:
    while not path.exists():
        time.sleep(0.02)


def _child_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split()[2] != "Z"


def test_the_job_runs_in_the_child_started_ahead() -> None:
    early = bounded.Ahead(lambda: None)
    child = early._child
    assert child is not None
    pid = bounded.run_bounded(_pid, (), 30, 512, HERE, ahead=early)
    assert pid == child.pid and pid != os.getpid()
    early.close()


def _leave_a_file() -> None:
    import tempfile

    tempfile.mkstemp(suffix=".cdtor.c")  # as a compiler run while a library loads leaves one


@pytest.mark.parametrize("given", [True, False])
def test_what_a_child_started_ahead_writes_warming_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: bool
) -> None:
    """It warms in a private temporary folder, removed with its render's files, or when it
    is closed unused: a child killed while a library it loads runs a compiler leaves nothing
    in the user's temporary folder."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    if given:
        early = bounded.Ahead(_leave_a_file)
        assert bounded.run_bounded(_pid, (), 30, 512, HERE, ahead=early) != os.getpid()
    else:
        early = bounded.Ahead(_leave_a_file, announce=True)
        deadline = time.monotonic() + 20
        while not early.ready() and time.monotonic() < deadline:  # it has left its file
            time.sleep(0.02)
        assert early.ready()
        early.close()
    assert list(tmp_path.iterdir()) == []


def test_with_no_usable_temporary_folder_a_child_started_ahead_warms_and_the_render_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No folder for temporary files anywhere: the child started ahead (before the command
    line is read) still starts, and the render is refused with what to do, not a traceback."""
    import tempfile

    def none_usable() -> str:
        raise FileNotFoundError(2, "No usable temporary directory found")

    monkeypatch.setattr(tempfile, "gettempdir", none_usable)
    early = bounded.Ahead(lambda: None)
    try:
        assert early._child is not None
        with pytest.raises(OutputError, match="set TMPDIR to a folder you can write to"):
            bounded.run_bounded(_pid, (), 30, 512, HERE, ahead=early)
    finally:
        early.close()


def test_a_child_started_ahead_keeps_the_time_limit() -> None:
    early = bounded.Ahead(lambda: None)
    with pytest.raises(RenderError) as caught:
        bounded.run_bounded(_sleep, (30,), 0.5, 512, HERE, ahead=early)
    assert "took longer than 0.5 seconds" in caught.value.problems[0].message


def test_a_child_started_ahead_keeps_the_memory_limit() -> None:
    early = bounded.Ahead(lambda: None)
    with pytest.raises(RenderError) as caught:
        bounded.run_bounded(_allocate, (), 30, 64, HERE, ahead=early)
    assert "out of memory (limit 64 MB)" in caught.value.problems[0].message


def test_a_job_that_cannot_be_sent_runs_in_a_child_of_its_own() -> None:
    early = bounded.Ahead(lambda: None)
    child = early._child
    assert child is not None
    unpicklable = (lambda: 1,)  # a lambda cannot be pickled; a forked child needs no pickling
    assert bounded.run_bounded(len, (unpicklable,), 30, 512, HERE, ahead=early) == 1
    child.join(5)
    assert not child.is_alive()


def test_a_child_that_died_while_waiting_is_replaced() -> None:
    early = bounded.Ahead(lambda: None)
    child = early._child
    assert child is not None and child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(5)
    assert bounded.run_bounded(_pid, (), 30, 512, HERE, ahead=early) != child.pid


def test_an_unused_child_is_stopped_when_closed() -> None:
    early = bounded.Ahead(lambda: time.sleep(30))
    child = early._child
    assert child is not None and child.pid is not None
    early.close()
    assert not _child_alive(child.pid)
    early.close()  # twice is harmless


def test_a_failing_warm_up_does_not_stop_the_render() -> None:
    def broken() -> None:
        raise RuntimeError("cannot load")

    early = bounded.Ahead(broken)
    assert bounded.run_bounded(len, ((1, 2),), 30, 512, HERE, ahead=early) == 2


def _until(condition: Callable[[], bool], seconds: float = 20) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_a_child_that_announces_is_ready_only_once_it_has_warmed(tmp_path: Path) -> None:
    gate = tmp_path / "warm-may-end"
    early = bounded.Ahead(functools.partial(_wait_for_file, gate), announce=True)
    try:
        time.sleep(0.3)
        assert not early.ready()  # still warming: work given now would wait for it
        gate.write_text("")
        assert _until(early.ready)
        child = early._child
        assert child is not None
        assert bounded.run_bounded(_pid, (), 30, 512, HERE, ahead=early) == child.pid
    finally:
        early.close()


def test_a_child_that_died_warming_is_not_ready_and_is_let_go() -> None:
    dying = bounded.Ahead(functools.partial(os._exit, 3), announce=True)
    child = dying._child
    assert child is not None
    child.join(10)
    assert not dying.ready() and dying._child is None
    assert bounded.run_bounded(_pid, (), 30, 512, HERE, ahead=dying) != child.pid


def test_a_build_gives_its_first_brief_to_the_child_started_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    given: list[bounded.Ahead | None] = []
    real = bounded.run_bounded

    def spying(*args: object, **kwargs: object) -> object:
        given.append(kwargs.get("ahead"))  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bounded, "run_bounded", spying)
    result = build(root / "config.yaml", formats=["md"], out=root / "out")
    assert not result.report.errors and (root / "out" / "test.md").is_file()
    assert len(given) == 1 and isinstance(given[0], bounded.Ahead)


def test_a_build_that_fails_its_check_leaves_no_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = minimal_files()
    files["briefs/test.yaml"] = str(files["briefs/test.yaml"]).replace("title:", "titel:", 1)
    root = build_tree(tmp_path / "ws", files)
    started: list[bounded.Ahead] = []
    pids: list[int] = []
    real = ahead.start_ahead

    def keeping(*args: object) -> bounded.Ahead:
        started.append(real(*args))  # type: ignore[arg-type]
        child = started[-1]._child
        assert child is not None and child.pid is not None
        pids.append(child.pid)
        return started[-1]

    monkeypatch.setattr(ahead, "start_ahead", keeping)
    monkeypatch.chdir(root)
    assert run_cli("build", "--format", "md").exit_code == 1
    assert len(started) == 1 and started[0]._child is None  # closed: nothing left waiting
    assert not _child_alive(pids[0])


@pytest.mark.parametrize(
    "formats, loaded",
    [
        (("md",), ["briefgen.render", "jinja2", "markdown_it"]),
        # the engine too, while the parent checks: it takes about a second to load
        (("pdf",), ["briefgen.render", "jinja2", "markdown_it", "weasyprint"]),
    ],
)
def test_the_warm_up_loads_the_render_side(
    tmp_path: Path, formats: tuple[str, ...], loaded: list[str]
) -> None:
    """What the child loads ahead is what a render of those formats imports."""
    import subprocess
    import sys

    root = build_tree(tmp_path / "ws", minimal_files())
    code = (
        "import sys; from briefgen import ahead; "
        f"ahead.warm_up({str(root / 'config.yaml')!r}, {formats!r}); "
        "print(sorted(m for m in ('jinja2', 'markdown_it', 'briefgen.render', 'weasyprint') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(loaded)


def test_several_pdfs_go_first_ahead_then_the_engine_loads_with_no_child_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The child started ahead renders the first brief while this process loads the PDF
    engine for the others to inherit; no child is forked while it loads."""
    seen: list[str] = []
    give = bounded.Ahead.give

    def given(self: bounded.Ahead, job: tuple[object, ...]) -> object:
        seen.append("ahead")
        return give(self, job)

    def load() -> None:
        deadline = time.monotonic() + 10
        while "ahead" not in seen and time.monotonic() < deadline:  # the first job is given
            time.sleep(0.01)
        seen.append("engine")
        with bounded.no_fork():  # a child is started only once the engine is loaded
            assert bounded._FORKING.locked()

    monkeypatch.setattr(bounded.Ahead, "give", given)
    monkeypatch.setattr(parallel, "_load_engine", load)
    early = bounded.Ahead(lambda: None)
    assert early._child is not None
    early_pid = early._child.pid
    jobs = [(_Named(name), None, None, ("pdf",)) for name in "abc"]
    pids = parallel.render_all(_pid_of, jobs, _Limits(), ahead=early)  # type: ignore[arg-type]
    assert seen == ["ahead", "engine"]
    assert pids[0] == early_pid and len(set(pids)) == 3


def test_the_pdf_engine_loads_while_no_child_can_be_started() -> None:
    """_load_engine holds the lock every fork takes, for as long as the engine loads."""
    import importlib.util
    import sys
    from typing import Any

    held: list[bool] = []

    class Engine:  # a stand-in for the engine's package, noting the lock as it loads
        def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
            return importlib.util.spec_from_loader(name, self) if name == "weasyprint" else None

        def create_module(self, spec: Any) -> None:
            return None

        def exec_module(self, module: Any) -> None:
            held.append(bounded._FORKING.locked())

    saved = sys.modules.pop("weasyprint", None)
    finder = Engine()
    sys.meta_path.insert(0, finder)
    try:
        parallel._load_engine()
    finally:
        sys.meta_path.remove(finder)
        sys.modules.pop("weasyprint", None)
        if saved is not None:
            sys.modules["weasyprint"] = saved
    assert held == [True]
    assert not bounded._FORKING.locked()


def test_parallel_renders_give_only_the_first_job_ahead() -> None:
    early = bounded.Ahead(lambda: None)
    child = early._child
    assert child is not None
    jobs = [(_Named(name), None, None, ("md",)) for name in "abc"]
    pids = parallel.render_all(_pid_of, jobs, _Limits(), ahead=early)  # type: ignore[arg-type]
    assert pids[0] == child.pid and child.pid not in pids[1:]


class _Named:
    def __init__(self, name: str) -> None:
        self.path = Path(name)


def _pid_of(_brief: _Named, *_rest: object) -> int:
    return os.getpid()


class _Limits:
    render_timeout = 30.0
    render_memory_mb = 512


@pytest.mark.parametrize(
    "argv, started, formats",
    [
        (["build"], True, ()),
        (["build", "--format", "md"], True, ("md",)),
        (["--config", "x/config.yaml", "build", "--format=pdf,MD"], True, ("pdf", "md")),
        (["--strict", "build", "london-summit"], True, ()),
        (["check"], False, ()),
        (["build", "--help"], False, ()),
        (["--version"], False, ()),
        (["quote", "build"], False, ()),
        ([], False, ()),
    ],
)
def test_the_command_starts_the_child_early_only_for_a_build(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], started: bool, formats: tuple[str, ...]
) -> None:
    seen: list[tuple[object, ...]] = []

    class Fake:
        def close(self) -> None:
            seen.append(("closed",))

    def fake(config: object, chosen: tuple[str, ...]) -> Fake:
        seen.append((config, chosen))
        return Fake()

    monkeypatch.setattr(ahead, "start_ahead", fake)
    ahead.early(argv)
    assert bool(seen) is started
    if started:
        assert seen[0][1] == formats
        assert ahead.take_early() is not None and ahead.take_early() is None
    ahead.close_early()


def test_a_build_takes_the_child_the_command_started_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    monkeypatch.chdir(root)
    ahead.early(["build", "--format", "md"])
    early = ahead._EARLY[0]
    given: list[object] = []
    real = bounded.run_bounded

    def spying(*args: object, **kwargs: object) -> object:
        given.append(kwargs.get("ahead"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bounded, "run_bounded", spying)
    assert run_cli("build", "--format", "md").exit_code == 0
    assert given == [early] and ahead.take_early() is None


def test_a_build_through_the_command_writes_and_a_failing_one_ends(tmp_path: Path) -> None:
    """End to end through `python -m briefgen`, which starts the child early: the build is
    written, and a failing build (no such brief) ends with its message."""
    import subprocess
    import sys

    root = build_tree(tmp_path / "ws", minimal_files())
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "--format", "md"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert (root / "build" / "test.md").is_file()
    failed = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "nothing-by-this-name"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert failed.returncode == 2 and "nothing-by-this-name" in failed.stderr
