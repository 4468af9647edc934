"""The authoring loop through the CLI: init, new, sources add/list, quote, paste, check."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from briefgen.boundaries import cut_at
from briefgen.cli import printable
from briefgen.commands.quote import cite_yaml, widen
from briefgen.commands.sources import find_date, propose_id
from briefgen.errors import Report
from briefgen.load import parse_yaml
from briefgen.normalise import normalise
from conftest import MINIMAL_BRIEF, build_tree, minimal_files, run_cli

ARTICLE = (
    "Starmer: a US backstop is needed\n"
    "\n"
    "Published on 17 February 2025, London.\n"
    'Defence spending is around 2.3% of GDP, he said; it\'s "the only way: to deter" Russia.\n'
    "Spending # will rise to 100,000 troops.\n"
)


def brief_citing(cite_lines: list[str]) -> str:
    """A brief with one position whose cite: is exactly the printed lines."""
    return (
        "title: Pasted\npositions:\n  - id: pasted\n    actor: A\n    stance: S.\n"
        + "\n".join(cite_lines)
        + "\n"
    )


def printed_cite(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "cite:")
    end = start + 1
    while end < len(lines) and lines[end].startswith("      "):
        end += 1
    return lines[start:end]


# init ---------------------------------------------------------------------------------------


def test_init_makes_a_workspace_check_passes_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("init", "ws")
    assert result.exit_code == 0, result.output
    assert "next steps:" in result.stdout
    assert [line for line in result.stdout.splitlines() if line.lstrip()[:2] in ("1.", "2.", "3.")]
    ws = tmp_path / "ws"
    for name in (
        "config.yaml",
        "sources/sources.yaml",
        "templates/extra.css",
        "templates/brief.html.j2",
        ".gitignore",
        ".vscode/settings.json",
    ):
        assert (ws / name).is_file(), name
    assert (ws / "briefs").is_dir()
    assert (
        (ws / "config.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=schemas/config.schema.json\n")
    )
    assert (
        (ws / "sources/sources.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=../schemas/sources.schema.json\n")
    )
    settings_json = json.loads((ws / ".vscode/settings.json").read_text())
    for schema_file, globs in settings_json["yaml.schemas"].items():
        assert (ws / schema_file).is_file()
        assert globs
    assert "/build/" in (ws / ".gitignore").read_text()
    assert "/.briefgen-cache/" in (ws / ".gitignore").read_text()
    monkeypatch.chdir(ws)
    checked = run_cli("--strict", "check")
    assert checked.exit_code == 0, checked.output
    assert checked.stderr == ""
    assert "no briefs yet: start one with  briefgen new NAME" in checked.stdout
    (ws / "briefs" / "broken.yaml").write_text("title: [\n")
    unread = run_cli("check")  # a brief that cannot be read is not "no briefs yet"
    assert unread.exit_code == 1 and "no briefs yet" not in unread.stdout
    (ws / "briefs" / "broken.yaml").unlink()
    # the commented override builds as the built-in brief would
    run_cli("new", "b")
    assert run_cli("build", "--format", "html").exit_code == 0


def test_init_refuses_to_overwrite_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.yaml").write_text("title: mine\n")
    result = run_cli("init")
    assert result.exit_code == 1
    assert result.stderr.startswith("config.yaml:1:1: error: config.yaml already exists;")
    assert "--force" in result.stderr
    assert (tmp_path / "config.yaml").read_text() == "title: mine\n"
    assert not (tmp_path / "sources").exists()
    forced = run_cli("init", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert (tmp_path / "config.yaml").read_text() == "title: mine\n"  # kept
    assert "kept as they were: config.yaml" in forced.stdout
    assert forced.stdout.startswith("completed the briefgen workspace in .: added ")
    assert (tmp_path / "sources" / "sources.yaml").is_file()  # the missing ones written


def test_init_in_a_workspace_says_so_and_force_keeps_its_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init").exit_code == 0
    catalogue = tmp_path / "sources" / "sources.yaml"
    catalogue.write_text("- id: a\n  file: a.txt\n  publisher: P\n  title: T\n")
    (tmp_path / "templates" / "extra.css").write_text("h1 { color: red; }\n")
    schema = tmp_path / "schemas" / "brief.schema.json"
    schema.write_text("{}")
    again = run_cli("init")
    assert again.exit_code == 1
    assert again.stderr.startswith(
        "config.yaml:1:1: error: this folder is already a briefgen workspace"
    )
    assert len(again.stderr.splitlines()) == 1
    forced = run_cli("init", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert catalogue.read_text().startswith("- id: a\n")
    assert (tmp_path / "templates" / "extra.css").read_text() == "h1 { color: red; }\n"
    assert schema.read_text() != "{}"  # the editor schemas are made anew
    assert forced.stdout.startswith("the briefgen workspace in . had every file; its schemas")
    assert "sources/sources.yaml" in forced.stdout


def test_init_on_a_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f").write_text("x")
    result = run_cli("init", "f")
    assert result.exit_code == 1
    assert "is a file, not a folder" in result.stderr


# new ----------------------------------------------------------------------------------------


def test_new_writes_a_brief_that_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_cli("init")
    title = 'Ukraine: what\'s next? #1 - "soon"'
    result = run_cli("new", "ukraine-update", "--title", title, "--meeting-date", "2025-03")
    assert result.exit_code == 0, result.output
    path = tmp_path / "briefs/ukraine-update.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/brief.schema.json\n")
    for section in (
        "title:",
        "meeting:",
        "summary:",
        "positions:",
        "proposals:",
        "figures:",
        "# subtitle:",
        "# audience:",
    ):
        assert section in text
    assert yaml.safe_load(text)["title"] == title
    assert yaml.safe_load(text)["meeting"]["date"] == "2025-03"
    checked = run_cli("check")
    assert checked.exit_code == 0, checked.output
    assert checked.stderr == (
        'briefs/ukraine-update.yaml:17:10: warning: summary still says "Write the key messages '
        'here.", as briefgen new wrote it; write the key messages the reader should take away\n'
    )
    assert run_cli("check", "--strict").exit_code == 1  # not ready to send
    again = run_cli("new", "ukraine-update")
    assert again.exit_code == 1
    assert "already exists" in again.stderr
    assert path.read_text() == text
    path.write_text(text.replace("Write the key messages here.", "Talks resume on Monday."))
    assert run_cli("check", "--strict").exit_code == 0, run_cli("check").output


@pytest.mark.parametrize(
    "args",
    [
        ["new", "bad name"],
        ["new", "x", "--meeting-date", "2025-13-01"],
        ["new", "x", "--meeting-date", "soon"],
    ],
)
def test_new_bad_values_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    run_cli("init")
    result = run_cli(*args)
    assert result.exit_code == 2
    assert list((tmp_path / "briefs").iterdir()) == []


def test_new_in_a_workspace_without_schemas_writes_them(workspace: Path) -> None:
    result = run_cli("new", "second")
    assert result.exit_code == 0
    assert (workspace / "schemas/brief.schema.json").is_file()


# sources add / list ---------------------------------------------------------------------------


def test_sources_add_appends_and_keeps_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = build_tree(tmp_path / "ws", minimal_files())
    catalogue = ws / "sources/sources.yaml"
    old = b"# my comments stay\n" + catalogue.read_bytes().rstrip(b"\n") + b"  # no final newline"
    catalogue.write_bytes(old)
    article = tmp_path / "article.txt"
    article.write_bytes(ARTICLE.replace("\n", "\r\n").encode())
    monkeypatch.chdir(ws)
    result = run_cli(
        "sources", "add", str(article), "--publisher", "BBC News", "--url", "https://bbc.co.uk/x"
    )
    assert result.exit_code == 0, result.output
    new = catalogue.read_bytes()
    assert new.startswith(old)
    assert (ws / "sources/article.txt").read_bytes() == article.read_bytes()
    entry = yaml.safe_load(new)[-1]
    assert entry == {
        "id": "starmer-a-us-backstop-is",
        "file": "article.txt",
        "publisher": "BBC News",
        "title": "Starmer: a US backstop is needed",
        "published": __import__("datetime").date(2025, 2, 17),
        "url": "https://bbc.co.uk/x",
    }
    checked = run_cli("check")
    assert checked.exit_code == 0, checked.output
    assert 'source "starmer-a-us-backstop-is" is cited by no brief' in checked.stderr
    listing = run_cli("sources", "list")
    assert listing.exit_code == 0
    rows = listing.stdout.splitlines()
    assert rows[0].split()[:3] == ["id", "publisher", "published"]
    news = next(r for r in rows if r.startswith("news "))
    assert news.split()[-1] == "2" and "2025-03-01" in news
    added = next(r for r in rows if r.startswith("starmer-a-us-backstop-is"))
    assert added.endswith("0  (uncited)")


def test_sources_add_in_place_and_twice(workspace: Path) -> None:
    (workspace / "sources/in-place.txt").write_text("Already here.\n")
    result = run_cli("sources", "add", "sources/in-place.txt", "--id", "here", "--publisher", "P")
    assert result.exit_code == 0, result.output
    assert "found sources/in-place.txt" in result.stdout
    again = run_cli("sources", "add", "sources/in-place.txt")
    assert again.exit_code == 1
    assert 'same content as source "here"' in again.stderr


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"caf\xe9\n", [], "not valid UTF-8"),
        (b"a\x00b\n", [], "NUL byte"),
        (
            "The minister said the plan would cost “£2.5 billion” over five years.\nCritics called it “too little, too late” — and said so loudly.\n".encode(),
            [],
            'same content as source "news"',
        ),
        (
            b"New text.\n",
            ["--id", "news"],
            '--id "news" is the id of a source catalogued already at sources/sources.yaml:1:3; '
            "give another id",
        ),
        # an option that cannot be used: a usage error (2) naming it, with an example
        (b"New text.\n", ["--id", "bad id"], 'may use only letters, digits, "-" and "_"; '
         "write, for example,  --id bad-id"),
        (b"New text.\n", ["--url", "javascript:alert(1)"], '--url "javascript:alert(1)" is '
         "not a web address; give one starting with https:// or http://"),
    ],
)  # fmt: skip
def test_sources_add_refusals_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, args: list[str], message: str
) -> None:
    ws = build_tree(tmp_path / "ws", minimal_files())
    before = {p: p.read_bytes() for p in (ws / "sources").iterdir()}
    doc = tmp_path / "doc.txt"
    doc.write_bytes(content)
    monkeypatch.chdir(ws)
    result = run_cli("sources", "add", str(doc), "--publisher", "P", *args)
    usage = "--id bad-id" in message or "--url" in message  # an option that cannot be used
    assert result.exit_code == (2 if usage else 1), result.output
    assert message in result.stderr
    assert {p: p.read_bytes() for p in (ws / "sources").iterdir()} == before


def test_sources_add_refuses_links_and_oversize(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = build_tree(tmp_path / "ws", minimal_files(config_yaml="limits:\n  max_source_bytes: 10\n"))
    (tmp_path / "real.txt").write_text("Some text.\n")
    os.symlink(tmp_path / "real.txt", tmp_path / "link.txt")
    (tmp_path / "big.txt").write_text("x" * 50 + "\n")
    monkeypatch.chdir(ws)
    result = run_cli("sources", "add", str(tmp_path / "link.txt"), str(tmp_path / "big.txt"))
    assert result.exit_code == 1
    assert "is a link" in result.stderr
    assert "over the limit of 10" in result.stderr
    assert sorted(p.name for p in (ws / "sources").iterdir()) == ["news.txt", "sources.yaml"]


def test_sources_add_into_a_new_workspace_then_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run_cli("init")
    (tmp_path / "one.txt").write_text("First document\nIt was written on March 3, 2025.\n")
    (tmp_path / "two.txt").write_text("\n\n# Second document\nNo date here.\n")
    result = run_cli("sources", "add", "one.txt", "two.txt")
    assert result.exit_code == 0, result.output
    entries = yaml.safe_load((tmp_path / "sources/sources.yaml").read_text())
    assert [e["id"] for e in entries] == ["first-document", "second-document"]
    assert str(entries[0]["published"]) == "2025-03-03"
    assert "published" not in entries[1]
    assert entries[0]["publisher"] == "Unknown publisher"
    assert run_cli("check").exit_code == 0


def test_sources_add_refuses_two_files_of_one_name_and_the_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = build_tree(tmp_path / "ws", minimal_files())
    for sub in ("a", "b"):
        build_tree(tmp_path / sub, {"doc.txt": f"Document {sub}.\n"})
    before = (ws / "sources/sources.yaml").read_bytes()
    monkeypatch.chdir(ws)
    result = run_cli("sources", "add", str(tmp_path / "a/doc.txt"), str(tmp_path / "b/doc.txt"))
    assert result.exit_code == 1
    assert "also named doc.txt" in result.stderr
    itself = run_cli("sources", "add", "sources/sources.yaml")
    assert itself.exit_code == 1
    assert "is the catalogue itself" in itself.stderr
    assert (ws / "sources/sources.yaml").read_bytes() == before
    assert not (ws / "sources/doc.txt").exists()


def test_sources_add_refuses_a_catalogue_it_cannot_read(workspace: Path) -> None:
    catalogue = workspace / "sources/sources.yaml"
    catalogue.write_text(catalogue.read_text() + "  bad: [\n")
    before = catalogue.read_bytes()
    (workspace / "doc.txt").write_text("Doc.\n")
    result = run_cli("sources", "add", "doc.txt")
    assert result.exit_code == 1
    assert "YAML syntax error" in result.stderr and "fix the problems above first" in result.stderr
    assert catalogue.read_bytes() == before


def test_init_refuses_folders_that_are_links_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "ws" / "templates")
    monkeypatch.chdir(tmp_path)
    result = run_cli("init", "ws")
    assert result.exit_code == 1
    assert "templates/ leads outside ws (it is a link)" in result.stderr
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert not (tmp_path / "ws" / "config.yaml").exists()


def test_sources_add_several_files_with_one_id_is_a_usage_error(workspace: Path) -> None:
    assert run_cli("sources", "add", "a.txt", "b.txt", "--id", "x").exit_code == 2


def test_proposed_ids_and_dates() -> None:
    assert propose_id("Élysée talks: what next?", "f", set()) == "elysee-talks-what-next"
    assert propose_id("Élysée talks", "f", {"elysee-talks"}) == "elysee-talks-2"
    assert propose_id("!!!", "001_abc", set()) == "001-abc"
    long = "Macron proposes European reassurance force for Ukraine"
    assert propose_id(long, "f", set()) == "macron-proposes-european-reassurance"  # whole words
    assert find_date("Updated 2025-02-30 and then 5th Feb. 2024") == "2024-02-05"
    assert find_date("no date") is None


# quote --------------------------------------------------------------------------------------


@pytest.fixture
def article_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    ws = build_tree(tmp_path / "ws", minimal_files())
    (ws / "article.txt").write_text(ARTICLE)
    monkeypatch.chdir(ws)
    assert (
        run_cli("sources", "add", "article.txt", "--id", "art", "--publisher", "P").exit_code == 0
    )
    return ws


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("spending is around 2", "spending is around 2.3%"),
        ("it's \"the only way: to", "it's \"the only way: to"),
        ('only way: to deter" Russ', 'only way: to deter" Russia'),
        ("Spending # will rise to 100", "Spending # will rise to 100,000"),
        ("armer: a US back", "Starmer: a US backstop"),
    ],
)
def test_quote_prints_a_cite_that_check_verifies(
    article_ws: Path, words: str, expected: str
) -> None:
    result = run_cli("quote", "art", *words.split(" "))
    assert result.exit_code == 0, result.output
    lines = printed_cite(result.stdout)
    entry = yaml.safe_load("\n".join(lines))["cite"][0]
    assert entry["source"] == "art"
    assert expected in entry["quote"]
    (article_ws / "briefs/pasted.yaml").write_text(brief_citing(lines))
    checked = run_cli("check", "pasted")
    assert checked.exit_code == 0, checked.output
    assert "1 of 1 citations verified" in checked.stdout


def test_quote_by_file_name_and_line_context(article_ws: Path) -> None:
    result = run_cli("quote", "article.txt", "GDP")
    assert result.exit_code == 0
    assert result.stdout.startswith("art (article.txt), line 4, column ")
    assert "«GDP»" in result.stdout


def test_quote_every_hit_and_all_sources(article_ws: Path) -> None:
    (article_ws / "other.txt").write_text(
        "Critics said the plan was late.\nLater, the plan was late again.\n"
    )
    run_cli("sources", "add", "other.txt", "--id", "other", "--publisher", "P")
    result = run_cli("quote", "--all-sources", "the", "plan")
    assert result.exit_code == 0
    assert "news (news.txt), line 1" in result.stdout
    assert "other (other.txt), line 1" in result.stdout
    assert "other (other.txt), line 2" in result.stdout
    assert "the same words stand first at line 1" in result.stdout
    assert result.stdout.rstrip().endswith("3 hits in 2 sources")


def test_quote_offers_no_cite_entry_check_would_refuse_as_too_short(article_ws: Path) -> None:
    result = run_cli("quote", "art", "GDP")  # a search for where a word stands
    assert result.exit_code == 0
    assert "«GDP»" in result.stdout and "    cite:\n" not in result.stdout
    assert 'no cite: entry: quote "GDP" has 1 word, too few to identify a passage; quote at ' in (
        result.stdout
    )
    longer = run_cli("quote", "art", "of", "GDP")
    assert "    cite:\n" not in longer.stdout and "has 2 words" in longer.stdout


def test_quote_not_found_shows_nearest_and_exits_1(article_ws: Path) -> None:
    result = run_cli("quote", "art", "defence", "spending", "is", "about", "2.3%")
    assert result.exit_code == 1
    assert 'the words are not in "art"' in result.stderr
    assert result.stdout.startswith("art, line 4 (")
    assert "% alike)" in result.stdout


def test_quote_of_words_across_a_paragraph_break_says_so_as_check_does(article_ws: Path) -> None:
    """The words stand in the source over a blank line: not "not in the source" with the
    very words shown "100% alike"."""
    result = run_cli("quote", "art", "a US backstop is needed Published on 17 February")
    assert result.exit_code == 1
    assert result.stderr == (
        'briefgen: error: the words run from one paragraph of "art" into the next (line 1 to '
        "line 3); a quote stands within one: quote each part on its own\n"
    )


def test_quote_unknown_source(article_ws: Path) -> None:
    result = run_cli("quote", "artt", "GDP")
    assert result.exit_code == 2  # a name on the command line that names nothing
    assert 'no source "artt"' in result.stderr and '(did you mean "art"?)' in result.stderr
    assert run_cli("quote", "art").exit_code == 2


def test_quote_source_the_catalogue_could_not_list_is_a_data_error(article_ws: Path) -> None:
    catalogue = article_ws / "sources" / "sources.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + "- id: [bad\n", encoding="utf-8")
    result = run_cli("quote", "art", "GDP")
    assert result.exit_code == 1  # the catalogue's own error, then the name it left unlisted
    assert "sources.yaml:" in result.stderr and 'no source "art"' in result.stderr


@given(
    # controls and bidi overrides are refused in any YAML value, so quote never meets them
    st.text(
        st.characters(
            blacklist_categories=("Cs", "Cc"),
            blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
        ),
        min_size=1,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
@settings(max_examples=300, deadline=None)
def test_printed_cite_round_trips_through_the_brief_loader(words: str) -> None:
    lines = cite_yaml("src", words)
    report = Report()
    node = parse_yaml(brief_citing(lines), Path("b.yaml"), report)
    assert not report.errors, report.problems
    parsed = yaml.safe_load(brief_citing(lines))
    assert parsed["positions"][0]["cite"][0] == {"source": "src", "quote": words}
    assert node is not None
    assert all(printable(line) == line for line in lines)  # the CLI prints them unchanged


def test_invisible_characters_are_printed_as_escapes() -> None:
    lines = cite_yaml("src", "left\u200eright\u00a0done")
    assert all(line.isascii() and printable(line) == line for line in lines)
    assert yaml.safe_load("\n".join(lines))["cite"][0]["quote"] == "left\u200eright\u00a0done"


@given(st.text(alphabet="ab1.,%'- \u00a0", min_size=1), st.data())
def test_widen_never_cuts_a_word_or_number(text: str, data: st.DataObject) -> None:
    form = normalise(text)
    assume(form.text)
    start = data.draw(st.integers(0, len(form.text) - 1))
    end = data.draw(st.integers(start + 1, len(form.text)))
    s, e = widen(form, text, start, end)
    assert s <= start and e >= end
    assert cut_at(form, text, s, e) is None  # the boundaries check holds a quote to


def test_minimal_brief_unchanged() -> None:
    assert "quote:" in MINIMAL_BRIEF


def test_sources_add_bad_date_is_a_usage_error(workspace: Path) -> None:
    (workspace / "doc.txt").write_text("Doc.\n")
    result = run_cli("sources", "add", "doc.txt", "--published", "17/02/2025")
    assert result.exit_code == 2
    assert "is not a date" in result.stderr
    assert not (workspace / "sources/doc.txt").exists()


def test_sources_add_takes_date_for_published(workspace: Path) -> None:
    (workspace / "doc.txt").write_text("Doc.\n")
    result = run_cli("sources", "add", "doc.txt", "--publisher", "P", "--date", "2025-02")
    assert result.exit_code == 0, result.stderr
    assert "published: 2025-02\n" in (workspace / "sources/sources.yaml").read_text()


def test_sources_add_takes_no_published_date_after_today(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741046400")  # 2025-03-04: "today"
    (workspace / "doc.txt").write_text("Targets\nBy 1 January 2030 all of it; 2 March 2025.\n")
    result = run_cli("sources", "add", "doc.txt", "--published", "2025-03-05")
    assert result.exit_code == 2
    assert (
        "--published 2025-03-05 is in the future (today is 2025-03-04); give the date the "
        "document was published"
    ) in result.stderr
    assert not (workspace / "sources/doc.txt").exists()
    # in the text, the date ahead is a target: the first one not after today is taken
    assert run_cli("sources", "add", "doc.txt", "--publisher", "P").exit_code == 0
    catalogue = (workspace / "sources/sources.yaml").read_text()
    assert "published: 2025-03-02" in catalogue
    assert run_cli("check").exit_code == 0


def test_quote_in_a_hard_wrapped_source_gives_words_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = minimal_files()
    files["sources/wrapped.txt"] = (
        "The talks were con-\nstructive, said the “minister’s”\r\nspokes-\n  woman.\n"
    )
    files["sources/sources.yaml"] = (
        str(files["sources/sources.yaml"])
        + "- id: wrapped\n  file: wrapped.txt\n  publisher: P\n  title: T\n"
    )
    ws = build_tree(tmp_path, files)
    monkeypatch.chdir(ws)
    result = run_cli("quote", "wrapped", 'constructive, said the "minister\'s" spokeswom')
    assert result.exit_code == 0, result.output
    lines = printed_cite(result.stdout)
    assert (
        yaml.safe_load("\n".join(lines))["cite"][0]["quote"]
        == "constructive, said the “minister’s” spokeswoman"
    )
    assert "line 1, column 16:" in result.stdout
    (ws / "briefs/pasted.yaml").write_text(brief_citing(lines))
    checked = run_cli("check", "pasted")
    assert checked.exit_code == 0, checked.output


def test_quote_all_sources_ignores_a_broken_entry_elsewhere(workspace: Path) -> None:
    catalogue = workspace / "sources/sources.yaml"
    catalogue.write_text(catalogue.read_text() + "- id: broken\n  file: missing.txt\n")
    result = run_cli("quote", "--all-sources", "five", "years")
    assert result.exit_code == 0, result.output
    assert "news (news.txt), line 1" in result.stdout


@pytest.mark.parametrize(
    "catalogue",
    [
        "sources:\n  - id: news\n    file: news.txt\n    publisher: Example News\n    title: Plan\n",
        "sources:\n- id: news\n  file: news.txt\n  publisher: Example News\n  title: Plan\n",
        "  - id: news\n    file: news.txt\n    publisher: Example News\n    title: Plan\n",
    ],
)
def test_sources_add_follows_the_catalogue_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalogue: str
) -> None:
    files = minimal_files(sources__sources_yaml=catalogue.encode())  # bytes: kept undedented
    ws = build_tree(tmp_path, files)
    (ws / "doc.txt").write_text("A document\n")
    monkeypatch.chdir(ws)
    result = run_cli("sources", "add", "doc.txt", "--publisher", "P")
    assert result.exit_code == 0, result.output
    text = (ws / "sources/sources.yaml").read_text()
    assert text.startswith(catalogue)
    checked = run_cli("check")
    assert checked.exit_code == 0, checked.output
    assert 'source "a-document" is cited by no brief' in checked.stderr


def test_sources_add_refuses_a_flow_style_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = minimal_files(sources__sources_yaml="[]\n", briefs__test_yaml="title: T\n")
    ws = build_tree(tmp_path, files)
    (ws / "doc.txt").write_text("A document\n")
    monkeypatch.chdir(ws)
    result = run_cli("sources", "add", "doc.txt")
    assert result.exit_code == 1
    assert "block style" in result.stderr
    assert (ws / "sources/sources.yaml").read_text() == "[]\n"


def test_sources_add_creates_a_missing_catalogue_with_its_modeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = build_tree(tmp_path, {"config.yaml": "title: T\n", "briefs/b.yaml": "title: B\n"})
    (ws / "doc.txt").write_text("A document\n")
    monkeypatch.chdir(ws)
    result = run_cli("sources", "add", "doc.txt", "--publisher", "P")
    assert result.exit_code == 0, result.output
    text = (ws / "sources/sources.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/sources.schema.json\n")
    assert run_cli("check").exit_code == 0


def test_quote_words_after_double_dash_may_start_with_a_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = minimal_files()
    files["sources/growth.txt"] = "Output fell by -2.5% in March.\n"
    files["sources/sources.yaml"] = (
        str(files["sources/sources.yaml"])
        + "- id: growth\n  file: growth.txt\n  publisher: P\n  title: T\n"
    )
    ws = build_tree(tmp_path, files)
    monkeypatch.chdir(ws)
    result = run_cli("quote", "growth", "--", "-2.5%", "in", "March")
    assert result.exit_code == 0, result.output
    lines = printed_cite(result.stdout)
    assert yaml.safe_load("\n".join(lines))["cite"][0]["quote"] == "-2.5% in March"
    (ws / "briefs/pasted.yaml").write_text(brief_citing(lines))
    assert run_cli("check", "pasted").exit_code == 0


def test_sources_list_on_a_new_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_cli("init")
    result = run_cli("sources", "list")
    assert result.exit_code == 0
    assert "no sources yet" in result.stdout


def test_two_sources_added_at_once_are_both_catalogued(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second `sources add` waits for the first and appends to the catalogue it wrote,
    rather than both appending to the catalogue as it was and one entry being lost."""
    import threading
    import time

    from briefgen.commands import sources

    writing = sources.write_file

    def slow_write(path: Path, data: bytes) -> None:
        time.sleep(0.3)  # the other add reads the catalogue meanwhile, if it is let in
        writing(path, data)

    monkeypatch.setattr(sources, "write_file", slow_write)
    docs = []
    for name in ("first", "second"):
        docs.append(tmp_path / f"{name}.txt")
        docs[-1].write_text(f"The {name} document, with words of its own.\n")
    config = workspace / "config.yaml"
    outcomes: list[int] = []

    def add(doc: Path) -> None:
        outcome = sources.add(config, (doc,), sources.Given(id=doc.stem, publisher="P"))
        outcomes.append(len(outcome.report.errors))

    threads = [threading.Thread(target=add, args=(doc,)) for doc in docs]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == [0, 0]
    catalogue = yaml.safe_load((workspace / "sources" / "sources.yaml").read_text())
    assert {"first", "second"} <= {entry["id"] for entry in catalogue}
    assert run_cli("check").exit_code == 0


