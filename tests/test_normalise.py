"""briefgen.normalise: what a reader would not count as a difference, and the map back.

Unit tests pin each fold; hypothesis properties check the offset map, idempotence, word
boundaries, and that a quote is found in a source however the source was wrapped and typeset.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefgen.citations import SourceText, locate
from briefgen.normalise import display, find_all, normalise

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def norm(text: str) -> str:
    return normalise(text).text


# --- quotes and apostrophes -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "he said “utter folly” and it’s ‘done’",
        "he said \"utter folly\" and it's 'done'",
        "he said „utter folly‟ and it‛s ‚done‘",
        "he said «utter folly» and it´s `done'",
        "he said ‘utter folly’ and it’s “done”",  # single and double quotes are house style
    ],
)
def test_curly_and_straight_quotes_fold_to_straight(text: str) -> None:
    assert norm(text) == "he said 'utter folly' and it's 'done'"


def test_apostrophe_and_prime_fold_to_straight_apostrophe() -> None:
    assert norm("Britain’s") == norm("Britain's") == norm("Britain′s") == "britain's"


# --- dashes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "forces - and",
        "forces – and",
        "forces — and",
        "forces -- and",
        "forces --- and",
        "forces—and",
        "forces-and",
        "forces \u2212 and",
        "forces\u00a0–\u00a0and",
        "forces –\nand",
    ],
)
def test_dashes_and_double_hyphen_fold_to_one_hyphen(text: str) -> None:
    assert norm(text) == "forces-and"


def test_hyphenated_word_keeps_its_hyphen() -> None:
    assert norm("well‐armed") == norm("well-armed") == "well-armed"


# --- whitespace -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "deter Russia",
        "deter  Russia",
        "deter\nRussia",
        "deter\r\nRussia",
        "deter \n   Russia",
        "deter\tRussia",
        "deter\u00a0Russia",
        "deter \u00a0\n Russia",
        "deter\u2009Russia",
        "deter\n\nRussia",
        "  deter Russia \n",
    ],
)
def test_whitespace_runs_line_breaks_and_nbsp_fold_to_one_space(text: str) -> None:
    assert norm(text) == "deter russia"


def test_invisible_characters_are_dropped() -> None:
    assert norm("secu\u00adrity guar\u200bantee\ufeff") == "security guarantee"


def test_ellipsis_folds_to_three_dots() -> None:
    assert norm("and so on…") == norm("and so on...") == "and so on..."


def test_case_is_folded() -> None:
    assert norm("US Security GUARANTEE") == norm("us security guarantee")


# --- encoding debris --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("as ‘regrettable’. Â\nAnd he", "as 'regrettable'. and he"),
        ("as ‘regrettable’.\u00a0Â\nAnd he", "as 'regrettable'. and he"),
        ("will die.’Â\n- Ministers", "will die.'-ministers"),
        ("the Ukraine crisisÂ\nDiplomatic", "the ukraine crisis diplomatic"),
        ("Lancaster House Â in London", "lancaster house in london"),
        ("end of fileÂ", "end of file"),
    ],
)
def test_lone_a_circumflex_debris_is_dropped(text: str, expected: str) -> None:
    assert norm(text) == expected


@pytest.mark.parametrize("text", ["2Â5% of GDP", "group A1Â2 of", "from 3Â000 troops"])
def test_a_lone_a_circumflex_between_numbers_does_not_join_them(text: str) -> None:
    """Dropped, "2Â5%" would read "25%", a number the file does not show."""
    joined = text.replace("Â", "")
    assert joined.lower() not in norm(text) and "â" in norm(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("last weekâ€™s clash", "last week's clash"),
        ("â€œutter folly", "'utter folly"),
        ("forces â€“ and", "forces-and"),
        ("forces â€” and", "forces-and"),
        ("a Â£660 billion plan", "a £660 billion plan"),
        ("the Ã‰lysÃ©e Palace", "the élysée palace"),
        ("100Â\u00a0troops", "100 troops"),
    ],
)
def test_cp1252_mojibake_is_repaired(text: str, expected: str) -> None:
    assert norm(text) == expected


def test_mojibake_of_a_closing_double_quote_is_repaired() -> None:
    # "”" is E2 80 9D in UTF-8; 0x9D has no cp1252 character, so a misread file holds
    # "â€" followed by U+009D (what Windows and browsers produce for that byte).
    assert norm("â€œutter follyâ€\u009d said") == "'utter folly' said"


def test_mojibake_matches_the_clean_text() -> None:
    assert norm("Britainâ€™s Â£660 billion") == norm("Britain’s £660 billion")


def test_a_run_of_stray_a_circumflex_is_dropped() -> None:
    assert norm("regrettable.ÂÂ It is time") == "regrettable. it is time"
    assert norm("regrettable. Â Â It is time") == "regrettable. it is time"


def test_a_circumflex_that_starts_a_word_is_kept() -> None:
    assert norm("Âmbito") == "âmbito"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Élysée Palace", "the élysée palace"),
        ("José’s plan", "josé's plan"),
        ("JOSÉ’S PLAN", "josé's plan"),
        ("CAFÉ—BAR", "café-bar"),
        ("a ‘café’\u00a0nearby", "a 'café' nearby"),
        ("“touché”…", "'touché'..."),
        ("à la carte", "à la carte"),
    ],
)
def test_real_accented_letters_next_to_typography_are_not_mojibake(
    text: str, expected: str
) -> None:
    # "É’" and "é’\u00a0" are also valid cp1252 readings of UTF-8 bytes, but they are far
    # more often just what they look like: an accented letter before a quote or a space.
    assert norm(text) == expected


# --- the offset map ---------------------------------------------------------------------


def test_map_has_one_original_span_per_normalised_character() -> None:
    text = "Sir Keir said  “a US backstop” — Â\nit’s clear…"
    n = normalise(text)
    assert n.text == "sir keir said 'a us backstop'-it's clear..."
    assert len(n.starts) == len(n.ends) == len(n.text)
    assert all(0 <= s < e <= len(text) for s, e in zip(n.starts, n.ends, strict=True))
    assert list(n.starts) == sorted(n.starts)


@pytest.mark.parametrize(
    ("needle", "original"),
    [
        ("'a us backstop'", "“a US backstop”"),
        ("backstop'-it's", "backstop” — Â\nit’s"),
        ("said 'a", "said  “a"),
        ("clear...", "clear…"),
        ("week's £660", "weekâ€™s Â£660"),
    ],
)
def test_original_span_maps_back_to_the_exact_original_text(needle: str, original: str) -> None:
    text = "Sir Keir said  “a US backstop” — Â\nit’s clear… last weekâ€™s Â£660 plan"
    n = normalise(text)
    i = n.text.index(needle)
    start, end = n.original_span(i, i + len(needle))
    assert text[start:end] == original


def test_original_span_of_a_dash_covers_the_whole_dash_run() -> None:
    text = "forces -- and"
    n = normalise(text)
    assert n.text == "forces-and"
    start, end = n.original_span(6, 7)
    assert text[start:end] == "--"


# --- find_all ---------------------------------------------------------------------------


def test_find_all_respects_word_boundaries() -> None:
    assert find_all("he", "the") == []
    assert find_all("he", "there") == []
    assert find_all("he", "he said the") == [0]
    assert find_all("he", "so he said he") == [3, 11]
    assert find_all("he", "he-said") == [0]
    assert find_all("the", "the then other the.") == [0, 15]


def test_find_all_numbers_and_punctuation_edges() -> None:
    assert find_all("2.5", "to 2.5% of gdp") == [3]
    assert find_all("2.5", "to 12.5% of gdp") == []
    assert find_all("2.5", "to 2.55% of gdp") == []
    assert find_all("100", "100,000 troops") == [0]  # "," ends the word "100"
    assert find_all("-and", "forces-and") == [6]  # a leading dash needs no boundary
    assert find_all("'folly'", "utter'folly' said") == [5]


def test_find_all_empty_needle_finds_nothing() -> None:
    assert find_all("", "anything") == []


def test_find_all_finds_overlapping_candidates() -> None:
    assert find_all("a a", "a a a") == [0, 2]


# --- display ----------------------------------------------------------------------------


def test_display_drops_debris_but_keeps_typography() -> None:
    assert display("‘regrettable’.\u00a0Â\n  And   he — said") == "‘regrettable’. And he — said"
    assert display("Britainâ€™s Â£660") == "Britain’s £660"


# --- properties -------------------------------------------------------------------------

FRAGMENTS = [
    "a",
    "B",
    "the",
    "Russia",
    "2.5",
    ",",
    ".",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "\u00a0",
    "Â",
    "Â ",
    "â€™",
    "Â£",
    "£",
    "“",
    "”",
    "‘",
    "’",
    '"',
    "'",
    "-",
    "–",
    "—",
    "--",
    "…",
    "\u00ad",
    "\u200b",
    "Élysée",
    "¹",
    "²³",
    "%",
    "Â¹",
    "ﬁ",
    "sec",
    "\u0301",  # a combining accent, after whatever came before it
]
messy_text = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)


@PROPERTY
@given(messy_text)
@example("x \u00c2\u0301e y")  # an accent on encoding debris goes with it
def test_normalise_is_idempotent(text: str) -> None:
    once = norm(text)
    assert norm(once) == once


@PROPERTY
@given(messy_text)
def test_offset_map_is_well_formed(text: str) -> None:
    n = normalise(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    assert all(0 <= s < e <= len(text) for s, e in zip(n.starts, n.ends, strict=True))
    assert list(n.starts) == sorted(n.starts)
    assert n.text == n.text.strip()
    assert "  " not in n.text


def _word_edges(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the space-separated words of normalised text."""
    starts = [i for i in range(len(text)) if text[i] != " " and (i == 0 or text[i - 1] == " ")]
    ends = [
        i + 1
        for i in range(len(text))
        if text[i] != " " and (i + 1 == len(text) or text[i + 1] == " ")
    ]
    return starts, ends


