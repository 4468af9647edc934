"""Citation trust through the command line: near misses refused, typing variants accepted.

Every case is its own workspace holding the sample sources and a one-item brief, run
through `briefgen check` as a user would.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.matching import SourceText, find_quote
from conftest import ROOT, run_cli

BBC, MAIL, PREVIEW = "bbc-paris-talks", "daily-mail-aid-pause", "starmer-summit-preview"


SIGNED = (
    "Growth was −5% last year, the figures show. Output fell by 1.2bn units.\n"
    "A 12-month plan was agreed. Some 1,200 troops were sent.\n"
    "The talks began at 10:30 sharp, and the envoys said they didn’t agree.\n"
)


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(ROOT / "sources", root / "sources")
    (root / "sources" / "signed.txt").write_text(SIGNED, encoding="utf-8")
    with (root / "sources" / "sources.yaml").open("a", encoding="utf-8") as catalogue:
        catalogue.write("\n- id: signed\n  file: signed.txt\n  publisher: P\n  title: T\n")
    (root / "briefs").mkdir()
    (root / "config.yaml").write_text("organisation: Test\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def position(source: str, quote: str, as_of: str = "2025-02-17") -> str:
    return (
        "title: Trust\nas_of: 2025-03-05\npositions:\n  - id: p1\n    actor: A\n"
        f"    stance: B.\n    as_of: {as_of}\n    cite:\n      - source: {source}\n"
        f"        quote: {q(quote)}\n"
    )


def figure(value: str, unit: str | None, quote: str, derived: str | None = None) -> str:
    lines = [
        "title: Trust",
        "as_of: 2025-03-05",
        "figures:",
        "  - id: f1",
        "    label: A figure",
        f"    value: {q(value)}",
    ]
    if unit is not None:
        lines.append(f"    unit: {q(unit)}")
    if derived is not None:
        lines.append(f"    derived: {q(derived)}")
    lines += ["    cite:", f"      - source: {BBC if 'ReArm' not in quote else MAIL}"]
    lines.append(f"        quote: {q(quote)}")
    return "\n".join(lines) + "\n"


def check(root: Path, brief: str, *args: str) -> tuple[int, str]:
    (root / "briefs" / "b.yaml").write_text(brief, encoding="utf-8")
    result = run_cli("check", *args)
    lines = [line for line in result.stderr.splitlines() if "is cited by no brief" not in line]
    return result.exit_code, " | ".join(lines)


# --- quotes cut inside a word or a number ------------------------------------------------

CUT = [
    (
        BBC,
        "The UK currently spends around 2",
        'quote ends inside "2.3%" (line 37); extend it to the whole number',
    ),
    (
        BBC,
        "such a force would need around 100",
        'quote ends inside "100,000" (line 33); extend it to the whole number',
    ),
    (
        BBC,
        "3% of its total economic output",
        'quote begins inside "2.3%" (line 37); extend it to the whole number',
    ),
    (BBC, "We just haven", 'quote ends inside "haven’t" (line 35); extend it to the whole word'),
    (BBC, "increasing defence spending to 2.5", 'quote ends inside "2.5%"'),
    (BBC, "increasing defence spending to 2.", 'quote ends inside "2.5%"'),
    (BBC, "000 troops – with the UK", 'quote begins inside "100,000"'),
    (BBC, "with the UK contributing about two", 'quote ends inside "two-fifths"'),
    (BBC, "fifths of the troops", "not found"),  # not in the source at all
    (BBC, "The UK currently spends around 2.3% of its total economic outp", 'ends inside "output"'),
    (BBC, "K currently spends around", 'begins inside "UK"'),
    (BBC, "ir Keir said Europe would", 'begins inside "Sir"'),
    (BBC, "already signalled their agreement with this. The EU", 'ends inside "EU’s"'),
    (BBC, "You need credible, well", 'ends inside "well-armed"'),
    (BBC, "armed forces – and you not only need", 'begins inside "well-armed"'),
    (
        MAIL,
        "proposed a £660 billion ‘ReArm Europe’ plan to strengthen the continent",
        'ends inside "continent’s"',
    ),
    (MAIL, "proposed a £66", 'ends inside "660"'),
    (
        MAIL,
        "attend a meeting with European leaders during a summit on Ukraine at Lancaster House in London, Britain, 02 March 20",
        'ends inside "2025"',
    ),
    (
        BBC,
        "the prime minister repeated that he would consider deploying UK troop",
        'ends inside "troops"',
    ),
    ("signed", "5% last year, the figures show", 'quote begins inside "−5%"'),
    ("signed", "output fell by 1.2", 'quote ends inside "1.2bn"'),
    ("signed", "a 12 month plan", "not found"),
    ("signed", "month plan was agreed", 'quote begins inside "12-month"'),
    ("signed", "200 troops were sent", 'quote begins inside "1,200"'),
    ("signed", "talks began at 10 sharp", "not found"),
    ("signed", "talks began at 10", 'quote ends inside "10:30"'),
    ("signed", "They didn agree", "not found"),
    ("signed", "said they didn", 'quote ends inside "didn’t"'),
]


@pytest.mark.parametrize(("source", "quote", "message"), CUT, ids=[c[1][:30] for c in CUT])
def test_a_quote_cut_inside_a_word_or_number_is_refused(
    ws: Path, source: str, quote: str, message: str
) -> None:
    code, err = check(ws, position(source, quote))
    assert code == 1, err
    assert message in err


# --- typing variants that must still be accepted ----------------------------------------

ACCEPTED = [
    (BBC, 'Sir Keir said Europe would "have to do more" to defend the continent'),
    (BBC, "Sir Keir said Europe would “have to do more” to defend the continent"),
    (BBC, "“a US security guarantee was the only way to effectively deter Russia”"),
    (BBC, "The EU's foreign policy chief"),
    (BBC, "The EU’s foreign policy chief"),
    (BBC, "The EUʼs foreign policy chief"),  # U+02BC modifier letter apostrophe
    (BBC, "The EUʻs foreign policy chief"),  # U+02BB
    (BBC, "The EU`s foreign policy chief"),
    (BBC, "The EU´s foreign policy chief"),
    (BBC, "The EU′s foreign policy chief"),  # U+2032 prime
    (BBC, "around 100,000 troops - with the UK contributing about two-fifths"),
    (BBC, "around 100,000 troops — with the UK contributing about two‐fifths"),
    (BBC, "around 100,000 troops -- with the UK contributing about two‑fifths"),
    (BBC, "around 100,000 troops – with the UK contributing about two-fifths."),
    (BBC, "The UK currently\nspends around 2.3%"),
    (BBC, "The UK currently\u00a0spends around  2.3% of its"),
    (BBC, "THE UK CURRENTLY SPENDS AROUND 2.3%"),
    (BBC, "such a force would need around 100,000 troops"),
    (BBC, "We just haven't got that number available"),
    (BBC, "We just haven’t got that number available"),
    (BBC, "European leaders convened at the E\u0301lyse\u0301e Palace"),
    (BBC, "European leaders convened at the Elysee Palace".replace("Elysee", "Élysée")),
    (BBC, "we need to spend more, that is clear"),
    (BBC, "to spend more, that is clear”."),
    (BBC, "You need credible, well-armed forces"),
    (BBC, "credible, well-armed forces – and you not only need frontline forces"),
    (MAIL, "Oval Office bust-up with President Trump as ‘regrettable’."),
    (MAIL, "bust-up with President Trump as 'regrettable'"),
    (MAIL, 'bust-up with President Trump as "regrettable"'),
    (MAIL, "bust-up with President Trump as “regrettable”"),
    (BBC, "Sir Keir said Europe would ‘have to do more’ to defend the continent"),
    (MAIL, "a £660 billion ‘ReArm Europe’ plan"),
    (MAIL, "Ministers were braced for further for further chaos overnight"),
    (MAIL, "withdrawing troops from Europe."),
    (MAIL, "Britain, 02 March 2025"),
    (PREVIEW, "security summit in London on March 2"),
    ("signed", "Growth was −5% last year"),
    ("signed", "Growth was -5% last year"),
    ("signed", "Output fell by 1.2bn units."),
    ("signed", "A 12‑month plan was agreed"),
    ("signed", "Some 1,200 troops were sent"),
    ("signed", "began at 10:30 sharp"),
    ("signed", "the envoys said they didn't agree"),
]


@pytest.mark.parametrize(("source", "quote"), ACCEPTED, ids=[c[1][:30] for c in ACCEPTED])
def test_a_typing_variant_of_the_source_words_is_accepted(
    ws: Path, source: str, quote: str
) -> None:
    code, err = check(ws, position(source, quote))
    assert (code, err) == (0, "")


def test_a_word_broken_at_a_line_end_joins_with_any_hyphen(ws: Path) -> None:
    for hyphen in ("-", "\u00ad", "\u2010", "\u2011"):
        (ws / "sources" / "wrapped.txt").write_text(
            f"Europe faces a generational secu{hyphen}\nrity challenge, he said.\n",
            encoding="utf-8",
        )
        catalogue = ROOT / "sources" / "sources.yaml"
        (ws / "sources" / "sources.yaml").write_text(
            catalogue.read_text(encoding="utf-8")
            + "\n- id: wrapped\n  file: wrapped.txt\n  publisher: P\n  title: T\n  published: 2025-02-01\n",
            encoding="utf-8",
        )
        code, err = check(ws, position("wrapped", "a generational security challenge"))
        assert code == 0, (hyphen, err)


# --- quotes too short, wrong words, stitched quotes ---------------------------------------

SHORT = [
    ("the", "has 1 word, too few to identify a passage; quote at least 3 words"),
    ("a", "has 1 word"),
    ("2.3%", "has 1 word"),
    ("UK troops", "has 2 words"),
    ("two-fifths", "has 1 word"),
    ("–", "quote has no letters or digits, so it identifies nothing"),
    ("“ ” …", "no letters or digits"),
]


@pytest.mark.parametrize(("quote", "message"), SHORT, ids=[s[0] for s in SHORT])
def test_a_quote_too_short_to_identify_a_passage_is_an_error(
    ws: Path, quote: str, message: str
) -> None:
    code, err = check(ws, position(BBC, quote))
    assert code == 1
    assert message in err


WRONG = [
    (
        "a US security guarantee was the best way to effectively deter Russia",
        'you wrote "best", the source has "only"',
    ),
    ("told the BBC earlier this week that", 'you wrote "week", the source has "month"'),
    (
        "Sir Keir said Europe would “have to do much more” to defend the continent",
        'you wrote "much", which the source does not have there',
    ),
    (
        "a US security guarantee was only way to effectively deter Russia",
        'the source has "the" after "was"',
    ),
    (
        "The UK currently spends around 2.5% of its total economic output",
        'you wrote "2.5%", the source has "2.3%"',
    ),
]


@pytest.mark.parametrize(("quote", "message"), WRONG, ids=[w[0][:30] for w in WRONG])
def test_a_near_miss_names_the_words_that_differ(ws: Path, quote: str, message: str) -> None:
    code, err = check(ws, position(BBC, quote))
    assert code == 1
    assert "quote not found" in err
    assert message in err


def test_a_quote_stitched_from_two_places_gives_both_lines(ws: Path) -> None:
    quote = "a US security guarantee was the only way The UK currently spends around 2.3%"
    code, err = check(ws, position(BBC, quote))
    assert code == 1
    assert "it joins two separate passages" in err
    assert "(line 3)" in err and "(line 37)" in err


def test_a_quote_joined_at_a_comma_of_its_own_is_still_two_passages(ws: Path) -> None:
    quote = "would need around 100,000 troops, the only way to effectively deter Russia"
    code, err = check(ws, position(BBC, quote))
    assert code == 1
    assert "it joins two separate passages" in err
    assert '"would need around 100,000 troops," (line 33)' in " ".join(err.split())


def test_a_near_miss_in_marks_alone_names_the_mark(ws: Path) -> None:
    code, err = check(ws, position(BBC, "But he said a US security guarantee was the only way"))
    assert code == 1
    assert 'the source has a quotation mark (“) after "said"' in err
    assert "copy the words exactly" not in err


def test_a_word_broken_at_a_line_end_is_no_difference_in_a_near_miss(ws: Path) -> None:
    (ws / "sources" / "wrapped.txt").write_text(
        "The minister said the secu-\nrity situation was deteriorating rapidly, he added.\n",
        encoding="utf-8",
    )
    catalogue = (ws / "sources" / "sources.yaml").read_text(encoding="utf-8")
    (ws / "sources" / "sources.yaml").write_text(
        catalogue
        + "\n- id: wrapped\n  file: wrapped.txt\n  publisher: P\n  title: T\n"
        + "  published: 2025-02-01\n",
        encoding="utf-8",
    )
    quote = "the minister said the security situation is deteriorating rapidly"
    code, err = check(ws, position("wrapped", quote))
    assert code == 1
    assert 'you wrote "is", the source has "was"' in err
    assert "secu" not in err.split("reads:")[0]  # the one difference is "is"


def test_a_repeated_quote_is_a_warning_listing_its_lines(ws: Path) -> None:
    (ws / "sources" / "twice.txt").write_text(
        "The minister said the fund would double by next year.\n"
        "Critics doubted that the fund would double at all.\n",
        encoding="utf-8",
    )
    catalogue = (ws / "sources" / "sources.yaml").read_text(encoding="utf-8")
    (ws / "sources" / "sources.yaml").write_text(
        catalogue
        + "\n- id: twice\n  file: twice.txt\n  publisher: P\n  title: T\n  published: 2025-02-01\n",
        encoding="utf-8",
    )
    code, err = check(ws, position("twice", "the fund would double"))
    assert code == 0
    assert "warning: quote appears 2 times" in err
    assert "(lines 1, 2)" in err


def test_duplicate_source_or_quote_in_a_citation_suggests_a_new_list_item(ws: Path) -> None:
    brief = position(BBC, "The UK currently spends around 2.3%") + (
        f"        source: {BBC}\n        quote: {q('such a force would need around 100,000 troops')}\n"
    )
    code, err = check(ws, brief)
    assert code == 1
    assert "b.yaml:11:9: error: duplicate key 'source': it is also set at line 9; " in err
    assert 'begin it with "- " as a new list item' in err


# --- figures ------------------------------------------------------------------------------

SPEND = "The UK currently spends around 2.3% of its total economic output"
FORCE = "such a force would need around 100,000 troops"
SHARE = "around 100,000 troops – with the UK contributing about two-fifths"
REARM = "proposed a £660 billion ‘ReArm Europe’ plan"

FIGURES_OK = [
    ("2.3", "% of GDP", SPEND, None),
    ("2.3%", "of GDP", SPEND, None),
    ("2.3", "per cent of GDP", SPEND, None),
    ("100,000", "troops", FORCE, None),
    ("100000", "troops", FORCE, None),
    ("100 000", "troops", FORCE, None),
    ("two-fifths", "of the troops", SHARE, None),
    ("660", "£ billion", REARM, None),
    ("660", "£bn", REARM, None),
    ("£660bn", None, REARM, None),
    ("660", "billion", REARM, None),
    ("40,000", "troops", SHARE, "two-fifths of 100,000"),
]


@pytest.mark.parametrize(("value", "unit", "quote", "derived"), FIGURES_OK)
def test_a_figure_borne_out_by_its_quote_passes(
    ws: Path, value: str, unit: str | None, quote: str, derived: str | None
) -> None:
    assert check(ws, figure(value, unit, quote, derived)) == (0, "")


FIGURES_WRONG = [
    (
        "2.5",
        "% of GDP",
        SPEND,
        None,
        'value "2.5" (unit "% of GDP") is not in its quoted words (they give 2.3%)',
    ),
    ("10,000", "troops", FORCE, None, "(they give 100,000)"),
    ("3", "troops", FORCE, None, "is not in its quoted words"),
    ("two-thirds", "of the troops", SHARE, None, 'value "two-thirds" is not in its quoted words'),
    (
        "660",
        "£ million",
        REARM,
        None,
        "does not have the scale of the quote, which gives £660 billion",
    ),
    ("660", "$ billion", REARM, None, 'needs the currency "$"'),
    ("660", None, REARM, None, "does not have the scale of the quote"),
    ("-2.3", "% of GDP", SPEND, None, "is not in its quoted words"),
    (
        "2.3",
        "of GDP",
        SPEND,
        None,
        'is not a percentage, but the quote gives 2.3%; add "%" to the unit',
    ),
    ("40,000", "troops", SHARE, None, 'value "40,000" (unit "troops") is not in its quoted words'),
    (
        "40,000",
        "troops",
        SHARE,
        "two-fifths of 120,000",
        '"120,000" in derived is not in the quoted words',
    ),
    (
        "40,000",
        "troops",
        SHARE,
        "three-fifths of 100,000",
        '"three-fifths" in derived is not in the quoted words',
    ),
    ("40,000", "troops", SHARE, "a rough guess", "gives no numbers"),
    # digits that are not a number it can read are never read as their first digits
    ("2.3e5", "% of GDP", SPEND, None, 'value "2.3e5" is not a number this can read'),
    ("0x2", "% of GDP", SPEND, None, 'value "0x2" is not a number this can read'),
    ("2,3", "% of GDP", SPEND, None, 'value "2,3" is not a number this can read'),
    ("2.3.1", "% of GDP", SPEND, None, "not a number this can read"),
    ("40,000", "troops", SHARE, "two-fifths of 1e5", '"derived: two-fifths of 1e5" has "1e5"'),
]


@pytest.mark.parametrize(("value", "unit", "quote", "derived", "message"), FIGURES_WRONG)
def test_a_figure_not_borne_out_by_its_quote_is_an_error(
    ws: Path, value: str, unit: str | None, quote: str, derived: str | None, message: str
) -> None:
    code, err = check(ws, figure(value, unit, quote, derived))
    assert code == 1, err
    assert 'error: figure "f1": ' in err
    assert message in err


def test_a_wrong_figure_stops_the_build(ws: Path) -> None:
    (ws / "briefs" / "b.yaml").write_text(figure("2.5", "% of GDP", SPEND), encoding="utf-8")
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 1
    assert not (ws / "build").exists()


def test_a_calculated_figure_is_marked_and_shows_its_working(ws: Path) -> None:
    (ws / "briefs" / "b.yaml").write_text(
        figure("40,000", "troops", SHARE, "two-fifths of 100,000"), encoding="utf-8"
    )
    result = run_cli("build", "--format", "md", "--format", "html")
    assert result.exit_code == 0, result.stderr
    md = (ws / "build" / "b.md").read_text(encoding="utf-8")
    assert "| 40,000 (calculated) | troops |" in md
    assert "Calculated: two-fifths of 100,000." in md
    html = (ws / "build" / "b.html").read_text(encoding="utf-8")
    assert '40,000<span class="calculated">calculated</span>' in html
    assert "Calculated: two-fifths of 100,000." in html


# --- dates --------------------------------------------------------------------------------


def test_an_as_of_in_the_future_is_an_error(ws: Path) -> None:
    code, err = check(ws, position(BBC, SPEND, as_of="2205-03-06"))
    assert code == 1
    assert 'b.yaml:7:12: error: "as_of" 2205-03-06 is in the future' in err


def test_a_brief_as_of_in_the_future_is_an_error(ws: Path) -> None:
    code, err = check(ws, position(BBC, SPEND).replace("as_of: 2025-03-05", "as_of: 2999-01"))
    assert code == 1
    assert 'b.yaml:2:8: error: "as_of" 2999-01 is in the future' in err


def test_the_future_is_measured_from_source_date_epoch(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1740787200")  # 2025-03-01
    code, err = check(ws, position(BBC, SPEND))
    assert code == 1
    assert '"as_of" 2025-03-05 is in the future (today is 2025-03-01)' in err


def test_an_item_newer_than_its_brief_is_a_warning(ws: Path) -> None:
    code, err = check(ws, position(MAIL, REARM, as_of="2025-03-06").replace(BBC, MAIL))
    assert code == 0
    assert "after the brief's as_of (5 March 2025); move the brief's as_of to 2025-03-06" in err


def test_an_item_newer_than_everything_it_cites_is_a_warning(ws: Path) -> None:
    code, err = check(ws, position(BBC, SPEND, as_of="2025-02-20"))
    assert code == 0
    assert (
        "is as of 20 February 2025, later than anything it cites was published (newest: "
        '"bbc-paris-talks", 17 February 2025)' in " ".join(err.split())
    )
    assert check(ws, position(BBC, SPEND, as_of="2025-02-17")) == (0, "")


# --- layouts and strictness ---------------------------------------------------------------


def test_each_layout_writes_its_own_files(sample: Path) -> None:
    assert run_cli("build", "--format", "md").exit_code == 0
    brief = (sample / "build" / "london-summit.md").read_bytes()
    result = run_cli("build", "--template", "card", "--format", "md")
    assert result.exit_code == 0
    assert "wrote build/london-summit.card.md" in result.stdout
    assert (sample / "build" / "london-summit.md").read_bytes() == brief
    assert "Meeting card" in (sample / "build" / "london-summit.card.md").read_text()


def test_config_names_the_layouts_built_by_default(sample: Path) -> None:
    config = sample / "config.yaml"
    config.write_text(config.read_text() + "layouts: [brief, card]\n")
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert "wrote build/london-summit.md" in result.stdout
    assert "wrote build/london-summit.card.md" in result.stdout


def test_an_unknown_layout_in_config_is_an_error_at_its_line(sample: Path) -> None:
    config = sample / "config.yaml"
    lines = len(config.read_text().splitlines())
    config.write_text(config.read_text() + "layouts: [brief, crad]\n")
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        f'config.yaml:{lines + 1}:10: error: unknown layout "crad" in layouts (did you mean "card"?)'
        in result.stderr
    )


def test_a_card_longer_than_a_page_is_a_warning_with_its_page_count(sample: Path) -> None:
    brief = sample / "briefs" / "london-summit.yaml"
    text = re.sub(r"\n    key: true[^\n]*", "", brief.read_text())
    text = text.replace("\n  - id: ", "\n  - key: true\n    id: ")
    brief.write_text(text)
    result = run_cli("build", "--template", "card", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    assert "warning: the meeting card london-summit.card.pdf runs to " in result.stderr
    assert " pages, not one; mark fewer items key: true" in result.stderr


def test_strict_can_be_set_for_the_workspace(ws: Path) -> None:
    brief = position(BBC, SPEND, as_of="2025-02-20")  # one warning
    assert check(ws, brief)[0] == 0
    (ws / "config.yaml").write_text("strict: true\n", encoding="utf-8")
    assert check(ws, brief)[0] == 1
    assert check(ws, brief, "--no-strict")[0] == 0
    (ws / "briefs" / "b.yaml").write_text(brief, encoding="utf-8")
    assert run_cli("build", "--format", "md").exit_code == 1
    assert not (ws / "build").exists()


# --- properties ---------------------------------------------------------------------------

TOKENS = st.sampled_from(
    ["2.3%", "100,000", "haven't", "two-fifths", "EU’s", "troops", "of", "the", "6600", "2–3",
     "well-armed", "x", "10:30", "Europe", "0.5", "2025"]
)  # fmt: skip
# (no token of three digits: after a number, " 660" is its next group of digits, one number
# with it, as "100 000" is; test_a_number_grouped_with_ordinary_spaces_is_not_cut has those)


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKENS, min_size=3, max_size=14), st.data())
def test_a_found_quote_always_begins_and_ends_on_token_boundaries(
    tokens: list[str], data: st.DataObject
) -> None:
    text = " ".join(tokens)
    starts = {0}
    for i, ch in enumerate(text):
        if ch == " ":
            starts.add(i + 1)
    ends = {i for i, ch in enumerate(text) if ch == " "} | {len(text)}
    a = data.draw(st.integers(0, len(text) - 1))
    b = data.draw(st.integers(a + 1, len(text)))
    quote = text[a:b].strip()
    found = find_quote(quote, SourceText(text)) if quote else None
    if found is not None and found.span is not None:
        assert found.span.start in starts, (text, quote)
        assert found.span.end in ends, (text, quote)
    if quote and a in starts and b in ends:
        assert found is not None and found.span is not None, (text, quote)


def test_a_no_break_space_between_two_numbers_does_not_join_them() -> None:
    # "100,000 100,000" is two numbers; "100 000" (a no-break space) is one
    assert find_quote("the 100,000", SourceText("the\n100,000\u00a0100,000")).span is not None
    assert find_quote("a 2.5", SourceText("a 2.5\u00a0000 b")).span is not None
    assert find_quote("over 100", SourceText("over 100\u00a0000 people")).span is None


# --- fractions, powers and number words read as the number they are -----------------------------


@pytest.mark.parametrize(
    ("value", "unit", "quote"),
    [
        ("51", None, "Interest rates were held at 5½% this month."),  # not "51⁄2"
        ("2", "%", "Interest rates were held at 5½% this month."),
        ("5", "%", "Interest rates were held at 5½% this month."),
        ("4", "%", "Inflation was 2¾% last year."),
        ("3", "times", "The deficit is 3⅓ times larger."),
        ("106", "rounds", "The force would need 10⁶ rounds of ammunition."),
        ("two", None, "Officials said two hundred troops would go."),
        ("two", None, "It would take twenty two months."),
        ("half", None, "He wanted one and a half million shells."),
        ("three", None, "About three quarters of the troops would be British."),
        ("five", None, "It sent two hundred and five observers."),
        ("3", "troops", "Officials said 3 hundred troops would go."),
        ("2", "%", "It rose 5 1/2 per cent last year."),  # "/" and ":" join digits
        ("4", None, "A 3/4 majority was needed."),
        ("3", None, "It was signed on 12/03/2025 in Paris."),
        ("30", None, "The talks began at 10:30 sharp."),
        ("1", None, "They won by a 3:1 margin."),
        ("-3", None, "The vote was 5--3 in favour."),  # a dash, not a minus sign
        ("5", "%", "Growth was \u2212 5% last year."),  # U+2212 is a minus sign, spaced too
        ("5", "%", "\u2212 5% for the sector"),  # at the start of the quoted words too
        ("19", "people", "COVID-19 killed 200 people."),  # part of a name
        ("35", "jets", "The F-35 jets number 40."),
    ],
)
def test_a_value_that_is_only_part_of_the_number_written_is_refused(
    value: str, unit: str | None, quote: str
) -> None:
    from briefgen.figures import value_problem

    assert value_problem(value, unit, [quote]) is not None


@pytest.mark.parametrize(
    ("value", "unit", "quote"),
    [
        ("two", None, "It took two months."),
        ("two", None, "Between two and three brigades would go."),
        ("two", None, "It took two - three weeks."),
        ("300", "troops", "Officials said 3 hundred troops would go."),
        ("500", "m²", "The new base covers 500 m² of land."),  # m² is not "million"
        ("20", "m/s", "Winds reached 20 m/s."),
        ("3", None, "The vote was 5--3 in favour."),
        ("-5", "%", "Growth was \u2212 5% last year."),
        ("-5", "%", "\u2212 5% for the sector"),
        ("10", "%", "It rose 15 \u2212 10% of it."),  # between two amounts: subtraction
        ("200", "people", "COVID-19 killed 200 people."),
        ("12", "months", "A 12-month plan was agreed."),
    ],
)
def test_the_number_written_is_still_found(value: str, unit: str | None, quote: str) -> None:
    from briefgen.figures import value_problem

    assert value_problem(value, unit, [quote]) is None


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("rates were held at 51", "Rates were held at 5½% this month."),
        ("rates were held at 5", "Rates were held at 5½% this month."),
        ("need 106 rounds", "They need 10⁶ rounds."),
    ],
)
def test_a_fraction_or_power_is_not_folded_into_digits(quote: str, source: str) -> None:
    assert find_quote(quote, SourceText(source)).span is None
    assert find_quote(source[:-1], SourceText(source)).span is not None  # as written, it is


# --- footnote markers ----------------------------------------------------------------------------

_MARKED = (
    "Officials said the plan to send troops¹ would be agreed by March.² Growth was 4%³ "
    "in 2024.⁴ Exports¹² grew. The base covers 40 km² and 10⁶ people live there; it fell "
    "9.8 metres per sec² there, and covers 3 square kilometres² of it. Ions of Ca²⁺ were found, and one word¹glued. "
    "Sales of the smartphoneÂ¹ fell. An area of 500 km.² flooded, as the UK.² said.\n"
)


@pytest.mark.parametrize(
    "quote",
    [
        "the plan to send troops would be agreed by March.",  # after a word, after a stop
        "the plan to send troops¹ would be agreed by March.²",  # with the markers, as written
        "Growth was 4% in 2024. Exports grew",  # after a percent sign, two digits
        "Sales of the smartphone fell",  # the marker misread as "Â¹"
        "flooded, as the UK. said",  # a ² after a point and a word that is no unit
    ],
)
def test_a_footnote_marker_may_be_left_out(quote: str) -> None:
    span = find_quote(quote, SourceText(_MARKED)).span
    assert span is not None
    assert "¹" in span.text or "²" in span.text or "³" in span.text  # shown as the source has it


@pytest.mark.parametrize(
    "quote",
    [
        "The base covers 40 km and 10 people",  # a power after a number or a unit
        "9.8 metres per sec there",
        "covers 3 square kilometres of",
        "Ions of Ca were found",
        "and one word glued",  # glued to the next word too: not a marker
        "Growth was 43 in 2024",  # nor read as a digit
        "An area of 500 km. flooded",  # a short unit with a point, then its power
    ],
)
def test_a_power_is_not_taken_for_a_footnote_marker(quote: str) -> None:
    assert find_quote(quote, SourceText(_MARKED)).span is None


def test_a_figure_is_not_read_from_a_footnote_marker() -> None:
    from briefgen.figures import value_problem

    assert value_problem("3", "%", ["Growth was 4%³ in 2024."]) is not None
    assert value_problem("4", "%", ["Growth was 4%³ in 2024."]) is None


@pytest.mark.parametrize(
    ("quote", "cut"),
    [
        ("would need around 100", "100 000"),  # an ordinary space between groups of three
        ("000 troops in total", "100 000"),
        ("About 1 000", "1 000 000"),
        ("It rose by 5", "5 %"),  # a percent sign after a space is still the number's
    ],
)
def test_a_number_grouped_with_ordinary_spaces_is_not_cut(quote: str, cut: str) -> None:
    source = SourceText(
        "Such a force would need around 100 000 troops in total. About 1 000 000 people.\n"
        "It rose by 5 % in March. In 2024 100 troops left.\n"
    )
    found = find_quote(quote, source)
    assert found.span is None and found.cut is not None and found.cut.token == cut
    for whole in ("need around 100 000 troops", "rose by 5 % in", "In 2024 100 troops left"):
        assert find_quote(whole, source).span is not None  # a year then a number: two numbers


@pytest.mark.parametrize(
    ("value", "unit", "quote", "ok"),
    [
        ("3", "US$ billion", "Australia pledged A$3 billion in aid.", False),
        ("3", "$ billion", "Canada pledged C$3 billion in aid.", False),
        ("3", "A$ billion", "Australia pledged A$3 billion in aid.", True),
        ("3", "US$ billion", "The US pledged US$3 billion.", True),
        ("3", "$ billion", "The US pledged $3 billion.", True),
    ],
)
def test_a_dollar_of_another_country_is_not_the_us_dollar(
    value: str, unit: str, quote: str, ok: bool
) -> None:
    from briefgen.figures import value_problem

    problem = value_problem(value, unit, [quote])
    assert (problem is None) == ok, problem
    if not ok:
        assert "A$3 billion" in problem or "C$3 billion" in problem


@pytest.mark.parametrize(
    ("value", "unit", "quote"),
    [
        ("2-3", "£ billion", "The government pledged £2-3 billion in aid."),
        ("2.3-2.5", "% of GDP", "Spending will rise to 2.3-2.5% of GDP."),
        ("2-3", "billion euros", "It will cost between 2 and 3 billion euros."),
        ("5-7", "%", "Prices rose 5 to 7% last year."),
    ],
)
def test_both_ends_of_a_range_share_its_scale_currency_and_percent(
    value: str, unit: str, quote: str
) -> None:
    from briefgen.figures import value_problem

    assert value_problem(value, unit, [quote]) is None
    assert value_problem("9" + value[1:], unit, [quote]) is not None  # the other end stays


@pytest.mark.parametrize(
    ("unit", "quote", "warned"),
    [
        ("km", "The convoy travelled 500 miles.", True),  # 500 km is not 500 miles
        ("troops", "About 20,000 civilians left.", True),
        ("troops", "Some 20,000 British troops went.", False),
        ("missile", "It bought 5,000 air defence missiles.", False),  # singular or plural
        ("month", "a one-month pause", False),
        ("% of GDP", "2.5% of economic output", False),  # a share's base: not counted
        ("£ billion", "£660 billion", False),
    ],
)
def test_a_one_word_unit_the_quote_does_not_have_is_warned_about(
    unit: str, quote: str, warned: bool
) -> None:
    from briefgen.figures import unit_unquoted

    assert (unit_unquoted(unit, [quote]) is not None) == warned


@pytest.mark.parametrize(
    ("value", "unit", "quote"),
    [
        (
            "64",
            "£ billion",
            "the UK would spend £64bn - 2.3% of GDP - on defence",
        ),  # a dash, not a range
        ("2,000", "soldiers", "Lithuania lost 2,000 - 5% of its force"),
        ("800,000", "people", "displaced people grew from 800,000 to 1.2 million"),
        ("500,000", "£", "Funding rose from £500,000 to £1m"),
        ("two", "million people", "and two million people were left without power"),
        ("two to three", "thousand missiles", "Ukraine needs two to three thousand missiles"),
        ("3", "billion Australian dollars", "or 3 billion Australian dollars, over five years"),
        ("2.5", "billion Canadian dollars", "and Canada C$2.5bn."),
        ("400", "people", "On March 12 400 people were evacuated."),
    ],
)
def test_a_figure_that_says_what_its_quote_says_passes(value: str, unit: str, quote: str) -> None:
    from briefgen.figures import value_problem

    assert value_problem(value, unit, [quote]) is None


@pytest.mark.parametrize(
    ("value", "quote"),
    [
        ("two", "The bill came to two hundred."),  # a stop after the scale word, not before
        ("twenty", "It employs twenty five, up from ten."),
        ("500", "some 5 hundred thousand people"),  # 500,000
        ("800,000 million", "grew from 800,000 to 1.2 million"),
    ],
)
def test_part_of_a_larger_number_is_still_refused(value: str, quote: str) -> None:
    from briefgen.figures import value_problem

    assert value_problem(value, None, [quote]) is not None


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("100 troops left", "In Q1 100 troops left."),  # a code before, not a group of digits
        ("200 deaths were", "COVID-19 200 deaths were recorded."),
        ("400 people were", "On March 12 400 people were evacuated."),  # a day, then a number
        ("CO2 emissions", "They cut CO₂ emissions by half."),  # a subscript is its digit
    ],
)
def test_a_number_after_a_code_or_a_date_and_a_subscript_are_found(quote: str, source: str) -> None:
    assert find_quote(quote, SourceText(source)).span is not None


@pytest.mark.parametrize(
    ("unit", "quote"),
    [
        ("km", "patrol a 1,200-kilometre line"),
        ("kilometres", "A 1,000 km front line"),
        ("km²", "An area of 500 km² was flooded"),
        ("soldiers", "sent 20,000 sol-\ndiers to the border"),  # broken at a line end
        ("troops", "Germany | 2.1% | 181,000"),  # a table row: its unit is in the header
        ("children", "It housed 500 child refugees."),  # plurals not made with "s"
        ("child", "500 children were moved"),
        ("people", "500 persons were moved"),
        ("crisis", "two crises in a year"),
        ("servicemen", "one serviceman and 300 others"),
        ("lives", "it cost one life"),
    ],
)
def test_a_unit_the_quote_gives_its_own_way_is_not_warned_about(unit: str, quote: str) -> None:
    from briefgen.figures import unit_unquoted

    assert unit_unquoted(unit, [quote]) is None


@pytest.mark.parametrize(
    ("value", "unit", "quote", "counts"),
    [
        ("500", "troops", "It sent 500 tanks and 300 troops.", ("300 troops", "500 tanks")),
        ("500", "troops", "500 tanks, 300 troops", ("300 troops", "500 tanks")),
        ("500", "soldiers", "500 vehicles and 300 soldiers", ("300 soldiers", "500 vehicles")),
        ("1", "tank", "1 soldier and 2 tanks", ("2 tanks", "1 soldier")),  # after 1, any word
        ("500", "km", "500 miles of road and 300 km of rail", ("300 km", "500 miles")),
        ("300", "troops", "It sent 500 tanks and 300 troops.", None),  # its own number
        ("500", "tanks", "It has 500 tanks and 300 troops.", None),
        ("500", "troops", "It sent 500 or 600 troops.", None),  # a list counts as one
        ("500", "troops", "between 500 and 600 troops", None),
        ("500", "troops", "500 armoured troops and 300 tanks", None),  # words between
        ("4,000", "troops", "5,000 troops, up from 4,000.", None),  # 4,000 counts nothing said
        ("500", "troops", "The troops, some 500 of them, and 300 tanks", None),  # uncounted
        ("500", "troops", "Germany | 500 | 300 troops", None),  # a table row
        ("2.5", "% of GDP", "2.5% of GDP, up from 300 troops", None),  # not a word unit
        ("500", "troops", "Britain will send 500 British and 300 French troops.", None),
        ("500", "troops", "500 regular and 300 reserve troops", None),  # a shared noun
        ("2", "warships", "2 British, 3 French and 4 German warships", None),
        ("40", "drones", "it downed 40 Russian and 12 Iranian-made drones", None),
        ("500", "troops", "The UK will send 500 rather than 300 troops.", None),
        ("3", "people", "3 died and 12 people were injured", None),  # a verb, not a noun
        ("40", "people", "Around 40 attended, and another 25 people joined", None),
        ("500", "troops", "Since 2014 troops have rotated, and 500 arrived", None),  # a year
        (
            "300",
            "homes",
            "Floods hit 300 villages and 5,000 homes",
            ("5,000 homes", "300 villages"),
        ),
        (  # plurals not made with "s", and nouns that count as they are
            "500",
            "troops",
            "It sent 300 troops and evacuated 500 children.",
            ("300 troops", "500 children"),
        ),
        ("500", "troops", "300 troops, 500 aircraft", ("300 troops", "500 aircraft")),
        ("40", "women", "40 men and 12 women", ("12 women", "40 men")),
        ("40", "men", "40 men and 12 women", None),
    ],
)
def test_a_unit_counting_another_number_of_the_quote_is_found(
    value: str, unit: str, quote: str, counts: tuple[str, str] | None
) -> None:
    """500 tanks and 300 troops: the quote has "troops", but not as 500 of them."""
    from briefgen.figures import unit_elsewhere

    assert unit_elsewhere(value, unit, [quote]) == counts


def test_a_unit_counting_another_number_is_warned_about_at_the_value(ws: Path) -> None:
    (ws / "sources" / "army.txt").write_text(
        "By Friday the army had sent 500 tanks and 300 troops to the border.\n", encoding="utf-8"
    )
    with (ws / "sources" / "sources.yaml").open("a", encoding="utf-8") as catalogue:
        catalogue.write("\n- id: army\n  file: army.txt\n  publisher: P\n  title: T\n")
    brief = figure("500", "troops", "sent 500 tanks and 300 troops").replace(
        f"source: {BBC}", "source: army"
    )
    code, err = check(ws, brief)
    assert code == 0, err
    assert (
        'b.yaml:6:12: warning: figure "f1": in its quoted words the unit counts another number '
        '("300 troops"), and the value\'s number counts something else ("500 tanks"); write '
        "the unit as the quote gives it for the value, or quote the passage that gives "
        'value "500" (unit "troops")'
    ) in err
    code, err = check(ws, brief.replace('"troops"', '"tanks"'))
    assert code == 0 and "warning" not in err, err
    code, err = check(ws, brief, "--strict")
    assert code == 1


# --- digits a line break or tab parts ---------------------------------------------------------

APART = (
    "Section 3\n250 troops were sent.\nFrance\t5\t000 troops went.\nIt would cost £5\nbillion.\n"
)


@pytest.mark.parametrize(
    ("value", "unit", "quote", "verified"),
    [
        ("3250", "troops", "Section 3 250 troops were sent", False),  # a heading's number, then 250
        ("250", "troops", "Section 3 250 troops were sent", True),
        ("5000", "troops", "France 5 000 troops went", False),  # tab-separated cells
        ("5", "£ billion", "It would cost £5 billion", True),  # a scale on the next line is its own
    ],
)
def test_digits_a_line_break_or_tab_parts_are_not_one_number(
    ws: Path, value: str, unit: str, quote: str, verified: bool
) -> None:
    (ws / "sources" / "apart.txt").write_text(APART, encoding="utf-8")
    with (ws / "sources" / "sources.yaml").open("a", encoding="utf-8") as catalogue:
        catalogue.write("\n- id: apart\n  file: apart.txt\n  publisher: P\n  title: T\n")
    brief = figure(value, unit, quote).replace(f"source: {BBC}", "source: apart")
    code, errors = check(ws, brief)
    assert ("is not in its quoted words" not in errors) == verified, errors
    assert code == (0 if verified else 1), errors


# --- a quote stands within one paragraph -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "found"),
    [
        ("Troops withdrawn\n\nfrom Ukraine is what Russia demands.\n", "withdrawn from Ukraine is", False),
        ("Troops withdrawn\r\n\r\nfrom Ukraine is what it wants.\r\n", "withdrawn from Ukraine is", False),
        ("Troops withdrawn \n \t\nfrom Ukraine is what it wants.\n", "withdrawn from Ukraine is", False),
        ("A hard-wrapped line\nruns on into the next.\n", "line runs on into", True),
        ("A hard-wrapped line\r\nruns on into the next.\r\n", "line runs on into", True),
    ],
)  # fmt: skip
def test_a_quote_does_not_run_over_a_blank_line(text: str, quote: str, found: bool) -> None:
    assert (find_quote(quote, SourceText(text)).span is not None) == found


def test_a_quote_does_not_run_from_one_block_of_a_page_into_the_next(ws: Path) -> None:
    page = (
        "<html><body><article><h1>Head</h1><h2>Troops withdrawn</h2><p>from Ukraine is what "
        "Russia demands.</p><table><tr><td>France</td><td>5,000</td></tr><tr><td>Germany "
        "troops</td><td>none</td></tr></table></article></body></html>"
    )
    (ws / "sources" / "page.html").write_text(page, encoding="utf-8")
    with (ws / "sources" / "sources.yaml").open("a", encoding="utf-8") as catalogue:
        catalogue.write("\n- id: page\n  file: page.html\n  publisher: P\n  title: T\n")
    brief = position("page", "Troops withdrawn from Ukraine is what Russia demands")
    code, errors = check(ws, brief)
    assert code == 1
    assert (
        "quote runs from one paragraph of the source into the next (para. 2 to para. 3)" in errors
    )
    code, errors = check(ws, position("page", "from Ukraine is what Russia demands"))
    assert code == 0, errors


# --- a quote that marks words left out -------------------------------------------------


def signed_source(root: Path, text: str) -> None:
    """The workspace's "signed" source, holding `text` instead."""
    (root / "sources" / "signed.txt").write_text(text, encoding="utf-8")