@pytest.mark.parametrize("command", ["new", "init"])
def test_a_file_made_after_new_or_init_looked_is_not_written_over(
    command: str, workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between looking for the file and writing it, another program may make it: it is kept
    and reported, not replaced (only --force replaces)."""
    import importlib

    module = importlib.import_module(f"briefgen.commands.{command}")
    target = (
        workspace / "briefs" / "fresh.yaml" if command == "new" else tmp_path / "w" / "config.yaml"
    )
    looked = module.refuse_existing

    def then_made(paths: list[Path], force: bool, report: Report, hint: str) -> None:
        looked(paths, force, report, hint)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("# theirs\n")

    monkeypatch.setattr(module, "refuse_existing", then_made)
    args = ["new", "fresh"] if command == "new" else ["init", str(tmp_path / "w")]
    result = run_cli(*args)
    assert result.exit_code == 1, result.output
    assert f"{target.name} already exists" in result.stderr
    assert target.read_text() == "# theirs\n"
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".briefgen-")]


def test_new_writes_its_brief_where_files_cannot_be_hard_linked(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FAT disk or some network shares have no hard links: the brief is created
    exclusively instead, and still never over a file that is there."""
    import errno

    def no_links(*args: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    result = run_cli("new", "fresh")
    assert result.exit_code == 0, result.stderr
    assert (workspace / "briefs" / "fresh.yaml").read_text().startswith("# yaml-language-server")
    assert not [p for p in (workspace / "briefs").iterdir() if p.name.startswith(".briefgen-")]
    assert run_cli("new", "fresh").exit_code == 1


def test_quote_keeps_a_line_end_hyphen_the_words_typed_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = minimal_files()
    files["sources/fg.txt"] = "the Franco-\nGerman proposal was shelved by mid-\n2026 each ally.\n"
    files["sources/sources.yaml"] = (
        str(files["sources/sources.yaml"])
        + "- id: fg\n  file: fg.txt\n  publisher: P\n  title: T\n"
    )
    monkeypatch.chdir(build_tree(tmp_path, files))
    for typed in ("the Franco-German proposal was", "by mid-2026 each ally"):
        result = run_cli("quote", "fg", typed)
        assert f"quote: {typed}" in result.stdout, result.stdout


def test_quote_shows_whole_words_where_they_stand_so(workspace: Path) -> None:
    (workspace / "sources" / "news.txt").write_text("The others said the talks would go on.\n")
    result = run_cli("quote", "news", "the")
    assert "«others»" not in result.stdout
    assert result.stdout.count("«") == 2  # "The" and "the"


def test_quote_names_the_differences_and_the_quotation_marks_the_shell_took(
    workspace: Path,
) -> None:
    (workspace / "sources" / "news.txt").write_text('He said the UK "cannot wait" for others.\n')
    result = run_cli("quote", "news", "said", "the", "UK", "cannot", "wait", "for", "others")
    assert result.exit_code == 1
    assert 'the source has a quotation mark (") after "UK"' in result.stdout
    assert "put the words in single quotes" in result.stdout


def test_sources_list_counts_the_citations_of_lines_to_take(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief = (
        "title: Lines only\nas_of: 2025-03-05\nlines_to_take:\n  - text: It is affordable.\n"
        "    cite:\n      - source: news\n        quote: over five years\n"
    )
    root = build_tree(tmp_path / "ws", minimal_files(briefs__test_yaml=brief))
    monkeypatch.chdir(root)
    assert run_cli("check").exit_code == 0
    rows = run_cli("sources", "list").stdout.splitlines()
    news = next(r for r in rows if r.startswith("news "))
    assert news.split()[-1] == "1", rows  # as check counts it, not "(uncited)"


def test_init_inside_another_workspace_s_briefs_folder_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "outer").exit_code == 0
    monkeypatch.chdir(tmp_path / "outer" / "briefs")
    nested = run_cli("init", "nested")
    assert nested.exit_code == 0  # made, as asked
    assert nested.stderr == (
        "briefgen: warning: nested is inside the briefs/ folder of another workspace (../), "
        "which reads none of it as a workspace (briefs in a folder below briefs/ are not "
        "read); if you meant a workspace of its own, make it in a folder outside that one\n"
    )
    monkeypatch.chdir(tmp_path / "outer")
    assert run_cli("init", "projects/own").stderr == ""  # beside the input folders: fine
