"""What changed since the last brief: the manifest, `diff`, `build --since` and stable Markdown.

Each test builds a scratch git repository holding the sample workspace, commits it, makes
the issue's changes (a stance reworded on the same quote, a figure added, a proposal dropped,
a source file edited so its lines move), commits again and compares.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from helpers import source_text
from pypdf import PdfReader

from briefgen.commands.diff import TRUST_FLAG
from conftest import ROOT, run_cli

BRIEF = "briefs/london-summit.yaml"
SOURCE = "sources/001_31fbf68d45b37391.txt"
OLD_STANCE = "stance: Is pushing, with Starmer, for a European-led security initiative"
NEW_STANCE = "stance: Now leads, with Starmer, a European-led security initiative"
NEW_FIGURE = """figures:

  - id: vance-troop-number
    label: Peacekeepers in the proposed Anglo-French force, as Vance put it
    value: "20,000"
    unit: troops
    as_of: 2025-03-05
    cite:
      - source: daily-mail-aid-pause
        quote: 20,000 troops from some random country
"""
CHANGED = {"macron-european-force", "vance-troop-number", "joint-washington-visit"}


def git(root: Path, *args: str, date: str = "2025-03-01T12:00:00Z") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(root.parent),
    }
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def make_changes(root: Path) -> None:
    brief = root / BRIEF
    text = brief.read_text(encoding="utf-8")
    assert OLD_STANCE in text
    text = text.replace(OLD_STANCE, NEW_STANCE, 1)
    start, end = text.index("  - id: joint-washington-visit"), text.index("  - id: minerals-deal")
    text = text[:start] + text[end:]
    text = text.replace("figures:\n", NEW_FIGURE, 1)
    brief.write_text(text, encoding="utf-8")
    source = root / SOURCE
    source.write_text("Updated: this article was revised.\n\n" + source.read_text("utf-8"), "utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample workspace in a git repository: one commit as it ships, one with the changes."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("config.yaml", "sources", "briefs", "templates"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "as shipped", date="2025-02-20T12:00:00Z")
    make_changes(root)
    git(root, "commit", "-qam", "revised", date="2025-03-06T12:00:00Z")
    monkeypatch.chdir(root)
    return root


def item_lines(output: str) -> dict[str, str]:
    """'  changed position macron-european-force (...)' lines of the text diff, by item id."""
    found = re.findall(r"^  (added|removed|changed) \w+ (\S+) ", output, re.MULTILINE)
    return {item: change for change, item in found}


def test_diff_lists_exactly_the_changes_with_their_flags(repo: Path) -> None:
    result = run_cli("diff", "HEAD~1")
    assert result.exit_code == 1, result.stderr
    out = result.stdout
    assert item_lines(out) == {
        "macron-european-force": "changed",
        "vance-troop-number": "added",
        "joint-washington-visit": "removed",
    }
    assert "stance: Is pushing, with Starmer" in out and "-> Now leads, with Starmer" in out
    assert out.count(TRUST_FLAG) == 1  # only the reworded stance: nothing else changed claim
    assert "source bbc-paris-talks (001_31fbf68d45b37391.txt) changed" in out
    assert "source daily-mail-aid-pause" not in out
    assert 'starmer-us-backstop: "a US security guarantee was the only way' in out
    assert "moved from line 3 to line 5" in out


def test_diff_json_and_markdown(repo: Path) -> None:
    result = run_cli("diff", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    (brief,) = data["briefs"]
    items = {i["id"]: i for i in brief["items"]}
    assert set(items) == CHANGED
    macron = items["macron-european-force"]
    assert [f["name"] for f in macron["fields"]] == ["stance"]
    assert macron["flags"] == [TRUST_FLAG] and not macron["cites_added"]
    assert items["vance-troop-number"]["change"] == "added"
    (source,) = brief["sources"]
    assert source["id"] == "bbc-paris-talks" and source["old_sha256"] != source["new_sha256"]
    assert all(m["new_line"] == m["old_line"] + 2 for m in source["citations"])
    md = run_cli("diff", "HEAD~1", "--format", "md").stdout
    assert "### Changed position: Emmanuel Macron (`macron-european-force`)" in md
    assert "### Removed proposal:" in md and "- **Check:** " + TRUST_FLAG in md


def test_a_reworded_stance_with_new_evidence_is_not_flagged(repo: Path) -> None:
    brief = repo / BRIEF
    text = brief.read_text("utf-8").replace(
        "        quote: Starmer and Macron are also pushing for a European-led security initiative, "
        "including a potential peacekeeping force",
        "        quote: Starmer and Macron are also pushing for a European-led security initiative",
    )
    brief.write_text(text, "utf-8")
    result = run_cli("diff", "HEAD", "--format", "json")
    items = {i["id"]: i for i in json.loads(result.stdout)["briefs"][0]["items"]}
    assert (
        items["macron-european-force"]["cites_dropped"]
        and not items["macron-european-force"]["flags"]
    )


def test_a_citation_that_no_longer_verifies_is_listed(repo: Path) -> None:
    source = repo / SOURCE
    source.write_text(source.read_text("utf-8").replace("much bigger ask", "big job"))
    result = run_cli("diff", "HEAD")
    assert result.exit_code == 1
    assert (
        'chalmers-credible-force: "That\'s a much bigger ask" no longer verifies' in result.stdout
    )


def test_nothing_changed_exits_0_and_bad_arguments_exit_2(repo: Path, tmp_path: Path) -> None:
    same = run_cli("diff", "HEAD")
    assert same.exit_code == 0, same.stdout
    assert "brief london-summit: no changes" in same.stdout
    for bad in ("no-such-revision", "--not-a-rev", "@{1990-01-01}", "HEAD~99"):
        result = run_cli("diff", "--", bad)
        assert result.exit_code == 2, (bad, result.stdout)
        assert "error:" in result.stderr and "Traceback" not in result.stderr
    outside = tmp_path / "plain"
    shutil.copytree(repo, outside, ignore=shutil.ignore_patterns(".git"))
    result = run_cli("--config", str(outside), "diff", "HEAD~1")
    assert result.exit_code == 2 and "not in a git repository" in result.stderr


def test_a_date_names_the_last_commit_before_it(repo: Path) -> None:
    by_date = run_cli("diff", "@{2025-03-01}", "--format", "json")
    by_rev = run_cli("diff", "HEAD~1", "--format", "json")
    assert by_date.exit_code == 1
    assert json.loads(by_date.stdout)["briefs"] == json.loads(by_rev.stdout)["briefs"]


def test_diff_of_brief_files_and_manifests(repo: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    (old / "london-summit.yaml").write_text(git(repo, "show", f"HEAD~1:{BRIEF}"), "utf-8")
    from_file = run_cli("diff", str(old / "london-summit.yaml"))
    assert from_file.exit_code == 1
    assert set(item_lines(from_file.stdout)) == CHANGED
    assert run_cli("build", "--format", "json", "-o", str(tmp_path / "new")).exit_code == 0
    manifest = tmp_path / "new" / "london-summit.json"
    result = run_cli("diff", str(manifest), BRIEF)
    assert result.exit_code == 0, result.stdout
    result = run_cli("diff", "HEAD~1", str(manifest))
    assert set(item_lines(result.stdout)) == CHANGED
    (tmp_path / "junk.json").write_text("{}")
    assert run_cli("diff", str(tmp_path / "junk.json")).exit_code == 2


def test_manifest_is_stable_valid_and_matches_the_pdf(repo: Path, tmp_path: Path) -> None:
    assert run_cli("build", "--format", "json,pdf", "-o", "one").exit_code == 0
    assert run_cli("build", "--format", "json", "-o", "two").exit_code == 0
    first = (repo / "one" / "london-summit.json").read_bytes()
    assert first == (repo / "two" / "london-summit.json").read_bytes()
    schema = json.loads(run_cli("schema", "manifest").stdout)
    data = json.loads(first)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert data["layout"] == "brief" and data["briefgen_version"]
    pdf = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(repo / "one" / "london-summit.pdf").pages
    )
    sha = {s["file"]: s["sha256"] for s in data["sources"].values()}
    lines = data["lines_to_take"]
    assert [line["id"] for line in lines] == [f"line-to-take-{n}" for n in range(1, 5)]
    assert lines[1]["text"] == "Any peace deal needs a US backstop to deter Russia."
    cites = [c for item in [*lines, *data["items"]] for c in item["cite"]]
    assert len(cites) == 100 and all(c["verified"] for c in cites)  # as `check` counts them
    shown = {s["file"]: s["label"] for s in data["sources"].values()}
    for c in cites:
        lines = f"line {c['line']}" if c["line"] == c["end_line"] else f"lines {c['line']}–"
        lines = c.get("place", lines)  # a PDF source: its page and line
        assert f"{shown[c['file']]}, {lines}" in pdf, c  # notes name the source by its label
        assert c["sha256"] == sha[c["file"]]
        text = source_text(repo / "sources" / c["file"]).splitlines()[c["line"] - 1]
        assert text[c["column"] - 1 :].startswith(c["found"][:10])
    bad = {**data, "items": [{**data["items"][0], "cite": [{"source": 1}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_diff_lists_a_reworded_line_to_take_and_its_citations(repo: Path, tmp_path: Path) -> None:
    brief = repo / BRIEF
    old_line = "Any peace deal needs a US backstop to deter Russia."
    text = brief.read_text("utf-8")
    assert old_line in text
    brief.write_text(text.replace(old_line, "A US guarantee is what deters Russia."), "utf-8")
    result = run_cli("diff", "HEAD")
    assert result.exit_code == 1
    assert item_lines(result.stdout) == {"line-to-take-2": "changed"}  # only that line
    assert f"    text: {old_line} -> A US guarantee is what deters Russia.\n" in result.stdout
    assert TRUST_FLAG in result.stdout  # the claim changed, its evidence did not
    md = run_cli("build", "--since", "HEAD", "--format", "md", "-o", "since")
    assert md.exit_code == 0, md.stderr
    out = (repo / "since" / "london-summit.md").read_text("utf-8")
    assert f"- line to take 2: text revised (was: {old_line})" in out.replace("\\", "")
    assert "- A US guarantee is what deters Russia." in out
    assert (
        out.split("- A US guarantee is what deters Russia.", 1)[1]
        .split("\n", 1)[0]
        .endswith("**[REVISED]**")
    )
    # the source edit between the two commits moves the line to take's citation too
    moved = run_cli("diff", "HEAD~1", "HEAD").stdout
    assert 'line-to-take-2: "a US security guarantee was the only way' in moved
    # a manifest written before lines to take and sections were kept: no change made up
    assert run_cli("build", "--format", "json", "-o", str(tmp_path / "m")).exit_code == 0
    manifest = tmp_path / "m" / "london-summit.json"
    data = json.loads(manifest.read_text("utf-8"))
    del data["lines_to_take"]
    for name in ("purpose", "objectives", "background", "handling", "asks"):
        del data["brief"][name]
    manifest.write_text(json.dumps(data), "utf-8")
    same = run_cli("diff", str(manifest), BRIEF)
    assert same.exit_code == 0, same.stdout


def test_diff_and_since_name_each_section_that_changed(repo: Path) -> None:
    brief = repo / BRIEF
    text = brief.read_text("utf-8")
    for old, new in (
        ("took No 10 by surprise", "did not surprise No 10"),
        ("Paris on 17", "Paris on 18"),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    brief.write_text(text, "utf-8")
    result = run_cli("diff", "HEAD")
    assert result.exit_code == 1
    assert "  handling: " in result.stdout and "  background: " in result.stdout
    assert "did not surprise No 10" in result.stdout
    built = run_cli("build", "--since", "HEAD", "--format", "md,html", "-o", "since")
    assert built.exit_code == 0, built.stderr
    md = (repo / "since" / "london-summit.md").read_text("utf-8")
    assert "## Changes since HEAD\n\n- Background revised\n- Handling revised\n" in md
    html = (repo / "since" / "london-summit.html").read_text("utf-8")
    assert '<li class="change-revised">Background revised</li>' in html


def test_every_layout_s_manifest_has_the_lines_to_take(repo: Path) -> None:
    from briefgen import manifest
    from briefgen.build import check

    workspace = check(repo / "config.yaml").workspace
    (brief,) = workspace.briefs
    for layout in ("brief", "card"):  # the card shows them too
        data = manifest.manifest(brief, workspace.sources, layout)
        assert [line["id"] for line in data["lines_to_take"]] == [
            f"line-to-take-{n}" for n in range(1, 5)
        ]
        assert data["brief"]["background"].startswith("European leaders met in Paris")
        assert data["brief"]["objectives"]


def test_build_since_shows_the_changes_in_the_pdf(repo: Path) -> None:
    result = run_cli("build", "--since", "HEAD~1", "--format", "pdf,md,html")
    assert result.exit_code == 0, result.stderr
    pdf = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(repo / "build" / "london-summit.pdf").pages
    )
    assert "Changes since HEAD~1" in pdf
    html = (repo / "build" / "london-summit.html").read_text(encoding="utf-8")
    assert '<li><a href="#changes">Changes since HEAD~1</a></li>' in html  # in the contents
    assert "Emmanuel Macron: stance revised (was: Is pushing, with Starmer," in pdf
    assert "Peacekeepers in the proposed Anglo-French force, as Vance put it: new figure" in pdf
    assert "Joint Starmer-Macron-Zelensky visit to Washington: proposal withdrawn" in pdf
    assert pdf.index("Key messages") < pdf.index("Changes since") < pdf.index("Positions Security")
    assert "REVISED" in pdf.split("Now leads, with Starmer", 1)[1][:400]
    assert pdf.count(" NEW") >= 1 and pdf.count("REVISED") == 1
    md = (repo / "build" / "london-summit.md").read_text("utf-8")
    assert md.count("**[REVISED]**") == 1 and md.count("**[NEW]**") == 1
    html = (repo / "build" / "london-summit.html").read_text("utf-8")
    assert html.count('class="change change-new"') == 1
    plain = run_cli("build", "--format", "md", "-o", "plain")
    assert plain.exit_code == 0
    assert "Changes since" not in (repo / "plain" / "london-summit.md").read_text("utf-8")


def test_since_in_the_brief_and_a_bad_since(repo: Path) -> None:
    brief = repo / BRIEF
    brief.write_text("since: HEAD~1\n" + brief.read_text("utf-8"), "utf-8")
    assert run_cli("build", "--format", "md").exit_code == 0
    md = (repo / "build" / "london-summit.md").read_text("utf-8")
    assert "## Changes since HEAD\\~1" in md  # "~" escaped: Markdown text is never markup
    assert run_cli("build", "--since", "no-such-rev", "--format", "md").exit_code == 2
    brief.write_text("since: no-such-rev\n" + brief.read_text("utf-8").split("\n", 1)[1], "utf-8")
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 1
    assert re.search(r"london-summit\.yaml:1:\d+: error: since: ", result.stderr), result.stderr


def changed_lines(old: str, new: str) -> list[str]:
    return [
        line[1:]
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---")) and line[1:].strip()
    ]


def test_adding_one_position_changes_only_its_lines_and_notes(repo: Path) -> None:
    assert run_cli("build", "--format", "md", "-o", "before").exit_code == 0
    brief = repo / BRIEF
    text = brief.read_text("utf-8")
    added = """  - id: starmer-no-token-troops
    actor: Keir Starmer
    role: UK Prime Minister
    topic: Security guarantees
    stance: Says Europe must take responsibility for its own security.
    as_of: 2025-02-17
    cite:
      - source: bbc-paris-talks
        quote: The swiftly arranged discussions took place days after his defence secretary
      - source: daily-mail-aid-pause
        quote: Sir Keir hopes to persuade President Trump
