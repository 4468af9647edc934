"""Each brief's kept result (results.py): a run that uses it reports and returns exactly
what a run that does not reports and returns, and any change to an input is seen."""

from __future__ import annotations

import json
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen import citations, forms, normalise, results, validate
from briefgen.build import Result, check
from briefgen.cache import FOLDER, digest
from briefgen.models import Span
from conftest import MINIMAL_SOURCE, build_tree, minimal_files

# A brief with something of every kind to report: YAML warnings and errors, a quote not
# found, one too short, one that cuts a word, one found twice, a figure its quote does not
# bear out, an item citing nothing, an unknown source, a date after the brief's, an item
# out of date, a link no output keeps, duplicate ids and keys.
PROBLEMS = """\
title: Problems
as_of: 2025-03-02
surprise: field
positions:
  - id: not-found
    actor: A
    stance: S
    cite:
      - source: news
        quote: the plan would cost nothing at all
  - id: too-short
    actor: A
    stance: S
    cite:
      - source: news
        quote: the plan
  - id: cut-word
    actor: A
    stance: S
    as_of: 2024-01-01
    cite:
      - source: news
        quote: inister said the plan
  - id: twice
    actor: A
    stance: S
    cite:
      - source: news
        quote: and said so
  - id: unknown
    actor: A
    stance: S
    as_of: 2025-03-09
    cite:
      - source: newz
        quote: the plan would cost
  - id: uncited
    actor: A
    stance: S
    detail: see [this](notes.txt)
  - id: twice
    actor: B
    stance: S
    stance: again
figures:
  - id: cost
    label: Cost
    value: "3.5"
    unit: £ billion
    cite:
      - source: news
        quote: the plan would cost "£2.5 billion"
"""
TWICE_SOURCE = MINIMAL_SOURCE + "Later they came back and said so again.\n"
BROKEN = "title: [unclosed\npositions: {\n"


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    forms.forget()
    normalise.forget()
    yield
    forms.forget()
    normalise.forget()


def run(root: Path) -> Result:
    """`check` as a new process runs it (nothing remembered in memory)."""
    forms.forget()
    normalise.forget()
    return check(root / "config.yaml")


def shown(result: Result) -> list[str]:
    return [p.format() for p in result.report.problems]


def uncached(root: Path) -> Result:
    shutil.rmtree(root / FOLDER, ignore_errors=True)
    made = run(root)
    shutil.rmtree(root / FOLDER, ignore_errors=True)
    return made


def entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / FOLDER / results.KIND).rglob("*") if p.is_file())