ELIDED = [
    "a US security guarantee ... to effectively deter Russia",
    "a US security guarantee … to effectively deter Russia",
    "a US security guarantee [...] to effectively deter Russia",
    "a US security guarantee […] to effectively deter Russia",
    "a US security guarantee (. . .) to effectively deter Russia",
    "a US security guarantee... to effectively deter Russia",
]


@pytest.mark.parametrize("quote", ELIDED)
def test_a_quote_that_leaves_words_out_is_told_the_passage_in_full(ws: Path, quote: str) -> None:
    code, err = check(ws, position(BBC, quote))
    assert code == 1
    err = " ".join(err.split())
    assert "it leaves words out at" in err, err
    assert (
        'quote the passage in full (line 3): "a US security guarantee was the only way to ' in err
    )
    assert "or cite each part as its own quote" in err


def test_a_quote_whose_parts_are_far_apart_is_told_to_cite_each(ws: Path) -> None:
    quote = "a US security guarantee was the only way … The UK currently spends around 2.3%"
    code, err = check(ws, position(BBC, quote))
    assert code == 1
    err = " ".join(err.split())
    assert "it leaves words out at" in err
    assert '"a US security guarantee was the only way" (line 3) and' in err
    assert "(line 37) as quotes of their own" in err


def test_a_quote_ending_in_an_ellipsis_the_source_does_not_have(ws: Path) -> None:
    code, err = check(ws, position(BBC, "a US security guarantee was the only way..."))
    assert code == 1
    assert 'but not with the "..." you wrote: write the quote without it' in err


