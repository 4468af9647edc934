"""A figure against the words it cites: the same number, scale, currency and sign.

A figure's value (with its unit) must stand in its quoted words as the same whole
number: grouping is ignored (100,000 = 100000 = 100 000), the decimal point and the
sign are not, and a scale or currency in the value or unit ("£ billion", "bn", "%")
must stand next to that number in the quote. A calculated figure states its working
in `derived`, whose numbers must then stand in the quotes instead.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from briefgen.errors import Report, clip
from briefgen.models import Figure
from briefgen.normalise import Normalised, display, find_all, normalise, whole_words

if TYPE_CHECKING:
    from briefgen.matching import SourceText

SCALES = {
    "hundred": 2, "thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6,
    "billion": 9, "bn": 9, "b": 9, "trillion": 12, "tn": 12, "trn": 12,
}  # fmt: skip
_ATTACHED_ONLY = {"k", "m", "b"}  # "5m" is five million; "5 m" may be five metres
CURRENCIES = {
    "£": "£", "gbp": "£", "pound": "£", "pounds": "£", "sterling": "£",
    "$": "$", "us$": "$", "usd": "$", "dollar": "$", "dollars": "$",
    "€": "€", "eur": "€", "euro": "€", "euros": "€", "¥": "¥", "jpy": "¥", "yen": "¥",
}  # fmt: skip
_NUMBER = re.compile(
    r"(?P<cur>us\$|[£$€¥]|\b(?:gbp|usd|eur|jpy)\b)?\s?"
    r"(?:(?<![\w.,:/-])(?P<sign>[-+](?=\d)|minus (?=\d)))?(?<![\w.,:/])(?<![^\W\d_]-)"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?![\d])(?P<pct>\s?%|\s?per ?cent\b)?"
    r"(?:(?P<near>\s?-?)(?P<scale>hundred(?: (?:thousand|million|billion))?|thousand|million|billion|trillion|mn|bn|tn|trn|[kmb])\b)?"
    r"(?:\s(?P<nation>australian|canadian|new zealand|hong kong|singapore|us|american)(?=\sdollar))?"
    r"(?:\s(?P<cur2>pounds?|sterling|dollars?|euros?|yen|gbp|usd|eur)\b)?"
)
# digits go on past what _NUMBER read as a number, or a fraction or power is written
# against it ("5½", "10⁶", "3²"): not a number this can read
_NUMBER_FORMS = "\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u215f\u2189"
_DAY_THEN_NUMBER = re.compile(
    r"\b((?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}) (?=\d)"
)
_NUMBER_FORM = re.compile(f"([{_NUMBER_FORMS}])")
_SPACED_MINUS = re.compile(r"\u2212[ \u00a0\u2009\u202f]+(?=\d)")


def _minus(found: re.Match[str]) -> str:
    """A spaced minus sign against the number after it; one between two amounts ("15 − 10")
    subtracts, and stays spaced."""
    before = found.string[max(0, found.start() - 64) : found.start()].rstrip()
    return found[0] if before and (before[-1].isdigit() or before[-1] in ")%") else "-"


# whitespace that ends a line, or a tab: digits it parts are never one number
_BREAKS = re.compile("[\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029]+")
_WHITESPACE = re.compile(r"\s+")


def _space_or_break(found: re.Match[str]) -> str:
    """A run of whitespace as one space, or as one line break if it holds one (or a tab)."""
    return "\n" if _BREAKS.search(found[0]) else " "


# between the two numbers of a range, written with nothing else by either
_RANGE = re.compile(r"-|\s(?:to|and)\s")  # "2-3", "2 to 3", "2 and 3"; not "£64bn - 2.3%"
_CARRIES_ON = re.compile(f"[.,:/]\\d|[{_NUMBER_FORMS}]")
_DIGITS = re.compile(r"\d")
_NOT_SPACE = re.compile(r"\S+")
# "£m", "$bn", "k": a short scale leading the unit (not the metre of "m²" or "m/s")
_SHORT_SCALE_UNIT = re.compile(r"^(?:us\$|[£$€¥])?\s?(?P<scale>[kmb])(?![\w/])")
_POINTS = re.compile(r"\bpercentage points?\b")
_PERCENT = re.compile(r"\bper ?cent(?:age)?\b")
_UNIT_WORD = re.compile(r"[a-z]{1,3}\$|[£$€¥%]|[a-z]+")
_DOLLAR_PREFIX = re.compile(r"[a-z]{1,3}\Z")
_NUMBER_WORDS = frozenset(
    re.split(
        r"\s+",
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
        "eighty ninety hundred thousand million billion trillion half halves third thirds "
        "quarter quarters fifth fifths sixth sixths seventh sevenths eighth eighths ninth ninths "
        "tenth tenths dozen double twice triple treble",
    )
)
# the number word joined by a hyphen before or after a match ("twenty-" of "twenty-two")
_WORD_BEFORE = re.compile(r"(?P<word>[a-z]+)(?P<dash>-)\Z")
_WORD_AFTER = re.compile(r"(?P<dash>-)(?P<word>[a-z]+)")
_WORD_GROUP = re.compile(r"[a-z]+(?:-[a-z]+)*")


@dataclass(frozen=True)
class Amount:
    """A number as it stands in text, with what is written next to it."""

    text: str
    number: Decimal
    scale: int  # the power of ten a scale word gives ("billion": 9)
    currency: str | None
    percent: bool
    # where it stands in _clean(text) of the text it was read from
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)

    @property
    def magnitude(self) -> Decimal:
        return self.number.scaleb(self.scale)


def _clean(text: str) -> str:
    """Lower case, one kind of minus and of space; the decimal point and digits kept as written
    (and a fraction or superscript too: "5½" is not 51, nor "10⁶" 106)."""
    if not text.isascii():
        text = "".join(
            p if _NUMBER_FORM.fullmatch(p) else unicodedata.normalize("NFKC", p)
            for p in _NUMBER_FORM.split(text)
        )
    text = _DAY_THEN_NUMBER.sub(r"\1; ", text.lower())  # "March 12 400": the 12th, then 400
    if "\u2212" in text:  # a minus sign, spaced or not ("− 5%"), unless between two amounts
        text = _SPACED_MINUS.sub(_minus, text)
    text = re.sub(r"[\u2212\u2012\u2013\u2010\u2011\ufe63\uff0d]", "-", text)
    # a space groups digits ("100 000"); a line break or tab never does ("Section 3⏎250
    # troops" is two numbers), though it may stand between a number and its scale or unit
    return _WHITESPACE.sub(_space_or_break, text)


def amounts(text: str) -> list[Amount]:
    """Every number in `text`, with its sign, scale word, currency and percent sign.

    A number written in a way this cannot read ("2,5" with a decimal comma, "1.2.3")
    is left out rather than read as its first digits ("2"), which would let a wrong
    value match it."""
    return _amounts_in(_clean(text))


def _amounts_in(cleaned: str) -> list[Amount]:
    """`amounts` of a text already made _clean, each placed in it."""
    found: list[Amount] = []
    last: re.Match[str] | None = None
    for m in _NUMBER.finditer(cleaned):
        if _CARRIES_ON.match(cleaned, m.end("num")):
            last = None
            continue
        scale_word = m["scale"] or ""
        if scale_word in _ATTACHED_ONLY and m["near"]:
            scale_word = ""
        digits = m["num"].replace(",", "").replace(" ", "")
        number = Decimal(digits) * (-1 if m["sign"] in ("-", "minus ") else 1)
        currency = CURRENCIES.get(m["cur"] or "") or CURRENCIES.get(m["cur2"] or "")
        shown = m[0].strip()
        if m["cur"] == "$":  # A$, C$, HK$: a dollar of another country, not the US one
            currency = _dollar(cleaned[: m.start("cur")])
            shown = currency[:-1] + shown
        elif m["nation"]:  # "3 billion Australian dollars"
            currency = _NATION_DOLLARS[m["nation"]]
        scale = sum(SCALES.get(word, 0) for word in scale_word.split())  # hundred thousand: 5
        start = m.start() + len(m[0]) - len(m[0].lstrip())
        amount = Amount(shown, number, scale, currency, bool(m["pct"]), start, m.end())
        between = cleaned[last.end() : start] if last else ""
        if last is not None and _RANGE.fullmatch(between):
            # "£2-3 billion", "2.3-2.5%", "between 2 and 3 billion": what one end of a
            # range writes, the other shares; a scale or percent only with a larger
            # number after ("from 800,000 to 1.2 million" is not 800,000 million)
            first = found[-1]
            rises = not (first.scale or first.percent) and abs(first.number) < abs(number)
            found[-1] = replace(
                first,
                scale=first.scale or (amount.scale if rises else 0),
                percent=first.percent or (amount.percent and rises),
                currency=first.currency or amount.currency,
            )
            amount = replace(amount, currency=amount.currency or first.currency)
        found.append(amount)
        last = m
    return found


def unread_numbers(text: str) -> list[str]:
    """The words of `text` with digits that are not part of a number `amounts` reads
    ("0x17", "1e3", "2,5", "1.2.3")."""
    cleaned = _clean(text)
    read = [
        m.span("num")
        for m in _NUMBER.finditer(cleaned)
        if not _CARRIES_ON.match(cleaned, m.end("num"))
    ]
    words: dict[str, None] = {}
    for word in _NOT_SPACE.finditer(cleaned):
        for digit in _DIGITS.finditer(word[0]):
            at = word.start() + digit.start()
            if not any(start <= at < end for start, end in read):
                words[word[0]] = None
                break
    return list(words)


def unit_terms(unit: str | None) -> tuple[int, str | None, bool]:
    """The scale, currency and percent a unit carries ("£ billion": 9, "£", False)."""
    scale, currency, percent = 0, None, False
    text = _clean(unit or "").strip()
    short = _SHORT_SCALE_UNIT.match(text)  # "£m", "$bn", "k": a short scale leading the unit
    if short:
        scale = SCALES[short["scale"]]
    # "percentage points" are points, not a percentage; "per cent of GDP" is one
    text = _PERCENT.sub("%", _POINTS.sub(" points ", text))
    words = _UNIT_WORD.findall(text)
    nation = next((n for n in _NATION_DOLLARS if re.search(rf"\b{n} dollars?\b", text)), None)
    for word in words:
        if word == "%":
            percent = True
        elif word in SCALES and word not in _ATTACHED_ONLY:
            scale = max(scale, SCALES[word])
        elif word in CURRENCIES:
            currency = (
                _NATION_DOLLARS[nation]
                if nation and word.startswith("dollar")
                else CURRENCIES[word]
            )
        elif word.endswith("$"):
            currency = _dollar(word[:-1])
    return scale, currency, percent


# the dollars named in words ("Australian dollars"), as their signs are written (A$)
_NATION_DOLLARS = {
    "australian": "A$",
    "canadian": "C$",
    "new zealand": "NZ$",
    "hong kong": "HK$",
    "singapore": "S$",
    "us": "$",
    "american": "$",
}


def _dollar(before: str) -> str:
    """The dollar a "$" written after `before` is: "$" (the US one) unless letters other
    than "us" lead it ("a$" of A$3 billion)."""
    prefix = _DOLLAR_PREFIX.search(before)
    return "$" if prefix is None or prefix[0] == "us" else f"{prefix[0].upper()}$"


def quoted_words(raw: str) -> str:
    """A quoted passage of the source as the figure check reads it: as the brief shows it
    (encoding debris repaired, a word broken at a line end whole), its line breaks and tabs
    kept, for `amounts` to read ("Section 3⏎250 troops" is two numbers)."""
    return "\n".join(display(piece) for piece in _BREAKS.split(whole_words(raw)))


def check_figure(
    figure: Figure, report: Report, texts: Mapping[str, SourceText] | None = None
) -> None:
    """Report a figure whose value (or working) is not what its quoted words say; with the
    source texts, the words are read from the source as it stands."""
    spans = [
        quoted_words(texts[c.source_id].text[c.span.start : c.span.end])
        if texts is not None and c.source_id in texts
        else c.span.text
        for c in figure.cite
        if c.span is not None
    ]
    if len(spans) != len(figure.cite) or not spans or not figure.value:
        return  # nothing cited, or a quote not found: already reported
    if figure.derived:
        problem = _check_working(figure.derived, spans)
        where = figure.derived_loc or figure.loc
    else:
        problem = value_problem(figure.value, figure.unit, spans)
        where = figure.value_loc or figure.loc
    if problem:
        report.error(f'figure "{figure.id}": {problem}', where)
    elif not figure.derived and (counted := unit_unquoted(figure.unit, spans, figure.value)):
        report.warning(
            f'figure "{figure.id}": its unit "{clip(counted, 40)}" is not in its quoted '
            "words; write the unit as the quote does, so that the brief counts what the "
            "source counts (500 km is not 500 miles)",
            figure.value_loc or figure.loc,
        )
    elif not figure.derived and (other := unit_elsewhere(figure.value, figure.unit, spans)):
        theirs, ours = other
        report.warning(
            f'figure "{figure.id}": in its quoted words the unit counts another number '
            f'("{clip(theirs, 40)}"), and the value\'s number counts something else '
            f'("{clip(ours, 40)}"); write the unit as the quote gives it for the value, or '
            f"quote the passage that gives {_shown(figure.value, figure.unit)}",
            figure.value_loc or figure.loc,
        )


_UNIT_FILLER = frozenset({"of", "the", "a", "an", "per", "in", "on", "to", "for", "and"})


def unit_unquoted(unit: str | None, texts: Sequence[str], value: str = "") -> str | None:
    """The word of a one-word unit ("troops", "km") when no quote has it (or its singular or
    plural); None when it is there, or the unit is more than a word or only a scale,
    currency or percent ("£ billion", "% of GDP")."""
    word = _one_unit_word(unit, value)
    if word is None or _table_row(texts):
        return None
    wanted = _unit_forms(word)
    for text in texts:
        cleaned = _NUMBER_FORM.sub(" ", _clean(text))  # "km²" is km
        # a word broken at a line end ("sol-⏎diers") is read whole too
        found = _LETTERS.findall(cleaned) + _LETTERS.findall(re.sub(r"-\s*", "", cleaned))
        if any(_forms(w) & wanted for w in found):
            return None
    return word


def _unit_forms(word: str) -> set[str]:
    """A unit word's forms: singular or plural, short or in full ("km", "kilometres")."""
    return set().union(*(_forms(w) for w in (word, *_UNIT_NAMES.get(word, ()))))