class Reads:
    """Counts the briefs parsed and resolved afresh."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.parsed: list[Path] = []
        self.resolved: list[str] = []
        brief_from, resolve = validate.brief_from, citations.resolve

        def counting_brief_from(path: Path, *args: object) -> object:
            self.parsed.append(path)
            return brief_from(path, *args)  # type: ignore[arg-type]

        def counting_resolve(briefs: list[object], *args: object) -> object:
            self.resolved += [b.id for b in briefs]  # type: ignore[attr-defined]
            return resolve(briefs, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(validate, "brief_from", counting_brief_from)
        monkeypatch.setattr(citations, "resolve", counting_resolve)

    def clear(self) -> None:
        self.parsed.clear()
        self.resolved.clear()


def workspaces(tmp_path: Path) -> Iterator[Path]:
    yield build_tree(tmp_path / "minimal", minimal_files())
    yield build_tree(
        tmp_path / "problems",
        minimal_files(
            **{
                "config.yaml": "organisation: Test Unit\nstale_after_days: 1\n",
                "sources/news.txt": TWICE_SOURCE,
                "briefs/problems.yaml": "\ufeff" + PROBLEMS,
                "briefs/broken.yaml": BROKEN,
                "briefs/empty.yaml": "",
                "briefs/bad name.yaml": "title: x\n",
            }
        ),
    )
    sample = tmp_path / "sample"
    root = Path(__file__).resolve().parent.parent
    for name in ("sources", "briefs", "templates"):
        shutil.copytree(root / name, sample / name)
    shutil.copy(root / "config.yaml", sample / "config.yaml")
    yield sample


def test_a_kept_result_reports_and_returns_what_a_fresh_check_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = Reads(monkeypatch)
    for root in workspaces(tmp_path):
        monkeypatch.chdir(root)
        fresh = uncached(root)
        first = run(root)  # no entries yet: every brief read, and kept
        assert entries(root)
        reads.clear()
        kept = run(root)
        assert reads.parsed == [] and reads.resolved == []  # every brief came from its entry
        assert shown(first) == shown(kept) == shown(fresh)  # same messages, same order
        assert kept.workspace == first.workspace == fresh.workspace
        assert kept.summary() == fresh.summary()
        spans = [c.span for b in kept.workspace.briefs for i in b.citing for c in i.cite if c.span]
        assert all(s.before + s.text + s.after for s in spans)  # contexts read back in full


def test_the_problem_workspace_has_problems_of_every_kind(tmp_path: Path) -> None:
    root = list(workspaces(tmp_path))[1]
    lines = "\n".join(shown(uncached(root)))
    for words in (
        "byte-order mark",
        "YAML syntax error",
        "file is empty",
        "brief file name",
        "surprise",
        "quote not found",
        "too few",
        "appears 2 times",
        "unknown source",
        "cites nothing",
        "duplicate id",
        "duplicate key",
        "figure",
        "out of date",
        "shown as plain text",
    ):
        assert words in lines, words


def test_each_input_that_changes_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    monkeypatch.chdir(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    brief = root / "briefs" / "test.yaml"
    reads = Reads(monkeypatch)
    run(root)

    def step() -> Result:
        """A check with the entries of the last; what it read afresh is left in `reads`."""
        reads.clear()
        got = run(root)
        parsed, resolved = list(reads.parsed), list(reads.resolved)
        fresh = uncached(root)
        assert shown(got) == shown(fresh) and got.workspace == fresh.workspace
        run(root)  # the entries of this state, for the next step
        reads.parsed[:], reads.resolved[:] = parsed, resolved
        return got

    # the brief: read again, and only it
    brief.write_text(brief.read_text().replace("The plan is affordable.", "Affordable."))
    got = step()
    assert reads.parsed == [brief]
    assert got.workspace.briefs[0].positions[0].stance == "Affordable."
    # a source: the quotes are matched again, the brief is not parsed again
    news = root / "sources" / "news.txt"
    news.write_text(MINIMAL_SOURCE.replace("five years", "six years"))
    got = step()
    assert reads.parsed == [] and reads.resolved == ["test"]
    assert any("quote not found" in line for line in shown(got))
    news.write_text(MINIMAL_SOURCE)
    assert not step().report.errors
    # the catalogue: a renamed source makes the brief's quotes cite an unknown source
    catalogue = root / "sources" / "sources.yaml"
    catalogue.write_text(catalogue.read_text().replace("id: news", "id: news2"))
    got = step()
    assert any('unknown source "news"' in line for line in shown(got))
    catalogue.write_text(catalogue.read_text().replace("id: news2", "id: news"))
    assert not step().report.errors
    # config.yaml: a lower size limit refuses the brief
    config = root / "config.yaml"
    config.write_text("organisation: Test Unit\nlimits:\n  max_yaml_bytes: 400\n")
    got = step()
    assert any("over the limit" in line for line in shown(got))
    config.write_text("organisation: Test Unit\nstale_after_days: 1\n")
    got = step()
    assert reads.parsed == [brief]  # another config: another key
    config.write_text("organisation: Test Unit\n")
    step()
    # the date: the brief's as_of is in the future before it, not after
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01
    got = step()
    assert any("is in the future" in line for line in shown(got))
    assert reads.parsed == []  # the date is not an input of a kept result: checked each run
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    assert not step().report.errors


def test_a_damaged_stale_or_misplaced_entry_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_tree(
        tmp_path / "ws",
        minimal_files(
            **{"briefs/other.yaml": "title: Other\npositions:\n  - id: o1\n    actor: A\n"}
        ),
    )
    monkeypatch.chdir(root)
    fresh = uncached(root)
    run(root)
    reads = Reads(monkeypatch)
    found = entries(root)
    assert len(found) == 2
    data = [p.read_bytes() for p in found]
    # damaged: the digest no longer matches
    found[0].write_bytes(data[0][:-1] + bytes([data[0][-1] ^ 1]))
    found[1].write_bytes(data[1][:-5])
    got = run(root)
    assert len(reads.parsed) == 2
    assert shown(got) == shown(fresh) and got.workspace == fresh.workspace
    # misplaced: a whole, well-formed entry under another brief's name
    reads.clear()
    found[0].write_bytes(data[1])
    found[1].write_bytes(data[0])
    got = run(root)
    assert len(reads.parsed) == 2
    assert shown(got) == shown(fresh) and got.workspace == fresh.workspace
    # rewritten with a digest to match, but not what this code writes: not used
    reads.clear()
    for path, raw in zip(found, data, strict=True):
        magic, _, rest = raw.partition(b"\n")
        row = json.loads(rest.partition(b"\n")[2])
        row[2] = {"Brief": ["not", "a", "brief"]}
        body = json.dumps(row).encode()
        path.write_bytes(magic + b"\n" + digest(body).encode() + b"\n" + body)
    got = run(root)
    assert len(reads.parsed) == 2
    assert shown(got) == shown(fresh) and got.workspace == fresh.workspace
    # another format, or another version of the code: not read at all
    reads.clear()
    monkeypatch.setattr(results, "_code", ["another version"])
    got = run(root)
    assert len(reads.parsed) == 2 and got.workspace == fresh.workspace


def test_the_folder_is_safe_to_delete_and_an_unwritable_one_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    monkeypatch.chdir(root)
    fresh = uncached(root)
    run(root)
    shutil.rmtree(root / FOLDER)
    assert shown(run(root)) == shown(fresh)
    shutil.rmtree(root / FOLDER)
    (root / FOLDER).write_text("not a folder")
    got = run(root)
    assert shown(got) == shown(fresh) and got.workspace == fresh.workspace
    assert (root / FOLDER).read_text() == "not a folder"


def test_a_span_made_with_its_context_to_come_is_the_span_made_with_it() -> None:
    def made() -> Span:
        return Span.found(4, 8, (1, 5, 1, 8), "plan", 1, None, None, lambda: ("The ", " is."))

    whole = Span(4, 8, 1, 5, 1, 8, "The ", "plan", " is.")
    assert made() == whole and hash(made()) == hash(whole) and repr(made()) == repr(whole)
    assert pickle.loads(pickle.dumps(made())) == whole
    span = made()
    assert (span.before, span.after) == ("The ", " is.")
    with pytest.raises(AttributeError):
        _ = span.missing  # type: ignore[attr-defined]