"""
    brief.write_text(
        text.replace("  - id: starmer-uk-troops\n", added + "\n  - id: starmer-uk-troops\n", 1)
    )
    assert run_cli("build", "--format", "md", "-o", "after").exit_code == 0
    old = (repo / "before" / "london-summit.md").read_text("utf-8")
    new = (repo / "after" / "london-summit.md").read_text("utf-8")
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm=""))
    added = [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")]
    removed = [d[1:] for d in diff if d.startswith("-") and not d.startswith("---")]
    assert added and all("[^starmer-no-token-troops-" in line for line in added), added
    # what went is only the appendix passages that now also list the new citations
    assert all(line.startswith("- Line") for line in removed), removed
    assert len(removed) == len([line for line in added if line.startswith("- Line")])
    # Two footnotes and the position: no renumbering of the footnotes after it.
    assert len([line for line in added if line.startswith("[^")]) == 2


def test_markdown_of_the_two_commits_differs_only_where_things_changed(repo: Path) -> None:
    assert run_cli("build", "--format", "md", "-o", "new").exit_code == 0
    git(repo, "checkout", "-q", "HEAD~1")
    assert run_cli("build", "--format", "md", "-o", "old").exit_code == 0
    old = (repo / "old" / "london-summit.md").read_text("utf-8")
    new = (repo / "new" / "london-summit.md").read_text("utf-8")
    removed = old.split("### Joint Starmer-Macron-Zelensky visit to Washington", 1)[1]
    removed_block = {"### Joint Starmer-Macron-Zelensky visit to Washington"}
    removed_block.update(removed.split("\n### ", 1)[0].splitlines())
    moved_source = re.compile(r"001_31fbf68d45b37391\.txt|^- Lines? \d|^`[0-9a-f]{64}`")
    for line in changed_lines(old, new):
        assert (
            any(f"[^{item}-" in line for item in CHANGED)
            or line in removed_block
            or moved_source.search(line)
            or "SHA-256" in line
        ), line


def test_a_figure_whose_value_changed_on_the_same_quote_is_flagged(repo: Path) -> None:
    brief = repo / BRIEF
    brief.write_text(brief.read_text("utf-8").replace('value: "2.3"', 'value: "2.4"', 1), "utf-8")
    result = run_cli("diff", "HEAD", "--format", "json")
    (item,) = json.loads(result.stdout)["briefs"][0]["items"]
    assert item["id"] == "uk-defence-spending" and item["flags"] == [TRUST_FLAG]
    assert item["fields"] == [{"name": "value", "old": "2.3", "new": "2.4"}]


def test_a_filtered_build_lists_only_the_changes_it_shows(repo: Path) -> None:
    args = ("build", "--since", "HEAD~1", "--format", "md", "--topic", "Security guarantees")
    assert run_cli(*args).exit_code == 0
    md = (repo / "build" / "london-summit.md").read_text("utf-8")
    section = md.split("## Changes since HEAD\\~1", 1)[1].split("\n## ", 1)[0]
    assert "Emmanuel Macron: stance revised" in section
    assert "withdrawn" not in section and "new figure" not in section


def test_an_old_brief_that_cannot_be_read_is_refused_not_compared_as_empty(
    repo: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.yaml"
    old.write_text((repo / BRIEF).read_text("utf-8").replace("audience:", "audience"), "utf-8")
    result = run_cli("diff", str(old))
    assert result.exit_code == 2, result.stderr  # OLD cannot be read
    assert "old.yaml:" in result.stderr and "YAML syntax error" in result.stderr
    result = run_cli("build", "--since", str(old), "--format", "md", "-o", "since")
    assert result.exit_code == 2 and "old.yaml:" in result.stderr
    assert not (repo / "since" / "london-summit.md").exists()  # nothing marked NEW throughout
    # the brief's own since: naming it: an error at that line, and that brief is not built
    shutil.copy(old, repo / "briefs" / "old.yaml")
    brief = repo / BRIEF
    brief.write_text("since: briefs/old.yaml\n" + brief.read_text("utf-8"), "utf-8")
    result = run_cli("build", "london-summit", "--format", "md", "-o", "own")
    assert result.exit_code == 1
    assert re.search(
        r"london-summit\.yaml:1:8: error: since: briefs.old\.yaml:\d+:\d+: YAML", result.stderr
    )
    assert not (repo / "own" / "london-summit.md").exists()


def test_a_briefs_since_may_not_read_a_file_outside_the_workspace(
    repo: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.yaml"
    text = (repo / BRIEF).read_text("utf-8")
    outside.write_text(
        re.sub(r"stance: .*", "stance: SECRET-WORDS-OUTSIDE", text, count=1), "utf-8"
    )
    brief = repo / BRIEF
    (repo / "briefs" / "link.yaml").symlink_to(outside)  # nor through a link inside
    for named in (str(outside), os.path.relpath(outside, repo), "briefs/link.yaml"):
        brief.write_text(f"since: '{named}'\n" + text, "utf-8")
        result = run_cli("build", "london-summit", "--format", "md", "-o", "out")
        assert result.exit_code == 1, result.stderr
        assert "is outside the workspace" in result.stderr
        assert not (repo / "out" / "london-summit.md").exists()
    # the command line's --since is whoever builds' own choice
    brief.write_text(text, "utf-8")
    result = run_cli("build", "london-summit", "--since", str(outside), "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert "SECRET-WORDS-OUTSIDE" in (repo / "build" / "london-summit.md").read_text("utf-8")


def test_a_file_larger_than_the_workspace_reads_is_not_taken_from_a_revision(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only what the workspace could read is written out from the old commit: a file over
    every read limit (here 6 MB of notes, over the 5 MB of YAML) stays in git, unwritten."""
    from briefgen import revisions

    with (repo / "config.yaml").open("a", encoding="utf-8") as config:
        config.write("limits:\n  max_source_bytes: 1000000\n")
    (repo / "sources" / "notes.bin").write_bytes(b"\0" * 6_000_000)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "notes", date="2025-03-07T12:00:00Z")
    written: list[str] = []
    real = revisions._write_blob

    def spy(root: Path, obj: str, target: Path) -> None:
        written.append(target.name)
        real(root, obj, target)

    monkeypatch.setattr(revisions, "_write_blob", spy)
    result = run_cli("diff", "HEAD")
    assert result.exit_code == 0, result.stderr
    assert "london-summit.yaml" in written and "config.yaml" in written
    assert "notes.bin" not in written


