"""The fast path of normalise and display gives exactly what the reference gives, map included."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefgen import forms, normalise_fast
from briefgen.cache import Cache
from briefgen.normalise import Normalised, display, display_reference, normalise, reference
from briefgen.normalise_fast import Sides

PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text a source file may hold: letters and digits, every kind of space, quotation mark
# and dash, ligatures and wide forms, encoding debris, combining accents, controls,
# superscript digits after words (footnote markers) and after numbers and units (powers).
_PIECES = [
    *"aZé É9.,;:%()/", " ", "  ", "\n", "\t", "\r\n", "\u00a0", "\u2009", "\x1c", "\x85",
    *"'\"`‘’“”«»′″‴", *"-‐‑–—−", " - ", " — ", "\u00ad", "\u200b", "\ufeff", "…", "ﬁ", "Ａ",
    "Σ", "İ", "\u0301", "Â£", "Ã©", "â€™", "Â", "\x00", "\x07", "\x7f", "\u202e",
    "¹", "²³", "⁶", "word", "sec", "Âµ", "Â¹", "kilometres", "İ", "\u2060",
]  # fmt: skip
texts = st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=40).map("".join)
_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=())


def offsets(form: Normalised) -> list[tuple[int, int]]:
    return [(form.starts[i], form.ends[i]) for i in range(len(form.text))]


@PROPERTY
@given(texts, st.booleans())
@example("forces — and “it’s” …ﬁne\n\n  Ａ", False)
@example("  - a -- b \u200b- c  ", False)
def test_fast_path_equals_reference(text: str, dehyphenate: bool) -> None:
    fast = normalise_fast.normalise(text, dehyphenate)
    slow = reference(text, dehyphenate)
    if fast is not None:
        assert fast.text == slow.text
        assert len(fast.starts) == len(fast.ends) == len(slow.text)
        assert offsets(fast) == offsets(slow)
    assert normalise(text, dehyphenate).text == slow.text


@PROPERTY
@given(texts | st.lists(st.characters() | _SURROGATES, max_size=30).map("".join))
@example("a\ud83d\ude00b\ud800c€¹")  # unpaired and split surrogates, a superscript digit
def test_distinct_non_ascii_characters_are_each_found_once(text: str) -> None:
    assert normalise_fast._distinct_non_ascii(text) == {c for c in text if ord(c) > 0x7F}


def test_fast_path_is_taken_for_ordinary_text() -> None:
    text = "The minister said “allies” would — in time — spend more… on the ﬁrst\nline.\n"
    assert normalise_fast.normalise(text) is not None
    assert normalise_fast.normalise("Ã© debris") is None  # repaired by the reference path


@PROPERTY
@given(texts)
def test_fast_display_equals_reference(text: str) -> None:
    fast = normalise_fast.display(text)
    if fast is not None:
        assert fast == display_reference(text)
    assert display(text) == display_reference(text)


@PROPERTY
@given(texts, st.booleans())
def test_cached_form_reads_back_the_same(text: str, dehyphenate: bool) -> None:
    for form in (normalise(text, dehyphenate), reference(text, dehyphenate)):
        back = forms.decode(forms.encode(form))
        assert back is not None
        assert back.text == form.text
        assert offsets(back) == offsets(form)


def test_forms_are_kept_on_disk_and_a_damaged_entry_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a combining accent (e + U+0301) sends the text down the reference path: worth keeping
    text = "The minister said “allies” would — in time — spend more in cafe\u0301s.\n" * 50
    assert normalise_fast.normalise(text) is None
    key = hashlib.sha256(text.encode()).hexdigest()
    cache = Cache(tmp_path / "cache")
    made_here: list[str] = []
    real = forms.normalise

    def counting(text: str, dehyphenate: bool = False) -> Normalised:
        made_here.append(text)
        return real(text, dehyphenate)

    monkeypatch.setattr(forms, "normalise", counting)
    forms.forget()
    made = forms.normalised(text, key, False, cache)
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert len(entries) == 1
    forms.forget()
    assert offsets(forms.normalised(text, key, False, cache)) == offsets(made)
    assert len(made_here) == 1  # read back from disk, not normalised again
    raw = entries[0].read_bytes()
    entries[0].write_bytes(raw.replace(b"minister", b"ministar", 1))  # decodes; digest differs
    forms.forget()
    again = forms.normalised(text, key, False, cache)
    assert again.text == made.text and offsets(again) == offsets(made)
    assert len(made_here) == 2  # the damaged entry was not used


def test_forms_the_fast_path_makes_are_not_kept_on_disk(tmp_path: Path) -> None:
    text = "The minister said “allies” would — in time — spend more.\n" * 50
    key = hashlib.sha256(text.encode()).hexdigest()
    forms.forget()
    made = forms.normalised(text, key, False, Cache(tmp_path / "cache"))
    assert isinstance(made.starts, Sides)  # the fast path's compact map
    assert not forms.worth_keeping(made)
    assert not (tmp_path / "cache").exists()  # quicker made again than read back
    forms.forget()
    again = forms.normalised(text, key, False, Cache(tmp_path / "cache"))
    assert again.text == made.text and offsets(again) == offsets(made)
    forms.forget()


def test_forms_in_memory_are_shared_by_content(tmp_path: Path) -> None:
    text = "one two three four five six\n" * 20
    key = hashlib.sha256(text.encode()).hexdigest()
    forms.forget()
    first = forms.normalised(text, key, False, None)
    assert forms.normalised(text, key, False, None) is first
    assert forms.normalised(text, key, True, None) is not first


def test_forms_in_memory_are_bounded_by_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forms, "MEMO_CHARS", 5_000)
    forms.forget()
    texts = [f"text number {n} " * 200 for n in range(3)]  # about 3,000 characters each
    made = [forms.normalised(t, hashlib.sha256(t.encode()).hexdigest(), False) for t in texts]
    last = forms.normalised(texts[2], hashlib.sha256(texts[2].encode()).hexdigest(), False)
    assert last is made[2]  # the newest is kept
    again = forms.normalised(texts[0], hashlib.sha256(texts[0].encode()).hexdigest(), False)
    assert again is not made[0]  # the oldest was let go
    forms.forget()


def test_forms_another_process_made_are_taken_and_bounded_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forms, "MEMO_CHARS", 5_000)
    forms.forget()
    texts = [f"text number {n} " * 200 for n in range(3)]  # about 3,000 characters each
    keys = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    made = {k: normalise(t) for k, t in zip(keys, texts, strict=True)}
    forms.adopt({**made, "not a form": "x"})  # type: ignore[dict-item]
    assert forms.normalised(texts[2], keys[2], False) is made[keys[2]]  # taken as made here
    assert forms.normalised(texts[0], keys[0], False) is not made[keys[0]]  # let go: too many
    forms.forget()