@PROPERTY
@given(messy_text)
@example("ÂÂ").via("two stray Â: the first is kept as a letter, alone it is dropped")
def test_original_span_normalises_to_the_same_words(text: str) -> None:
    n = normalise(text)
    starts, ends = _word_edges(n.text)
    for a in starts:
        for b in (e for e in ends if e > a):
            start, end = n.original_span(a, b)
            assert norm(text[start:end]) == n.text[a:b], (a, b, text[start:end])


WORDS = st.lists(
    st.sampled_from(["he", "the", "then", "other", "she", "ethe", "h", "e"]), max_size=30
)


@PROPERTY
@given(WORDS, st.sampled_from(["he", "the", "e"]))
def test_find_all_finds_exactly_the_whole_words(words: list[str], needle: str) -> None:
    haystack = " ".join(words)
    expected, pos = [], 0
    for word in words:
        if word == needle:
            expected.append(pos)
        pos += len(word) + 1
    assert find_all(needle, haystack) == expected


# A source built from this vocabulary, then typeset differently from the quote.
VOCABULARY = [
    "the",
    "he",
    "a",
    "US",
    "UK",
    "security",
    "guarantee",
    "was",
    "only",
    "way",
    "to",
    "deter",
    "Russia",
    "Russia,",
    "peace",
    "deal.",
    "it's",
    "don't",
    "Britain's",
    '"backstop"',
    '"key',
    'elements"',
    "'utter",
    "folly'",
    "-",
    "well-armed",
    "two-fifths",
    "2.5%",
    "100,000",
    "(RUSI)",
]
ABSENT = ["zebra", "Helsinki", "marmalade", "tariff", "Ukrainian"]