def unit_elsewhere(value: str, unit: str | None, texts: Sequence[str]) -> tuple[str, str] | None:
    """When a one-word unit stands in the quotes only counted by other numbers ("300
    troops") while the value's own number counts something else ("500 tanks"): those
    words, and what the value's number counts. None when the unit counts the value's
    number or one joined to it ("500 or 600 troops"), when it stands where no number
    counts it ("the troops, some 500"), or when the value's number counts nothing the
    words say ("up from 500"): then nothing here says the unit is wrong."""
    word = _one_unit_word(unit, value)
    wanted = amounts(value)
    if word is None or len(wanted) != 1 or _table_row(texts):
        return None
    magnitude = wanted[0].number.scaleb(wanted[0].scale or unit_terms(unit)[0])
    forms = _unit_forms(word)
    theirs, ours = None, []
    for text in texts:
        read = _clean(text)
        chains = _chains(_amounts_in(read), read)
        cleaned = _NUMBER_FORM.sub(" ", read)  # the same places; "km²" is km
        ends = [c[-1].end for c in chains]
        for used in _LETTERS.finditer(cleaned):
            if not _forms(used[0]) & forms:
                continue
            before = bisect.bisect_right(ends, used.start()) - 1  # the last chain before it
            chain = chains[before] if before >= 0 else None
            if chain is not None and (
                not _COUNTS.fullmatch(cleaned, chain[-1].end, used.start()) or _year(chain[-1])
            ):
                chain = None  # ("since 2014 troops have": a year counts nothing)
            if chain is None or any(a.magnitude == magnitude for a in chain):
                return None  # counted by no number, or by the value's own
            theirs = theirs or cleaned[chain[-1].start : used.end()]
        for chain in chains:
            if any(a.magnitude == magnitude for a in chain):
                counted = _COUNTED.match(cleaned, chain[-1].end)
                if (
                    counted is None
                    or _forms(counted[1]) & forms
                    or not _counted(counted[1], magnitude)
                ):
                    return None
                end = counted.end()  # and up to two words more ("500 british troops")
                for more in _COUNTED.finditer(cleaned, end):
                    if more.start() != end or more[1] in _NOT_COUNTED or end - counted.end() > 40:
                        break
                    end = more.end()
                ours.append(cleaned[chain[0].start : end])
    return (theirs, ours[0]) if theirs and ours else None


