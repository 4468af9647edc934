"""briefgen.citations: every quote is found in its source, at the right line and column.

Unit tests call SourceText / locate / nearest / value_in / context on small inline
sources; end-to-end tests run `briefgen check` in small workspaces built from
conftest.minimal_files, and on a copy of the sample workspace.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from helpers import source_text

from briefgen import build
from briefgen.figures import value_problem
from briefgen.hints import nearest
from briefgen.matching import SourceText, context, locate
from briefgen.normalise import normalise
from conftest import MINIMAL_CATALOGUE, build_tree, minimal_files, run_cli


def norm(text: str) -> str:
    return normalise(text).text


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


# A hard-wrapped source, as received.
WRAPPED = (
    "Sir Keir said Europe would “have to do more” to defend the\n"  # 1
    "continent. But he said “a US security guarantee was the only\n"  # 2
    "way to effectively deter Russia”, and vowed to discuss the\n"  # 3
    "“key elements” of a peace deal with Donald Trump.\n"  # 4
    "\n"  # 5
    "The government has committed to increasing defence spending\n"  # 6
    "to 2.5%, but has not said when this will be achieved. Lord\n"  # 7
    "Dannatt estimated such a force would need around 100,000\n"  # 8
    "troops, with the UK contributing about two-fifths.\n"  # 9
)


# --- SourceText: lines and columns ------------------------------------------------------


def test_line_col_is_one_based() -> None:
    text = SourceText("ab\ncd\n\nef")
    assert text.line_col(0) == (1, 1)
    assert text.line_col(1) == (1, 2)
    assert text.line_col(2) == (1, 3)  # the line break itself
    assert text.line_col(3) == (2, 1)
    assert text.line_col(6) == (3, 1)  # the empty line
    assert text.line_col(7) == (4, 1)
    assert text.line_col(8) == (4, 2)


def test_span_of_a_quote_on_one_line() -> None:
    span, ambiguous = locate("key elements", SourceText(WRAPPED))
    assert span is not None
    assert not ambiguous
    assert (span.line, span.col, span.end_line, span.end_col) == (4, 2, 4, 13)
    assert span.text == "key elements"
    assert WRAPPED.splitlines()[3][span.col - 1 : span.end_col] == "key elements"


def test_span_of_a_quote_over_several_wrapped_lines() -> None:
    quote = "a US security guarantee was the only way to effectively deter Russia"
    span, _ = locate(quote, SourceText(WRAPPED))
    assert span is not None
    # Starts after 'continent. But he said “' on line 2; end_col is the last character.
    assert (span.line, span.col) == (2, 25)
    assert (span.end_line, span.end_col) == (3, 31)
    assert span.lines == "2–3"
    assert span.where == "lines 2–3"
    assert WRAPPED[span.start : span.end] == (
        "a US security guarantee was the only\nway to effectively deter Russia"
    )
    assert span.text == "a US security guarantee was the only way to effectively deter Russia"


def test_quote_spanning_a_line_break_mid_sentence() -> None:
    span, _ = locate("will be achieved. Lord Dannatt estimated", SourceText(WRAPPED))
    assert span is not None
    line7 = WRAPPED.splitlines()[6]
    assert (span.line, span.col) == (7, line7.index("will be") + 1)
    assert (span.end_line, span.end_col) == (8, len("Dannatt estimated"))


def test_columns_count_characters_not_bytes() -> None:
    span, _ = locate("talks began", SourceText("At the “Élysée” talks began.\n"))
    assert span is not None
    assert (span.line, span.col) == (1, 17)


def test_quote_on_the_last_line_without_a_final_newline() -> None:
    span, _ = locate("the end", SourceText("first line\nthis is the end"))
    assert span is not None
    assert (span.line, span.col, span.end_line, span.end_col) == (2, 9, 2, 15)


# --- what matching ignores ----------------------------------------------------------------


def test_straight_quoted_quote_matches_curly_source() -> None:
    source = SourceText("It was ‘utter folly’, he said, and Britain’s “key elements” stood.\n")
    span, _ = locate("It was 'utter folly', he said, and Britain's \"key elements\"", source)
    assert span is not None
    assert span.text == "It was ‘utter folly’, he said, and Britain’s “key elements”"


def test_curly_quoted_quote_matches_straight_source() -> None:
    source = SourceText("It was 'utter folly', he said, and Britain's \"key elements\" stood.\n")
    span, _ = locate("It was ‘utter folly’, he said, and Britain’s “key elements”", source)
    assert span is not None
    assert (span.col, span.end_col) == (1, 59)


def test_quote_wrapped_in_quotation_marks_matches_the_words_inside() -> None:
    source = SourceText("He said a US security guarantee was the only way.\n")
    span, _ = locate("“a US security guarantee”", source)
    assert span is not None
    assert span.text == "a US security guarantee"


def test_straight_apostrophe_matches_curly_after_an_accented_capital() -> None:
    # "É’" is also what UTF-8 "ɒ" looks like when misread as cp1252; here it is just "JOSÉ’S".
    source = SourceText("JOSÉ’S PLAN — the minister’s view.\n")
    span, _ = locate("JOSÉ'S PLAN - the minister's view", source)
    assert span is not None


def test_dashes_nbsp_and_debris_are_ignored() -> None:
    source = SourceText(
        "You need credible,\u00a0well\u2011armed forces – and you\u00a0need backup.Â \nNext.\n"
    )
    span, _ = locate("You need credible, well-armed forces - and you need backup.", source)
    assert span is not None
    assert (span.line, span.end_line) == (1, 1)
    assert "Â" not in span.text


def test_word_hyphenated_across_a_line_break_matches_the_whole_word() -> None:
    source = SourceText("Europe faces a generational secu-\nrity challenge, he said.\n")
    span, _ = locate("a generational security challenge", source)
    assert span is not None
    assert (span.line, span.col, span.end_line) == (1, 14, 2)
    assert source.text[span.start : span.end] == "a generational secu-\nrity challenge"


def test_real_hyphen_at_a_line_break_is_kept() -> None:
    source = SourceText("You need credible, well-\narmed forces.\n")
    span, _ = locate("credible, well-armed forces", source)
    assert span is not None
    assert (span.line, span.end_line) == (1, 2)


def test_broken_word_and_real_hyphen_at_line_breaks_in_one_quote() -> None:
    # A hard-wrapped source can break a word and a hyphenated compound in one passage.
    source = SourceText("European secu-\nrity needs a well-\narmed force of two-\nfifths.\n")
    span, _ = locate("European security needs a well-armed force", source)
    assert span is not None
    assert (span.line, span.end_line) == (1, 3)


# --- what matching does not ignore: no re-anchoring ------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "a US security guarantee was the best way to effectively deter Russia",  # one word changed
        "a US security guarantee was only way to effectively deter Russia",  # one word dropped
        "a US security guarantee was the only way to effectively deter Russia now",  # one added
        "a UK security guarantee",
        "a US secure guarantee",
        "deter Russians",  # the word must end where the source's word ends
        "ussia",  # and start where it starts
    ],
)
def test_quote_with_one_word_wrong_is_not_found(quote: str) -> None:
    span, ambiguous = locate(quote, SourceText(WRAPPED))
    assert span is None
    assert not ambiguous


def test_quote_is_not_found_in_a_longer_word() -> None:
    assert locate("he", SourceText("the other there\n"))[0] is None
    assert locate("he", SourceText("the other he there\n"))[0] is not None


# --- occurrences -------------------------------------------------------------------------


def test_quote_twice_in_different_contexts_is_ambiguous_and_the_first_is_used() -> None:
    source = SourceText(
        "The minister said the fund would double by next year.\n"
        "Critics doubted that the fund would double at all.\n"
    )
    span, ambiguous = locate("the fund would double", source)
    assert span is not None
    assert ambiguous
    assert span.occurrences == 2
    assert span.line == 1


def test_quote_once_is_not_ambiguous() -> None:
    span, ambiguous = locate("key elements", SourceText(WRAPPED))
    assert span is not None
    assert (span.occurrences, ambiguous) == (1, False)


def test_duplicated_paragraph_quoted_from_its_middle_is_not_ambiguous() -> None:
    para = (
        "The committee met on Monday morning in London. It agreed that the fund would "
        "double by next year, subject to a vote of the full council in the spring.\n\n"
    )
    span, ambiguous = locate("the fund would double", SourceText("Intro.\n\n" + para + para))
    assert span is not None
    assert span.occurrences == 2
    assert not ambiguous


def test_duplicated_short_paragraph_is_not_ambiguous() -> None:
    # Scraped articles often repeat a paragraph; both copies read the same, so there is
    # nothing to choose between and nothing more the user could quote to choose.
    para = "Sir Keir said Europe would “have to do more” to defend the continent.\n\n"
    source = SourceText("Paris, Monday.\n\n" + para + para + "Talks end today.\n")
    span, ambiguous = locate('Europe would "have to do more"', source)
    assert span is not None
    assert span.occurrences == 2
    assert not ambiguous


# --- context -----------------------------------------------------------------------------


def test_context_is_the_rest_of_the_sentence() -> None:
    text = "First sentence here. He said the plan was sound, and left. Then it rained."
    start = text.index("the plan")
    end = start + len("the plan was sound")
    assert context(text, start, end) == ("He said ", ", and left.")


def test_span_context_is_cut_on_sentence_boundaries() -> None:
    source = SourceText(
        "Talks opened in Paris. Sir Keir said Europe would “have to do more” to\n"
        "defend the continent. Nobody disagreed.\n"
    )
    span, _ = locate('Europe would "have to do more"', source)
    assert span is not None
    assert span.before == "Sir Keir said "
    assert span.after == " to defend the continent."


def test_context_stops_at_a_sentence_end_followed_by_debris() -> None:
    source = SourceText(
        "One MP warned: ‘Thousands of people will die.’Â\n"
        "Ministers were braced for chaos overnight.Â\n"
        "Von der Leyen proposed a plan.\n"
    )
    span, _ = locate("braced for chaos", source)
    assert span is not None
    assert span.before == "Ministers were "
    assert span.after == " overnight."


def test_context_has_no_debris() -> None:
    source = SourceText(
        "It was ‘regrettable’.\u00a0Â\nIt is time Â to make things right, Â he said.\nNext.Â\n"
    )
    span, _ = locate("time to make things right", source)
    assert span is not None
    assert span.before == "It is "
    assert span.after == ", he said."
    assert "Â" not in span.before + span.text + span.after


@pytest.mark.parametrize(
    ("text", "quote", "before", "after"),
    [
        (  # a title and a date above an unwrapped paragraph
            "Targets\n25 February 2025\nThe defence secretary said “spending will rise to 2.5%” "
            "of GDP by 2027, which officials would not confirm.\nNext paragraph, long enough.\n",
            "spending will rise to 2.5%",
            "The defence secretary said “",
            "” of GDP by 2027, which officials would not confirm.",
        ),
        (  # a heading and a date above hard-wrapped text
            "Allied ministers meet in Brussels\n10 February 2025\nMinisters agreed to raise\n"
            "spending on defence by a\nlarge amount over years.\n",
            "raise spending on defence",
            "Ministers agreed to ",
            " by a large amount over years.",
        ),
        (  # a label line with no full stop
            "Key point: yes\nHe said the plan works well and that is the end of it for now.\n",
            "the plan works well",
            "He said ",
            " and that is the end of it for now.",
        ),
        (  # the quote is the heading: nothing below runs into it
            "Ministers meet in Brussels\nThey agreed to raise spending on defence by a large "
            "amount over the coming years.\n",
            "Ministers meet in Brussels",
            "",
            "",
        ),
    ],
)
def test_a_line_of_its_own_is_not_part_of_a_quote_s_context(
    text: str, quote: str, before: str, after: str
) -> None:
    span, _ = locate(quote, SourceText(text))
    assert span is not None
    assert (span.before, span.after) == (before, after)


def test_long_context_is_cut_at_a_word_with_an_ellipsis() -> None:
    words = " ".join(f"word{i}" for i in range(200))
    text = words + " QUOTE " + words
    start = text.index("QUOTE")
    before, after = context(text, start, start + len("QUOTE"))
    assert before.startswith("…word") and before.endswith(" ")
    assert after.startswith(" word0") and after.endswith("…")
    assert all(w.startswith("word") for w in before[1:].split() + after[:-1].split())


# --- nearest -----------------------------------------------------------------------------


def test_nearest_names_the_passage_and_its_line() -> None:
    found = nearest("a US security guarantee was the best way to deter Russia", SourceText(WRAPPED))
    assert found is not None
    span, score = found
    assert span.line == 2
    assert 50 <= score < 100
    assert "security guarantee was the only" in span.text


NEAR_SOURCE = (
    "The swiftly arranged discussions took place days after his defence secretary, Pete\n"
    "Hegseth, said Europe will have to be primarily responsible for guaranteeing its own\n"
    "security going forward. The UK currently spends around 2.3% of its total economic\n"
    "output on defence. The plan would cost “£2.5 billion” over five years.\n"
)


@pytest.mark.parametrize(
    "quote",
    [
        "Hegseth said Europe will have to be mainly responsible for guaranteeing its own security",
        "The UK currently spends about 2.3% of its total economic output on defence",
        'the plan would cost "£2.5 billion" over six years',
        "The government has committed to raising defence spending to 2.5%",
    ],
)
def test_nearest_passage_is_whole_words_that_can_be_copied(quote: str) -> None:
    # The message says "copy the words exactly as they stand in the source": the passage
    # it shows must start and end on word boundaries, so that copying it works.
    source = SourceText(NEAR_SOURCE + WRAPPED)
    found = nearest(quote, source)
    assert found is not None
    span, _ = found
    text = source.text
    assert span.start == 0 or not (text[span.start - 1].isalnum() and text[span.start].isalnum())
    assert not (text[span.end - 1].isalnum() and text[span.end : span.end + 1].isalnum())
    assert locate(span.text, source)[0] is not None


def test_nearest_of_nothing_is_none() -> None:
    assert nearest("", SourceText(WRAPPED)) is None
    assert nearest("anything", SourceText("")) is None


# --- figure values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "texts"),
    [
        ("100000", "troops", ["would need around 100,000 troops"]),
        ("100,000", "troops", ["would need around 100,000 troops"]),
        ("100,000", None, ["would need around 100000 troops"]),
        ("2.5", "% of GDP", ["to increase defence spending to 2.5%"]),
        ("two-fifths", None, ["with the UK contributing about two–fifths"]),
        ("two to three", "months", ["within two to three months"]),
        ("one", "month", ["a one-month pause"]),
        ("660", "£ billion", ["a £660 billion plan"]),
        ("660", "£bn", ["a £660 billion plan"]),
        ("2.3", "% of GDP", ["no figure here", "spends around 2.3% of GDP"]),
    ],
)
def test_value_in_quoted_words(value: str, unit: str | None, texts: list[str]) -> None:
    assert value_problem(value, unit, texts) is None


@pytest.mark.parametrize(
    ("value", "texts"),
    [
        ("100000", ["would need around 10,000 troops"]),
        ("100000", ["would need around 1,000,000 troops"]),
        ("2.5", ["to increase defence spending to 12.5%"]),
        ("2.5", ["to increase defence spending to 2.55%"]),
        ("2.3", ["spends around 2.5% of GDP"]),
        ("three", ["within two to thirty months"]),
        ("two-fifths", ["about three-fifths"]),
    ],
)
def test_value_not_in_quoted_words(value: str, texts: list[str]) -> None:
    assert value_problem(value, None, texts) is not None


# --- end to end: `briefgen check` in small workspaces -------------------------------------

BRIEF_HEAD = """\
title: Test brief
as_of: 2025-03-02
summary: |
  - One key message.