CURLY = {'"': '“”"', "'": "‘’'"}
DASHES = ["-", "–", "—", "--"]
SEPARATORS = [" ", " ", " ", "\u00a0", "  ", "Â ", " \u00a0", "\n "]


def perturb(words: list[str], width: int, rng: random.Random) -> str:
    """Typeset words as a received source might be: hard-wrapped, curly, NBSPs, debris."""
    out: list[str] = []
    line = 0
    for i, word in enumerate(words):
        word = "".join(rng.choice(CURLY[c]) if c in CURLY else c for c in word)
        word = "".join(rng.choice(DASHES) if c == "-" else c for c in word)
        if i:
            if line + 1 + len(word) > width:
                sep = rng.choice(["\n", "Â\n", "\u00a0\n", " \n"])
                line = 0
            else:
                sep = rng.choice(SEPARATORS)
            out.append(sep)
            line += len(sep)
        out.append(word)
        line += len(word)
    return "".join(out)


source_words = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=60)


@PROPERTY
@given(source_words, st.integers(10, 80), st.randoms(use_true_random=False), st.data())
def test_quote_is_found_however_the_source_is_typeset(
    words: list[str], width: int, rng: random.Random, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(words) - 1), label="quote start")
    j = data.draw(st.integers(i + 1, len(words)), label="quote end")
    quote = " ".join(words[i:j])
    source = perturb(words, width, rng)

    span, _ambiguous = locate(quote, SourceText(source))

    assert span is not None, f"{quote!r} not found in {source!r}"
    assert norm(source[span.start : span.end]) == norm(quote)


@PROPERTY
@given(source_words, st.integers(10, 80), st.randoms(use_true_random=False), st.data())
def test_quote_typeset_like_the_source_is_found_in_a_plain_source(
    words: list[str], width: int, rng: random.Random, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(words) - 1), label="quote start")
    j = data.draw(st.integers(i + 1, len(words)), label="quote end")
    quote = perturb(words[i:j], width, rng)
    source = " ".join(words)

    span, _ambiguous = locate(quote, SourceText(source))

    assert span is not None, f"{quote!r} not found in {source!r}"
    assert norm(source[span.start : span.end]) == norm(quote)


@PROPERTY
@given(source_words, st.integers(10, 80), st.randoms(use_true_random=False), st.data())
def test_quote_with_a_word_absent_from_the_source_is_never_found(
    words: list[str], width: int, rng: random.Random, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(words) - 1), label="quote start")
    j = data.draw(st.integers(i + 1, len(words)), label="quote end")
    quoted = list(words[i:j])
    k = data.draw(st.integers(0, len(quoted)), label="where the stranger goes")
    replace = data.draw(st.booleans(), label="replace a word") and k < len(quoted)
    quoted[k : k + int(replace)] = [data.draw(st.sampled_from(ABSENT), label="stranger")]
    source = perturb(words, width, rng)

    span, _ambiguous = locate(" ".join(quoted), SourceText(source))

    assert span is None


def test_only_punctuation_and_currency_are_repaired_from_a_three_byte_misreading() -> None:
    """An "â" starts the misreading of any character from U+2000 up; only punctuation and
    currency signs (U+2000 to U+20CF) are repaired, so a quote of the file as it stands
    still matches anything else."""
    assert norm("a â‚¬5 fee") == norm("a €5 fee")  # U+20AC, a currency sign
    assert norm("Brandâ„¢ name") != norm("Brand™ name")  # U+2122: left as it was read
    assert norm("Brandâ„¢ name").startswith("brandâ")
