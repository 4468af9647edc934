"""A cold check of many briefs shared with a child process (split.py): the same report
and the same workspace as a check done in one process, whatever the child does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_results_cache import PROBLEMS, TWICE_SOURCE, run, shown

from briefgen import citations, split, validate
from briefgen.cache import FOLDER
from conftest import build_tree, minimal_files

BRIEFS = 12


def _workspace(tmp_path: Path) -> Path:
    files = minimal_files(
        **{
            "config.yaml": "organisation: Test Unit\nstale_after_days: 1\n",
            "sources/news.txt": TWICE_SOURCE,
        }
    )
    base = str(files.pop("briefs/test.yaml"))
    for n in range(BRIEFS):  # good briefs and briefs with problems of every kind, interleaved
        text = PROBLEMS if n % 3 == 0 else base
        files[f"briefs/b{n:02}.yaml"] = text.replace("id: ", f"id: b{n}-")
    return build_tree(tmp_path / "ws", files)


def _cold(root: Path) -> tuple[list[str], object]:
    shutil.rmtree(root / FOLDER, ignore_errors=True)
    result = run(root)
    return shown(result), result.workspace


def _alone(root: Path) -> tuple[list[str], object]:
    """What a cold check done in one process reports and gives."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(split, "MIN_BRIEFS", 10**6)
        return _cold(root)


@pytest.fixture
def parsed_here(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The brief files this process parses itself (the child's are not seen here)."""
    seen: list[Path] = []
    real = validate.brief_from

    def counting(path: Path, *args: object) -> object:
        seen.append(path)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "brief_from", counting)
    return seen


def test_a_shared_check_reports_what_a_check_in_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed_here: list[Path]
) -> None:
    root = _workspace(tmp_path)
    shared_report, shared_workspace = _cold(root)
    assert 0 < len(parsed_here) < BRIEFS  # the child read the rest
    monkeypatch.setattr(split, "MIN_BRIEFS", 10**6)
    parsed_here.clear()
    alone_report, alone_workspace = _cold(root)
    assert len(parsed_here) == BRIEFS
    assert shared_report == alone_report and any("error" in p for p in alone_report)
    assert shared_workspace == alone_workspace


def _dies(*_args: object) -> None:
    os._exit(1)


def test_a_child_that_fails_leaves_the_work_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed_here: list[Path]
) -> None:
    root = _workspace(tmp_path)
    expected = _alone(root)
    monkeypatch.setattr(split, "_work", _dies)
    parsed_here.clear()
    assert _cold(root) == expected
    assert len(parsed_here) == BRIEFS


def test_no_child_when_results_are_kept_or_cannot_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _workspace(tmp_path)
    run(root)  # every brief's result kept
    started: list[object] = []
    real = split.Share.__init__

    def spying(self: split.Share, *args: object) -> None:
        started.append(args)
        real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(split.Share, "__init__", spying)
    run(root)
    assert started == []  # warm: nothing to share
    shutil.rmtree(root / FOLDER)
    (root / FOLDER).write_text("not a folder")
    run(root)
    assert started == []  # nowhere to keep results: nothing to hand over