def test_an_ellipsis_spaced_otherwise_than_in_the_source_is_told_the_source_s_words(
    ws: Path,
) -> None:
    signed_source(ws, "The report would be published… in the spring, officials said.\n")
    code, err = check(ws, position("signed", "would be published … in the spring"))
    assert code == 1
    assert 'quote the passage in full (line 1): "would be published… in the spring"' in err


def test_an_ellipsis_the_source_has_is_a_quote_like_any_other(ws: Path) -> None:
    signed_source(ws, "He paused... and then said no.\n")
    code, err = check(ws, position("signed", "He paused… and then said no"))
    assert code == 0, err


def test_a_figure_whose_quote_gives_its_number_in_words_is_told_so(ws: Path) -> None:
    """Numbers in words match as written; "they give no number" was wrong."""
    code, err = check(ws, figure("40", "%", "with the UK contributing about two-fifths"))
    assert code == 1
    assert (
        '(they give no number in figures, and "two-fifths" in words, which match only as '
        'written: value: "two-fifths")'
    ) in " ".join(err.split())
    code, err = check(ws, figure("two-fifths", None, "with the UK contributing about two-fifths"))
    assert code == 0, err


def test_a_near_miss_is_compared_within_its_paragraph_and_with_whole_words(ws: Path) -> None:
    """The words after a blank line (another paragraph) were compared too, and named as the
    source's ("you wrote "by 2027", the source has "of GDP""), and a word cut at the edge
    of the compared text was named as one the source has ("ris")."""
    signed_source(
        ws,
        "Healey: defence spending to rise to 2.5% by 2027\n\n25 February 2025\n\n"
        "The defence secretary said spending will rise to 2.5% of GDP by 2027.\n",
    )
    code, err = check(ws, position("signed", "Healey: defence spending will rise to 2.5% by 2027"))
    assert code == 1
    assert 'you wrote "will", the source has "to"; the nearest passage, line 1' in err
    assert "GDP" not in err.split("; the nearest passage")[0]
    code, err = check(ws, position("signed", "Healey defence spending will rise to"))
    assert code == 1
    assert '"t"' not in err and 'the source has "to"' in err


def test_a_passage_holding_an_invisible_control_is_told_to_be_cited_around_it(
    ws: Path,
) -> None:
    """The advice was "the source has "\\u202e" after "bidi"", which a brief may not write."""
    signed_source(ws, "A bidi \u202eoverride here in the text, officials said.\n")
    code, err = check(ws, position("signed", "A bidi override here in the text"))
    assert code == 1
    assert (
        "holds the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE), which a brief may not "
        "hold: cite the words before it and the words after it as quotes of their own"
    ) in " ".join(err.split())
