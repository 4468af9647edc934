"""The preview keeps the workspace in memory: after a change it reads again only the changed
files, and every kind of change (brief, source, template, config.yaml) shows in the re-render."""

from __future__ import annotations

import os
import pathlib
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import briefgen.assets
import briefgen.load
import briefgen.paths
from briefgen.build import check
from briefgen.errors import BriefgenError
from briefgen.preview.state import Preview
from conftest import MINIMAL_BRIEF, MINIMAL_SOURCE, build_tree, minimal_files

OTHER_BRIEF = MINIMAL_BRIEF.replace("Test brief", "Other brief").replace("id: ", "id: other-")
TEMPLATE = (
    '{% extends "builtin:brief.html.j2" %}\n{% block purpose %}<p>BANNER-ONE</p>{% endblock %}\n'
)


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Preview, Path]]:
    files = minimal_files(briefs__other_yaml=OTHER_BRIEF)
    files["templates/brief.html.j2"] = TEMPLATE
    root = build_tree(tmp_path / "ws", files)
    yield Preview(root / "config.yaml"), root


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file read as bytes or text (how briefgen reads YAML and sources), and every
    template file Jinja opens."""
    seen: list[Path] = []
    real_bytes, real_text = pathlib.Path.read_bytes, pathlib.Path.read_text
    real_open = briefgen.paths.open_once

    def read_bytes(self: Path) -> bytes:
        seen.append(self.resolve())
        return real_bytes(self)

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        seen.append(self.resolve())
        return real_text(self, *args, **kwargs)  # type: ignore[arg-type]

    def open_once(path: Path, follow_links: bool) -> int:  # YAML, sources, template files
        seen.append(Path(path).resolve())
        return real_open(path, follow_links)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    monkeypatch.setattr(pathlib.Path, "read_text", read_text)
    for module in (briefgen.load, briefgen.assets):
        monkeypatch.setattr(module, "open_once", open_once)
    return seen


def html(preview: Preview, name: str = "test.html") -> str:
    data = preview.render(name)
    assert data is not None, preview.snapshot.problems
    return data.decode("utf-8")


def test_an_edited_brief_is_the_only_file_read_again(
    preview: tuple[Preview, Path], reads: list[Path]
) -> None:
    live, root = preview
    html(live)
    brief = root / "briefs" / "test.yaml"
    brief.write_text(MINIMAL_BRIEF.replace("The plan is affordable.", "The plan is cheap."))
    reads.clear()
    live.refresh({brief})
    assert "The plan is cheap." in html(live)
    workspace = {p for p in reads if p.is_relative_to(root.resolve())}
    assert workspace <= {brief.resolve(), *root.resolve().glob("templates/*.svg")}
    assert brief.resolve() in workspace


def test_an_unchanged_workspace_is_not_read_again(
    preview: tuple[Preview, Path], reads: list[Path]
) -> None:
    live, root = preview
    reads.clear()
    live.refresh(set())
    assert not [p for p in reads if p.is_relative_to(root.resolve())]
    assert live.snapshot.ok


def test_an_edited_source_is_read_again_and_its_quotes_checked_again(
    preview: tuple[Preview, Path], reads: list[Path]
) -> None:
    live, root = preview
    assert live.snapshot.ok
    source = root / "sources" / "news.txt"
    source.write_text(MINIMAL_SOURCE.replace("over five years", "over ten years"))
    reads.clear()
    live.refresh({source})
    assert source.resolve() in reads
    assert not {root.resolve() / "briefs" / "test.yaml", root.resolve() / "config.yaml"} & set(
        reads
    )
    assert any("not found" in p.message or "ten years" in p.message for p in live.snapshot.problems)
    source.write_text(MINIMAL_SOURCE)
    live.refresh({source})
    assert live.snapshot.ok


def test_an_edited_template_shows_in_the_next_render(preview: tuple[Preview, Path]) -> None:
    live, root = preview
    assert "BANNER-ONE" in html(live)
    template = root / "templates" / "brief.html.j2"
    template.write_text(TEMPLATE.replace("BANNER-ONE", "BANNER-TWO"))
    live.refresh({template})
    page = html(live)
    assert "BANNER-TWO" in page and "BANNER-ONE" not in page


def test_an_edited_config_shows_in_the_next_render(preview: tuple[Preview, Path]) -> None:
    live, root = preview
    assert "Test Unit" in html(live)
    config = root / "config.yaml"
    config.write_text("organisation: Renamed Unit\n")
    live.refresh({config})
    page = html(live)
    assert "Renamed Unit" in page and "Test Unit" not in page


def test_a_warm_check_reports_what_a_cold_one_does(preview: tuple[Preview, Path]) -> None:
    live, root = preview
    brief = root / "briefs" / "other.yaml"
    broken = OTHER_BRIEF.replace(
        'quote: the plan would cost "£2.5 billion"', "quote: words that are nowhere"
    )
    brief.write_text(broken + "unknown_field: 1\n")
    live.refresh({brief})
    live.refresh(set())  # reused: the problems are reported again, not lost
    cold = check(root / "config.yaml").report.sorted()
    assert [p.format() for p in live.snapshot.problems] == [p.format() for p in cold]
    assert any(p.is_error for p in cold)


def test_a_step_is_forgotten_when_its_file_or_a_folder_holding_it_changes(tmp_path: Path) -> None:
    from briefgen.errors import Report
    from briefgen.warm import Warm

    warm, made = Warm(), []
    folder = tmp_path / "sources"
    folder.mkdir()
    file = folder / "a.txt"

    def step() -> int:
        return warm.step("a", lambda _: [file], lambda r: made.append(1) or len(made), Report())

    assert step() == 1 and step() == 1
    warm.changed({tmp_path / "other.txt"})
    assert step() == 1
    warm.changed({file})
    assert step() == 2
    warm.changed({folder})  # the folder was moved or replaced: what it held may differ
    assert step() == 3


def test_a_file_made_a_link_or_a_link_led_elsewhere_is_a_change(tmp_path: Path) -> None:
    """The save is reported by the file's name, which may now resolve somewhere else
    than the file read before; and a file read through a link changes by the link's name."""
    from briefgen.errors import Report
    from briefgen.warm import Warm

    warm, made = Warm(), []
    file, elsewhere, link = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "l.txt"
    file.write_text("a")
    elsewhere.write_text("b")
    link.symlink_to(file)

    def step(path: Path) -> int:
        return warm.step(path, lambda _: [path], lambda r: made.append(1) or len(made), Report())

    assert step(file) == 1 and step(link) == 2
    file.unlink()
    file.symlink_to(elsewhere)  # a.txt made a link: reported as a.txt
    warm.changed({file})
    assert step(file) == 3
    link.unlink()
    link.symlink_to(elsewhere)  # the link led elsewhere: reported as l.txt
    warm.changed({link})
    assert step(link) == 4
    warm.changed({elsewhere})  # the file behind both
    assert (step(file), step(link)) == (5, 6)