positions:
  - id: p1
    actor: The minister
    topic: Costs
    stance: A stance.
    cite:
"""  # the first quote is on line 12, column 16; each further one two lines down

OTHER_CATALOGUE = (
    MINIMAL_CATALOGUE
    + """\
- id: other
  file: other.txt
  publisher: Other Paper
  title: Another report
  published: 2025-03-02
"""
)


def cites(*pairs: tuple[str, str]) -> str:
    return "".join(f"      - source: {s}\n        quote: {q(quote)}\n" for s, quote in pairs)


def figure(value: str, quote: str) -> str:
    return (
        "figures:\n"
        "  - id: force-size\n"
        "    label: Troops needed\n"
        f"    value: {value}\n"
        "    unit: troops\n"
        "    cite:\n"
        f"      - source: news\n        quote: {q(quote)}\n"
    )


def check_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str, **files: str) -> Result:
    root = build_tree(tmp_path / "ws", minimal_files(**files))
    monkeypatch.chdir(root)
    return run_cli("check", *args)


def test_check_passes_on_a_hard_wrapped_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check_in(
        tmp_path,
        monkeypatch,
        sources__news_txt=WRAPPED,
        briefs__test_yaml=BRIEF_HEAD
        + cites(
            ("news", "a US security guarantee was the only way to effectively deter Russia"),
            ("news", 'discuss the "key elements" of a peace deal'),
            ("news", "will be achieved. Lord Dannatt estimated"),
        ),
    )
    assert result.exit_code == 0, result.stderr
    assert "3 of 3 citations verified" in result.stdout
    assert result.stderr == ""


def test_check_reports_quote_not_found_with_the_nearest_passage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check_in(
        tmp_path,
        monkeypatch,
        sources__news_txt=WRAPPED,
        briefs__test_yaml=BRIEF_HEAD
        + cites(
            ("news", "the “key elements” of"),
            ("news", "a US security guarantee was the best way to effectively deter Russia"),
        ),
    )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1
    message = errors[0]
    assert message.startswith('briefs/test.yaml:14:16: error: quote not found in source "news"')
    assert "lines 2–3" in message
    assert 'you wrote "best", the source has "only"' in message
    assert "security guarantee was the only" in message
    assert "1 of 2 citations verified" in result.stdout


def test_check_says_when_the_quote_is_in_another_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check_in(
        tmp_path,
        monkeypatch,
        sources__sources_yaml=OTHER_CATALOGUE,
        sources__other_txt="Preamble.\nCritics said the plan was “too little, too late”.\n",
        briefs__test_yaml=BRIEF_HEAD
        + cites(("news", "the plan would cost"), ("news", 'the plan was "too little, too late"')),
    )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1
    assert errors[0].startswith('briefs/test.yaml:14:16: error: quote not found in source "news"')
    assert '"other"' in errors[0]
    assert "line 2" in errors[0]
    assert "source: other" in errors[0]


def test_check_reports_a_quote_close_to_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check_in(
        tmp_path,
        monkeypatch,
        briefs__test_yaml=BRIEF_HEAD + cites(("news", "zebras graze quietly on xylophones")),
    )
    assert result.exit_code == 1
    assert "briefs/test.yaml:12:16: error: quote not found" in result.stderr
    assert "nothing there is close" in result.stderr


def test_check_does_not_re_anchor_a_quote_with_one_wrong_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check_in(
        tmp_path,
        monkeypatch,
        briefs__test_yaml=BRIEF_HEAD
        + cites(("news", 'the plan would cost "£2.5 billion" over six years')),
    )
    assert result.exit_code == 1
    assert "briefs/test.yaml:12:16: error: quote not found" in result.stderr
    assert "0 of 1 citations verified" in result.stdout


def test_check_warns_about_a_quote_found_twice_in_different_contexts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "sources__news_txt": (
            "The minister said the fund would double by next year.\n"
            "Critics doubted that the fund would double at all.\n"
        ),
        "briefs__test_yaml": BRIEF_HEAD + cites(("news", "the fund would double")),
    }
    result = check_in(tmp_path, monkeypatch, **files)
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("briefs/test.yaml:12:16: warning: quote appears 2 times")
    assert "line 1" in warnings[0]

    strict = run_cli("check", "--strict")
    assert strict.exit_code == 1


def test_check_does_not_warn_about_a_duplicated_paragraph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    para = "Sir Keir said Europe would “have to do more” to defend the continent.\n\n"
    result = check_in(
        tmp_path,
        monkeypatch,
        sources__news_txt="Paris, Monday.\n\n" + para + para + "Talks end today.\n",
        briefs__test_yaml=BRIEF_HEAD + cites(("news", 'Europe would "have to do more"')),
    )
    assert result.exit_code == 0
    assert "appears" not in result.stderr
    assert "0 warnings" in result.stdout


def test_check_accepts_curly_and_straight_quotes_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check_in(
        tmp_path,
        monkeypatch,
        sources__sources_yaml=OTHER_CATALOGUE,
        sources__news_txt="It was ‘utter folly’, and Britain’s “key elements” stood.\n",
        sources__other_txt="It was 'utter folly', and Britain's \"key elements\" stood.\n",
        briefs__test_yaml=BRIEF_HEAD
        + cites(
            ("news", "It was 'utter folly', and Britain's \"key elements\" stood."),
            ("other", "It was ‘utter folly’, and Britain’s “key elements” stood."),
        ),
    )
    assert result.exit_code == 0, result.stderr
    assert "2 of 2 citations verified" in result.stdout


def test_check_matches_a_word_hyphenated_across_a_line_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check_in(
        tmp_path,
        monkeypatch,
        sources__news_txt="Europe faces a generational secu-\nrity challenge, he said.\n",
        briefs__test_yaml=BRIEF_HEAD + cites(("news", "a generational security challenge")),
    )
    assert result.exit_code == 0, result.stderr
    assert "1 of 1 citations verified" in result.stdout


@pytest.mark.parametrize("value", ["100000", '"100000"', '"100,000"'])
def test_check_accepts_a_figure_value_written_without_separators(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    result = check_in(
        tmp_path,
        monkeypatch,
        sources__news_txt=WRAPPED,
        briefs__test_yaml=BRIEF_HEAD
        + cites(("news", "the “key elements” of"))
        + figure(value, "such a force would need around 100,000 troops"),
    )
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr


def test_check_fails_when_a_figure_value_is_not_in_its_quote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief = (
        BRIEF_HEAD
        + cites(("news", "the “key elements” of"))
        + figure('"80000"', "around 100,000 troops")
    )
    result = check_in(tmp_path, monkeypatch, sources__news_txt=WRAPPED, briefs__test_yaml=brief)
    assert result.exit_code == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1
    value_line = brief.splitlines().index('    value: "80000"') + 1
    assert errors[0].startswith(f"briefs/test.yaml:{value_line}:")
    assert 'figure "force-size"' in errors[0]
    assert '"80000"' in errors[0]
    assert "(they give 100,000)" in errors[0]


# --- end to end: the sample workspace -------------------------------------------------------


def test_every_sample_quote_resolves_where_its_words_are(sample: Path) -> None:
    result = build.check()
    assert result.report.errors == []
    verified, total = result.citations
    assert verified == total > 0

    files: dict[str, str] = {}
    for brief in result.workspace.briefs:
        for item in brief.items:
            for cite in item.cite:
                span = cite.span
                assert span is not None, cite.quote
                source = result.workspace.sources[cite.source_id]
                text = files.setdefault(cite.source_id, source_text(source.path))
                lines = text.split("\n")
                if span.line == span.end_line:
                    words = lines[span.line - 1][span.col - 1 : span.end_col]
                else:
                    words = "\n".join(
                        [
                            lines[span.line - 1][span.col - 1 :],
                            *lines[span.line : span.end_line - 1],
                            lines[span.end_line - 1][: span.end_col],
                        ]
                    )
                assert (
                    norm(words) == norm(cite.quote)
                    or normalise(words, dehyphenate=True).text
                    == normalise(cite.quote, dehyphenate=True).text
                ), (
                    cite.source_id,
                    span.line,
                    cite.quote,
                )
                assert "Â" not in span.before + span.text + span.after


def test_sample_check_passes_from_the_command_line(sample: Path) -> None:
    result = run_cli("check")
    assert result.exit_code == 0, result.stderr
    assert ", 0 errors" in result.stdout
    assert "citations verified" in result.stdout


def test_a_quote_found_in_more_places_than_are_named_says_how_many_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.citations import PLACES_NAMED
    from briefgen.matching import MAX_PLACES

    times = MAX_PLACES + 2  # more than are worked out, too
    lines = "".join(f"Day {n}: the fund would double, said speaker {n}.\n" for n in range(times))
    files = {
        "sources__news_txt": lines,
        "briefs__test_yaml": BRIEF_HEAD + cites(("news", "the fund would double")),
    }
    result = check_in(tmp_path, monkeypatch, **files)
    assert result.exit_code == 0, result.stderr
    named = ", ".join(str(n) for n in range(1, PLACES_NAMED + 1))
    assert (
        f'warning: quote appears {times} times in "news" (lines {named} and '
        f"{times - PLACES_NAMED} more); line 1 is used: quote a few more words to pick the passage you mean"
    ) in result.stderr


# --- a word broken at a line end is one word; a written hyphen is part of the words -------------

BROKEN = "The terms were un-\nacceptable to the allies.\nThey will re-sign the treaty.\nA non–binding deal.\n"


@pytest.mark.parametrize(
    "quote",
    [
        "acceptable to the allies",  # the half of "un-⏎acceptable" after the line end
        "The terms were un",  # and the half before it
        "They will resign the treaty",  # "re-sign" is not "resign"
        "binding deal",  # an en dash written between letters joins them too
    ],
)
def test_part_of_a_word_broken_at_a_line_end_or_a_different_hyphen_is_not_verified(
    quote: str,
) -> None:
    span, _ = locate(quote, SourceText(BROKEN))
    assert span is None


def test_a_quote_may_leave_out_only_the_hyphen_of_a_line_end() -> None:
    source = SourceText(
        "They will resign the treaty, and\nre-sign it as the un-\nacceptable one.\n"
    )
    assert locate("They will re-sign the treaty", source)[0] is None  # not in the words
    found, _ = locate("re-sign it as the unacceptable one", source)
    assert found is not None and found.text == "re-sign it as the un-acceptable one"


@pytest.mark.parametrize(
    ("quote", "margin", "expected"),
    [
        (  # the last word differs: the source's words after it are not named
            "would be agreed by March",
            "said it would be agreed by Marsh. The area is 40 km in total and more",
            'you wrote "March", the source has "Marsh"',
        ),
        (  # so does the first
            "Offishals said the plan",
            "Before that, in the morning, Officials said the plan",
            'you wrote "Offishals", the source has "Officials"',
        ),
    ],
)
def test_a_difference_at_an_end_of_the_quote_names_only_its_own_words(
    quote: str, margin: str, expected: str
) -> None:
    from briefgen.hints import differences

    assert differences(quote, margin) == expected