def _table_row(texts: Sequence[str]) -> bool:
    """Whether a quote is a table row ("Germany | 2.1% | 181,000"): its unit is in the
    table's header, which the row's quote leaves out, so neither unit check looks at it."""
    return any(" | " in t for t in texts)


def _one_unit_word(unit: str | None, value: str) -> str | None:
    """The word of a one-word unit ("troops", "km"); None for a unit of more words or of
    only a scale, currency or percent ("£ billion", "% of GDP")."""
    cleaned = _PERCENT.sub("%", _clean(unit or ""))
    if "%" in cleaned or "%" in _PERCENT.sub("%", _clean(value)):
        # "% of GDP", or "2.3%" "of GDP": what a share is of, checked as a percent already
        return None
    words = [
        w
        for w in _UNIT_WORD.findall(cleaned)
        if w.isalpha() and w not in SCALES and w not in CURRENCIES and w not in _UNIT_FILLER
    ]
    return words[0] if len(words) == 1 and len(words[0]) >= 2 else None


def _counted(word: str, magnitude: Decimal) -> bool:
    """Whether the word after a number is what it counts: a plural noun, by its look (or,
    after 1, any word that is not a function word). Not "500 British and 300 French
    troops", "3 died", "500 rather than 300": a word there need not be what the number
    counts, and then nothing says the unit is wrong."""
    if word in _NOT_COUNTED:
        return False
    if magnitude == 1:
        return True
    if word in _PLURALS or word.endswith(("children", "people", "men")):
        return True  # "500 children", "300 servicemen"
    return len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _year(amount: Amount) -> bool:
    return (
        amount.number == amount.number.to_integral_value()
        and 1800 <= amount.number <= 2199
        and len(amount.text) == 4
        and not (amount.scale or amount.currency or amount.percent)
    )