def test_a_source_made_a_link_outside_is_refused_as_a_fresh_check_refuses_it(
    preview: tuple[Preview, Path], tmp_path: Path
) -> None:
    live, root = preview
    assert "over five years" in html(live)
    source = root / "sources" / "news.txt"
    outside = tmp_path / "outside.txt"
    outside.write_text(source.read_text().replace("five years", "LEAKED years"))
    source.unlink()
    source.symlink_to(outside)
    snap = live.refresh({source})
    messages = [p.format() for p in snap.problems]
    assert any("leads outside the sources folder (through a link)" in m for m in messages)
    with pytest.raises(BriefgenError, match="leads outside the sources folder"):
        live.render("test.html")  # not served at all, as build writes nothing
    source.unlink()  # a real file again: the brief comes back
    source.write_text(outside.read_text().replace("LEAKED years", "five years"))
    live.refresh({source})
    assert "over five years" in html(live)


def _spare_ready(live: Preview) -> int:
    """The pid of the spare render child the quiet moment made, once it is warm."""
    live.tidy()
    child = live.spare._child
    assert child is not None
    end = time.monotonic() + 30
    while not child.ready():
        assert time.monotonic() < end, "the spare never finished warming"
        time.sleep(0.02)
    process = child._child
    assert process is not None and process.pid is not None
    return process.pid


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split()[2] == "Z"
    except OSError:
        return True


def test_the_next_page_goes_to_the_warm_spare_and_reads_as_a_fresh_render(
    preview: tuple[Preview, Path],
) -> None:
    live, root = preview
    html(live)
    pid = _spare_ready(live)
    brief = root / "briefs" / "test.yaml"
    brief.write_text(MINIMAL_BRIEF.replace("Test brief", "Edited brief"))
    live.refresh({brief})
    page = html(live)
    assert "Edited brief" in page
    assert live.spare._child is None and _gone(pid)  # it took the page, and has ended
    fresh = Preview(root / "config.yaml")
    assert html(fresh) == page
    fresh.close()
    live.close()


def test_a_spare_forked_before_a_template_changed_is_not_used(
    preview: tuple[Preview, Path],
) -> None:
    """Even when the template keeps its file time (copied with it, as cp -p or rsync -t
    copy), which Jinja looks at to know a template it compiled is out of date."""
    live, root = preview
    assert "BANNER-ONE" in html(live)
    pid = _spare_ready(live)
    template = root / "templates" / "brief.html.j2"
    before = template.stat()
    template.write_text(TEMPLATE.replace("BANNER-ONE", "BANNER-TWO"))
    os.utime(template, ns=(before.st_atime_ns, before.st_mtime_ns))
    live.refresh({template})
    page = html(live)
    assert "BANNER-TWO" in page and "BANNER-ONE" not in page
    assert _gone(pid)
    live.close()