def test_a_child_reading_a_document_under_limits_does_its_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed_here: list[Path]
) -> None:
    """A web page is read in a bounded child of its own; the check's child, forked while
    this process held the lock that keeps forks one at a time, must still be able to fork
    (it once waited for ever, and this process for its whole patience)."""
    from briefgen.catalogue import CATALOGUE

    root = _workspace(tmp_path)
    (root / "sources" / "page.html").write_text(
        "<html><body><article><p>The minister spoke again today.</p></article></body></html>",
        encoding="utf-8",
    )
    catalogue = root / "sources" / CATALOGUE
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8")
        + "- id: page\n  file: page.html\n  publisher: Example News\n  title: Page\n",
        encoding="utf-8",
    )
    matched_here: list[object] = []
    real = citations.resolve

    def counting(briefs: list[object], *args: object) -> object:
        matched_here.extend(briefs)
        return real(briefs, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(citations, "resolve", counting)
    monkeypatch.setattr(split, "WAIT_SECONDS", 20.0)
    _cold(root)
    assert 0 < len(parsed_here) < BRIEFS  # the child read the later half
    assert 0 < len(matched_here) < BRIEFS  # and matched its quotes: it did not hang


def test_the_child_sends_its_quotes_places_so_none_is_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen import results

    root = _workspace(tmp_path)
    expected = _alone(root)
    loads: list[Path] = []
    real = results.Results._load

    def counting(self: results.Results, path: Path, key: str) -> object:
        loads.append(path)
        return real(self, path, key)

    monkeypatch.setattr(results.Results, "_load", counting)
    assert _cold(root) == expected
    later = [p for p in loads if loads.count(p) > 1]
    assert loads and later == []  # each of the child's briefs read back once, when read


def test_places_the_child_sends_are_checked_as_kept_ones_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Places worked out against other sources (here: under a key no set of sources
    has, and a line off) are not used, though they fit the citations: this process
    matches those quotes again."""
    from briefgen import results

    root = _workspace(tmp_path)
    expected = _alone(root)
    real = results.Results.resolution

    def elsewhere(self: results.Results, path: Path) -> object:
        found = real(self, path)
        if found is None:
            return None
        key, (_, spans, problems) = found
        rows = [row if row is None else [*row[:2], row[2] + 1, *row[3:]] for row in spans]
        return key, ("other", rows, problems)

    # set before the child is forked, so it is what the child sends
    monkeypatch.setattr(results.Results, "resolution", elsewhere)
    assert _cold(root) == expected


def test_sources_read_while_waiting_for_the_child_are_reported_in_their_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process reads (and normalises) the sources while the child reads its briefs;
    what reading them finds is still reported after the briefs' own problems, as in a
    check done in one process."""
    from briefgen.catalogue import CATALOGUE

    root = _workspace(tmp_path)
    (root / "sources" / "latin1.txt").write_bytes(b"caf\xe9 au lait\n")
    catalogue = root / "sources" / CATALOGUE
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8")
        + "- id: gone\n  file: gone.txt\n  publisher: Example News\n  title: Gone\n"
        + "- id: latin\n  file: latin1.txt\n  publisher: Example News\n  title: Latin\n",
        encoding="utf-8",
    )
    alone = _alone(root)
    waited: list[int] = []
    real = split.Share.meanwhile

    def spying(self: split.Share, stage: str, tasks: list[object]) -> None:
        waited.append(len(tasks))
        real(self, stage, tasks)  # type: ignore[arg-type]

    monkeypatch.setattr(split.Share, "meanwhile", spying)
    shared = _cold(root)
    assert waited and waited[0] > 0  # it did read the sources while it waited
    assert any("gone.txt" in p for p in alone[0]) and any("latin1.txt" in p for p in alone[0])
    assert shared == alone


def test_a_brief_the_child_read_from_other_bytes_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the child sends for a brief is used only under the key of the bytes this
    process read (the file may have been saved in between): sent under another key, a
    brief that is not there and a problem that is not true change nothing."""
    from briefgen import results
    from briefgen.errors import Problem

    root = _workspace(tmp_path)
    expected = _alone(root)
    untrue = Problem("error", "not a problem of this brief", None)

    def other_bytes(self: results.Results, path: Path) -> object:
        return ("other", None, [untrue])

    monkeypatch.setattr(results.Results, "read", other_bytes)  # set before the fork
    assert _cold(root) == expected


def test_each_process_normalises_half_the_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child sends the forms it made and this process takes them: this process makes
    only its own half (of two sources, one)."""
    from briefgen import forms, normalise
    from briefgen.catalogue import CATALOGUE

    root = _workspace(tmp_path)
    (root / "sources" / "other.txt").write_text("Another source, never cited.\n", "utf-8")
    catalogue = root / "sources" / CATALOGUE
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8")
        + "- id: other\n  file: other.txt\n  publisher: Example News\n  title: Other\n",
        encoding="utf-8",
    )
    made: list[str] = []
    real = forms.normalise

    def counting(text: str, dehyphenate: bool = False) -> normalise.Normalised:
        if not dehyphenate:  # (a quote not found is looked for again in the other form)
            made.append(text)
        return real(text, dehyphenate)

    monkeypatch.setattr(forms, "normalise", counting)
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "sources").glob("*.txt"))]
    assert len(texts) == 2
    _cold(root)
    assert len(made) == 1 and made[0] in texts