def _chains(found: list[Amount], cleaned: str) -> list[list[Amount]]:
    """The amounts of a text in runs joined as a list or range is ("500, 600 or 700")."""
    chains: list[list[Amount]] = []
    for amount in found:
        if chains and _JOINS.fullmatch(cleaned, chains[-1][-1].end, amount.start):
            chains[-1].append(amount)
        else:
            chains.append([amount])
    return chains


_LETTERS = re.compile(r"[^\W\d_]+")
_JOINS = re.compile(r"\s*(?:-|,|,?\s*(?:to|and|or|and/or)|/)\s*")
_COUNTS = re.compile(r"(?:\s+[^\W\d_]+(?:-[^\W\d_]+)*){0,3}\s+")  # "500 armoured troops"
_COUNTED = re.compile(r"\s+([^\W\d_]+)")
# words after a number that say nothing of what it counts ("500 of them", "500 were")
_NOT_COUNTED = (
    frozenset(
        re.split(
            r"\s+",
            "of the a an per in on to for and or than from by at as with was were is are be been "
            "being will would could should may might must can has have had more less fewer over "
            "under up down each last next this that these those so such some about around nearly "
            "almost only just still also then now here there since until before after into out "
            "who which whom whose it its they them their he she we you rather not",
        )
    )
    | frozenset(SCALES)
    | frozenset(CURRENCIES)
)