def test_a_spare_is_warmed_only_on_a_page_the_templates_of_now_rendered(
    preview: tuple[Preview, Path],
) -> None:
    """A changed template has not yet run within the limits: the spare would run it first,
    with nothing to stop it but the alarm."""
    live, root = preview
    html(live)
    template = root / "templates" / "brief.html.j2"
    template.write_text(TEMPLATE.replace("BANNER-ONE", "BANNER-TWO"))
    live.refresh({template})
    live.tidy()
    assert live.spare._child is None
    assert "BANNER-TWO" in html(live)
    _spare_ready(live)
    live.close()
    assert live.spare._child is None


def test_a_spare_warming_past_the_time_limit_ends() -> None:
    from briefgen.bounded import Ahead
    from briefgen.preview.spare import warmed

    spare = Ahead(warmed(time.sleep, (60,), 512, 1), announce=True)
    process = spare._child
    assert process is not None and process.pid is not None
    process.join(30)
    assert not process.is_alive() and process.exitcode == -signal.SIGALRM
    assert not spare.ready()


def test_a_spare_that_died_warming_is_let_go_and_its_page_not_warmed_on_again() -> None:
    from briefgen.bounded import Ahead
    from briefgen.preview.spare import Spare, warmed

    forks: list[Ahead] = []

    def fork(warm: object) -> Ahead:
        forks.append(Ahead(warm, announce=True))  # type: ignore[arg-type]
        return forks[-1]

    spare = Spare()
    spare.remember(warmed(time.sleep, (60,), 512, 1), 0)  # past its time limit: the alarm
    spare.prepare(0, fork)
    process = forks[0]._child
    assert process is not None
    process.join(30)
    assert process.exitcode == -signal.SIGALRM
    assert spare.take(0) is None
    spare.prepare(0, fork)
    assert len(forks) == 1  # not forked again for the page that failed
    spare.remember(warmed(len, ((),), 512, 30), 0)
    spare.prepare(0, fork)
    assert len(forks) == 2
    spare.close()


def test_a_warm_that_fails_leaves_no_alarm_for_the_page_given_next() -> None:
    from briefgen.bounded import Ahead, run_bounded
    from briefgen.errors import Location
    from briefgen.preview.spare import warmed

    def failing() -> None:
        raise ValueError("the page failed while warming")

    spare = Ahead(warmed(failing, (), 512, 1), announce=True)
    end = time.monotonic() + 30
    while not spare.ready():
        assert time.monotonic() < end
        time.sleep(0.02)
    # a job of 2 s, well inside its own limit, outlives the warm's alarm of 1 s
    assert run_bounded(_slept, (2,), 30, 512, Location(Path("b.yaml")), ahead=spare) == 2


def _slept(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_a_warm_is_stopped_at_its_time_limit_even_with_sigalrm_ignored_from_outside() -> None:
    from briefgen.bounded import Ahead
    from briefgen.preview.spare import warmed

    before = signal.signal(signal.SIGALRM, signal.SIG_IGN)  # as a supervisor may leave it
    try:
        spare = Ahead(warmed(time.sleep, (60,), 512, 1), announce=True)
    finally:
        signal.signal(signal.SIGALRM, before)
    process = spare._child
    assert process is not None
    process.join(30)
    assert process.exitcode == -signal.SIGALRM
    spare.close()


def test_a_spare_of_old_templates_is_not_given_out_while_a_new_one_is_forked() -> None:
    """take() and the watcher's prepare() at the same moment: take() must judge the child
    it takes by the templates that child was forked with."""
    from briefgen.bounded import Ahead
    from briefgen.preview.spare import Spare

    forks: list[Ahead] = []

    def fork(warm: object) -> Ahead:
        forks.append(Ahead(warm, announce=True))  # type: ignore[arg-type]
        return forks[-1]

    spare = Spare()
    spare.remember(lambda: None, 0)
    spare.prepare(0, fork)
    old = forks[0]
    while not old.ready():
        time.sleep(0.02)
    spare.remember(lambda: None, 1)  # the templates changed; a page rendered with them
    lock = spare._lock

    class Interleaved:  # right after take() lets the lock go, prepare() runs
        def __enter__(self) -> None:
            lock.acquire()

        def __exit__(self, *_: object) -> None:
            lock.release()
            spare._lock = lock  # type: ignore[assignment]
            spare.prepare(1, fork)

    spare._lock = Interleaved()  # type: ignore[assignment]
    got = spare.take(1)
    assert got is not old
    for child in forks:
        child.close()
    if got is not None:
        got.close()