def test_a_child_that_ends_after_sending_its_forms_leaves_the_rest_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen import forms

    root = _workspace(tmp_path)
    expected = _alone(root)
    here = os.getpid()
    real = forms.adopt

    def ends_in_the_child(made: dict[str, object]) -> None:
        if os.getpid() != here:
            os._exit(1)
        real(made)  # type: ignore[arg-type]

    monkeypatch.setattr(forms, "adopt", ends_in_the_child)
    assert _cold(root) == expected


def test_every_briefs_result_is_kept_when_a_shared_check_returns(
    tmp_path: Path, parsed_here: list[Path]
) -> None:
    """Both processes write their results only once the other has what it needs; the
    check returns after both are written, so the next check reads no brief again."""
    from briefgen.config import load_config
    from briefgen.errors import Report
    from briefgen.results import Results, cache_for

    root = _workspace(tmp_path)
    _cold(root)
    assert 0 < len(parsed_here) < BRIEFS  # shared
    config = load_config(root / "config.yaml", Report())
    kept = Results(config, cache_for(config))
    briefs = sorted((root / "briefs").glob("*.yaml"))
    assert len(briefs) == BRIEFS and all(kept.has(path) for path in briefs)
    parsed_here.clear()
    assert run(root).report.problems and parsed_here == []


def test_this_process_keeps_its_results_while_the_child_still_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work done while waiting: by the time this process first waits for the child's
    places, its own half of the results is on disk already."""
    import time

    from briefgen.config import load_config
    from briefgen.errors import Report
    from briefgen.results import Results, cache_for

    root = _workspace(tmp_path)
    config = load_config(root / "config.yaml", Report())
    briefs = sorted((root / "briefs").glob("*.yaml"))
    ours = briefs[: (len(briefs) + 1) // 2]
    real_resolution, real_wait = Results.resolution, split.Share.wait

    def slow_resolution(self: Results, path: Path) -> object:
        time.sleep(0.05)  # only the child sends places: it is slow to say MATCHED
        return real_resolution(self, path)

    kept_when_waiting: list[bool] = []

    def wait(self: split.Share, stage: str) -> None:
        if stage == split.MATCHED and not kept_when_waiting:
            kept = Results(config, cache_for(config))
            kept_when_waiting.append(all(kept.has(path) for path in ours))
        real_wait(self, stage)

    monkeypatch.setattr(Results, "resolution", slow_resolution)
    monkeypatch.setattr(split.Share, "wait", wait)
    expected = _alone(root)
    assert _cold(root) == expected
    assert kept_when_waiting == [True]


def test_places_the_child_worked_out_for_a_brief_saved_again_since_are_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A brief saved between this process's reading of it and the child's: the child's
    places, worked out for the new text, are not laid over the old one (which would
    publish the old claim under the new quote's passage, verified). This process reports
    the version it read, as a check done in one process would."""
    from briefgen import bounded

    root = _workspace(tmp_path)
    brief = root / "briefs" / f"b{BRIEFS - 1:02}.yaml"  # among the later half: the child's
    old = brief.read_text(encoding="utf-8")
    wrong = old.replace("over five years", "over ten years")
    assert wrong != old
    brief.write_text(wrong, encoding="utf-8")
    expected = _alone(root)
    assert any(f"{brief.name}:" in line and "quote not found" in line for line in expected[0])
    real = bounded.spawn

    def saved_as_forked(*args: object, **kwargs: object) -> object:
        if args[0] is split._work:  # the editor saves the corrected brief just then
            brief.write_text(old.replace("The plan is affordable.", "A new claim."), "utf-8")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bounded, "spawn", saved_as_forked)
    shutil.rmtree(root / FOLDER, ignore_errors=True)
    assert shown(run(root)) == expected[0]