# a unit written short and in full ("km" is "kilometres"), either way round
_UNIT_NAMES: dict[str, tuple[str, ...]] = {}
for _short, *_names in (
    ("km", "kilometre", "kilometer"),
    ("mi", "mile"),
    ("kg", "kilogram", "kilogramme"),
    ("t", "tonne", "ton"),
    ("ha", "hectare"),
    ("pp", "point", "percentage"),
    ("bpd", "barrel"),
):
    _UNIT_NAMES[_short] = tuple(_names)
    for _name in _names:
        _UNIT_NAMES[_name] = (_short, *_names)
        _UNIT_NAMES[_name + "s"] = (_short, *_names)


def _forms(word: str) -> set[str]:
    """A word and what it is without a plural ending ("missiles": "missile", "missil"),
    an irregular plural's singular and a singular's irregular plural ("children" and
    "child", "crises" and "crisis", "lives" and "life", "servicemen" and "serviceman")."""
    forms = {word}
    for ending, instead in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(ending) and len(word) > len(ending) + 1:
            forms.add(word[: -len(ending)] + instead)
    for plural, singular in _IRREGULAR.items():
        for this, that in ((plural, singular), (singular, plural)):
            if word.endswith(this) and (len(word) == len(this) or this in _COMPOUNDING):
                forms.add(word[: len(word) - len(this)] + that)
    if word.endswith("ves") and len(word) > 4:  # lives, wolves, halves, knives
        forms |= {word[:-3] + "f", word[:-3] + "fe"}
    return forms