def test_a_quote_moved_along_its_line_is_told_its_columns() -> None:
    """Words added before a quote on its line moved it: "moved from line 8 to line 8"."""
    from briefgen.commands.diff import CitationMove, _move

    along = CitationMove("d-c", "the #1 priority", 8, 8, True, 36, 38)
    assert _move(along) == 'd-c: "the #1 priority" moved on line 8, from column 36 to column 38'
    down = CitationMove("d-c", "the #1 priority", 3, 5, True, 1, 1)
    assert _move(down) == 'd-c: "the #1 priority" moved from line 3 to line 5'


def test_an_uncited_line_reworded_is_not_told_to_check_its_quotes() -> None:
    from briefgen.commands.diff import TRUST_FLAG, _item

    def line(text: str, cite: list[dict[str, object]]) -> dict[str, object]:
        return {"id": "line-to-take-1", "kind": "line", "fields": {"text": text}, "cite": cite}

    uncited = _item(line("We will play our full part.", []), line("We will play our part.", []))
    assert uncited is not None and uncited.flags == []
    quote = [{"source": "s", "quote": "our full part"}]
    cited = _item(line("We will play our full part.", quote), line("We lead.", quote))
    assert cited is not None and cited.flags == [TRUST_FLAG]


def test_a_quote_re_typed_with_other_quotation_marks_is_the_same_citation() -> None:
    """The matching does not tell ’ from ' (nor “ from "): the citation is the same, not
    one dropped and one added."""
    from briefgen.commands.diff import _item

    def position(quote: str) -> dict[str, object]:
        cite = [{"source": "s", "quote": quote}]
        return {"id": "p", "kind": "position", "fields": {"stance": "S."}, "cite": cite}

    assert _item(position("We can’t wait"), position("We can't wait")) is None
    moved = _item(position("We can’t wait"), position("We must wait"))
    assert moved is not None
    assert moved.cites_added == ['s: "We must wait"']
    assert moved.cites_dropped == ['s: "We can’t wait"']