# plurals not made with "s", and their singulars
_IRREGULAR = {
    "children": "child",
    "people": "person",
    "men": "man",
    "women": "woman",
    "feet": "foot",
    "teeth": "tooth",
    "mice": "mouse",
    "geese": "goose",
    "oxen": "ox",
    "dice": "die",
    "indices": "index",
    "matrices": "matrix",
    "vertices": "vertex",
    "appendices": "appendix",
    "data": "datum",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "media": "medium",
    "bacteria": "bacterium",
    "strata": "stratum",
    "curricula": "curriculum",
    "fungi": "fungus",
    "nuclei": "nucleus",
    "stimuli": "stimulus",
    "radii": "radius",
    "alumni": "alumnus",
    "analyses": "analysis",
    "crises": "crisis",
    "theses": "thesis",
    "bases": "basis",
    "diagnoses": "diagnosis",
    "hypotheses": "hypothesis",
    "oases": "oasis",
    "axes": "axis",
    "syntheses": "synthesis",
}
_COMPOUNDING = frozenset({"children", "child", "people", "men", "man", "women", "woman"})
# nouns that count as they are, one or many ("500 aircraft", "300 staff")
_UNCHANGED = frozenset(
    {
        "aircraft",
        "sheep",
        "deer",
        "fish",
        "offspring",
        "series",
        "species",
        "staff",
        "personnel",
        "police",
        "cattle",
        "livestock",
        "crew",
        "headquarters",
    }
)
_PLURALS = frozenset(_IRREGULAR) | _UNCHANGED


def value_problem(value: str, unit: str | None, texts: Sequence[str]) -> str | None:
    """Why `value` (with `unit`) is not borne out by the quoted texts, or None when it is."""
    quoted_amounts = [a for t in texts for a in amounts(t)]
    unread = unread_numbers(value)
    if unread:  # matched only as written, as words are ("2,5" in a quote that writes so)
        return _words_problem(value, texts) and _unread(
            f'value "{clip(value, 40)}"', value, unread[0]
        )
    wanted = amounts(value)
    if not wanted:
        return _words_problem(value, texts, unit)
    unit_scale, unit_currency, unit_percent = unit_terms(unit)
    for amount in wanted:
        scale = amount.scale or unit_scale
        currency = amount.currency or unit_currency
        percent = amount.percent or unit_percent
        magnitude = amount.number.scaleb(scale)
        same = [a for a in quoted_amounts if a.magnitude == magnitude]
        claim = _shown(value if len(wanted) == 1 else amount.text, unit)
        rescaled = [a for a in quoted_amounts if a.number == amount.number and a.scale != scale]
        if not same and rescaled:
            return (
                f"{claim} does not have the scale of the quote, which gives {_list(rescaled)}; "
                'write the scale in the unit as the quote does (for example  unit: "£ billion")'
            )
        if not same:
            return (
                f"{claim} is not in its quoted words{_they_give(quoted_amounts, texts)}; correct "
                "the value and unit, quote the passage that gives the number, or, for a calculated "
                "figure, give the working in  derived:"
            )
        if currency and not any(a.currency == currency for a in same):
            return (
                f'{claim} needs the currency "{currency}" next to the number in the quote, which '
                f"gives {_list(same)}; correct the unit or quote the passage with the currency"
            )
        if percent != any(a.percent for a in same):
            need = "a percentage" if percent else "not a percentage"
            return f"{claim} is {need}, but the quote gives {_list(same)}; " + (
                'remove "%" from the value and unit' if percent else 'add "%" to the unit'
            )
    return None


def _check_working(derived: str, texts: Sequence[str]) -> str | None:
    """Why the working of a calculated figure does not rest on its quotes, or None."""
    quoted_amounts = [a for t in texts for a in amounts(t)]
    unread = unread_numbers(derived)
    if unread:
        return _unread(f'"derived: {clip(derived, 60)}"', derived, unread[0])
    numbers = amounts(derived)
    number_words = [
        group
        for group in _WORD_GROUP.findall(normalise(re.sub(r"\d[\d.,]*", " ", derived)).text)
        if any(part in _NUMBER_WORDS for part in group.split("-"))
    ]
    if not numbers and not number_words:
        return (
            f'"derived: {clip(derived, 60)}" gives no numbers; write the working with the quoted '
            "numbers it starts from, for example  derived: two-fifths of 100,000"
        )
    for amount in numbers:
        if not any(a.magnitude == amount.magnitude for a in quoted_amounts):
            return (
                f'"{amount.text}" in derived is not in the quoted words'
                f"{_they_give(quoted_amounts)}; quote the passage that gives it"
            )
    for group in number_words:
        if not any(_in_words(group, t) for t in texts):
            return (
                f'"{group}" in derived is not in the quoted words; quote the passage that gives it'
            )
    return None


def _words_problem(value: str, texts: Sequence[str], unit: str | None = None) -> str | None:
    needle = normalise(value).text
    # the scale a unit writes may follow the words ("two" "million people": two million)
    scales = frozenset(w for w in _UNIT_WORD.findall(_clean(unit or "")) if w in _SCALE_WORDS)
    if any(_in_words(needle, t, scales) for t in texts):
        return None
    return (
        f'value "{clip(value, 60)}" is not in its quoted words; write it as the source does, '
        "or quote the passage that gives it"
    )


def _unread(what: str, whole: str, word: str) -> str:
    number = (
        "is not a number"
        if word == _clean(whole).strip()
        else f'has "{clip(word, 30)}", not a number'
    )
    return (
        f"{what} {number} this can read; write each number in "
        'plain digits with "." for a decimal point and "," only between groups of three '
        "(for example 1.5, 230000 or 230,000)"
    )


def _in_words(needle: str, text: str, then: frozenset[str] = frozenset()) -> bool:
    """Whether `needle` (normalised) stands in `text` as whole words, not as part of a
    longer number ("two" of "twenty-two", "twenty two", "two-thirds" or "two hundred";
    "half" of "one and a half"; "one" of "one-month" is whole, and so is "two" of
    "two - three", a spaced dash)."""
    hay = normalise(text)
    for start in find_all(needle, hay.text):
        end = start + len(needle)
        before = _WORD_BEFORE.search(hay.text, 0, start) if needle[0].isalpha() else None
        after = _WORD_AFTER.match(hay.text, end) if needle[-1].isalpha() else None
        joined = [m for m in (before, after) if m and m["word"] in _NUMBER_WORDS]
        if any(_unspaced(hay, text, m.start("dash")) for m in joined):
            continue
        words, following = needle.split(), hay.text[end:].split()
        preceding = hay.text[:start].split()[::-1]
        stopped = hay.text[end : end + 1] in _STOPS  # "two, hundred more": two
        if not stopped and following and following[0].strip(_STOPS) in then:
            following = following[1:]  # the unit's own scale word: part of what it says
            if following and following[0].strip(_STOPS) in _SCALE_WORDS:
                continue  # "two million billion"? not this value
            return not _spaced_number(preceding, words[0])
        if not _spaced_number(preceding, words[0]) and (
            stopped or not _spaced_number(following, words[-1], after=True)
        ):
            return True
    return False


_STOPS = ".,;:!?"


_SCALE_WORDS = frozenset({"hundred", "thousand", "million", "billion", "trillion"})


def _spaced_number(near: list[str], edge: str, after: bool = False) -> bool:
    """Whether the words `near` a match (nearest first) carry its number on: a number word
    next to it ("twenty two", "two hundred", "three quarters"), "and a half" after or
    before it, or "and" between it and a scale word ("two hundred and five")."""
    if edge not in _NUMBER_WORDS or not near:
        return False
    first = near[0].strip(_STOPS)
    # no stop between them: after the match, a stop would be on the match (see _in_words)
    if first in _NUMBER_WORDS and (after or not near[0].endswith(tuple(_STOPS))):
        return True
    if near[:2] == (["and", "a"] if after else ["a", "and"]) and len(near) > 2:
        return near[2].strip(_STOPS) in _NUMBER_WORDS  # "one and a half"
    if first == "and" and len(near) > 1:  # "two hundred and five", "hundred and five"
        other = near[1].strip(_STOPS)
        return (other if not after else edge) in _SCALE_WORDS and other in _NUMBER_WORDS
    return False


def _unspaced(hay: Normalised, text: str, i: int) -> bool:
    """Whether the hyphen at hay.text[i] has no space on either side in the original."""
    at = hay.starts[i]
    return not (text[at - 1 : at].isspace() or text[at + 1 : at + 2].isspace())


def _shown(value: str, unit: str | None) -> str:
    return f'value "{clip(value, 40)}"' + (f' (unit "{clip(unit, 40)}")' if unit else "")


def _they_give(found: list[Amount], texts: Sequence[str] = ()) -> str:
    """What numbers the quotes give, and which of their numbers cannot be read as one."""
    gives = _list(found) if found else "no number"
    words = [] if found else list(dict.fromkeys(w for t in texts for w in _words_of_numbers(t)))
    if words:  # "ten per cent": read as words, as written
        shown = ", ".join(f'"{clip(w, 30)}"' for w in words[:3])
        gives = (
            f"no number in figures, and {shown} in words, which match only as written: "
            f'value: "{clip(words[0], 30)}"'
        )
    odd = list(dict.fromkeys(w for t in texts for w in unread_numbers(t)))
    if odd:
        shown = ", ".join(f'"{clip(w, 30)}"' for w in odd[:3])
        gives += f"; {shown} there can be matched only as written"
    return f" (they give {gives})"


def _words_of_numbers(text: str) -> list[str]:
    """The numbers a text writes in words ("ten", "two hundred", "two-fifths"); a lone
    "one" is taken for the word it mostly is ("no one", "one of them")."""
    clean = _clean(text)
    runs: list[list[str]] = []
    end = -1  # where the last number word ended, while a run goes on
    for match in _WORD_GROUP.finditer(clean):
        word = match.group()
        if not all(part in _NUMBER_WORDS for part in word.split("-")):
            end = -1
        else:
            if end >= 0 and clean[end : match.start()].isspace():
                runs[-1].append(word)
            else:  # the first, or after a mark ("ten, twenty" is two numbers)
                runs.append([word])
            end = match.end()
    return [" ".join(run) for run in runs if run != ["one"]]


def _list(found: list[Amount]) -> str:
    return ", ".join(dict.fromkeys(a.text for a in found[:6]))
