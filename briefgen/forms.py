"""A source's normalised forms, made once per content: kept in memory and in the on-disk cache.

The key is the SHA-256 of the text, so an edited source is normalised afresh and an
unchanged one (on the next rebuild of the preview, or the next `check`) is not; only
forms that are slow to make are kept on disk (see `worth_keeping`). The
cache's entries are checked against their own digest before use (see cache.py); a
missing, damaged or unwritable cache only costs the time of normalising again.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections import OrderedDict
from unicodedata import unidata_version

from briefgen import __version__
from briefgen.cache import Cache
from briefgen.normalise import Normalised, OffsetMap, normalise
from briefgen.normalise_fast import FastMap, Sides

KIND = "normalised"
# Change NORMALISATION whenever normalise's output or this encoding changes.
NORMALISATION = "7"
# normalising leans on Python's Unicode tables, which a newer Python may change
VERSION = (
    f"{NORMALISATION}-{__version__}-{sys.version_info[0]}.{sys.version_info[1]}-{unidata_version}"
)
MEMO_CHARS = 64_000_000  # how much normalised text is kept in memory between runs, at most
_MEMO: OrderedDict[tuple[str, bool], Normalised] = OrderedDict()
_kept = [0]  # characters in _MEMO
_FAST, _FULL = b"F", b"R"


def normalised(text: str, key: str, dehyphenate: bool, cache: Cache | None = None) -> Normalised:
    """normalise(text, dehyphenate), where `key` is the SHA-256 of the text."""
    memo_key = (key, dehyphenate)
    found = _MEMO.get(memo_key)
    if found is not None:
        _MEMO.move_to_end(memo_key)
        return found
    name = f"{key}-{'dehyphenated' if dehyphenate else 'plain'}"
    data = cache.load(KIND, name, VERSION) if cache else None
    form = decode(data) if data is not None else None
    if form is None:
        form = normalise(text, dehyphenate)
        if cache and worth_keeping(form):
            cache.store(KIND, name, VERSION, encode(form))
    _remember(memo_key, form)
    return form


def _remember(memo_key: tuple[str, bool], form: Normalised) -> None:
    _MEMO[memo_key] = form
    _kept[0] += len(form.text)
    while _kept[0] > MEMO_CHARS and len(_MEMO) > 1:  # the oldest go first
        _kept[0] -= len(_MEMO.popitem(last=False)[1].text)


def adopt(made: dict[str, Normalised]) -> None:
    """Take plain forms another process made (split.py's child, or its parent) of texts
    whose SHA-256 are the keys, as if made here."""
    for key, form in made.items():
        if isinstance(key, str) and isinstance(form, Normalised) and (key, False) not in _MEMO:
            _remember((key, False), form)


def worth_keeping(form: Normalised) -> bool:
    """Whether a form is worth a file of the on-disk cache: one the character-by-character
    reference path made. The fast path's forms (most text) take less time to make again
    than a new file takes to write, and about as long as one takes to read back."""
    return not isinstance(form.starts, Sides)


def forget() -> None:
    """Empty the in-memory forms (the on-disk cache is kept)."""
    _MEMO.clear()
    _kept[0] = 0


def _as_array(offsets: OffsetMap, size: int) -> array[int]:
    """The offset map as array('q'): the reference path's own array as it is, else a copy."""
    if isinstance(offsets, array):
        return offsets
    return array("q", [offsets[i] for i in range(size)])


def encode(form: Normalised) -> bytes:
    """The form as bytes: its text, then its offset map as machine arrays."""
    text = form.text.encode("utf-8", "surrogatepass")
    if isinstance(form.starts, Sides):
        offsets = form.starts.map
        head = _FAST + struct.pack("<qq", offsets.length, offsets.lead)
        arrays = [getattr(offsets, name) for name in FastMap.ARRAYS]
    else:
        head = _FULL
        arrays = [_as_array(form.starts, len(form.text)), _as_array(form.ends, len(form.text))]
    parts = [head, struct.pack("<q", len(text)), text]
    for values in arrays:
        raw = values.tobytes()
        parts += [struct.pack("<q", len(raw)), raw]
    return b"".join(parts)


def decode(data: bytes) -> Normalised | None:
    """The form `encode` wrote, or None for bytes it did not write."""
    try:
        kind, at = data[:1], 1
        if kind == _FAST:
            length, lead = struct.unpack_from("<qq", data, at)
            at += 16
        elif kind != _FULL:
            return None
        (size,) = struct.unpack_from("<q", data, at)
        text = data[at + 8 : at + 8 + size].decode("utf-8", "surrogatepass")
        at += 8 + size
        arrays = []
        while at < len(data):
            (size,) = struct.unpack_from("<q", data, at)
            values = array("q")
            values.frombytes(data[at + 8 : at + 8 + size])
            arrays.append(values)
            at += 8 + size
    except (struct.error, ValueError, UnicodeDecodeError):
        return None
    grows, runs = arrays[:3], arrays[3:]
    if (
        kind == _FAST
        and len(arrays) == len(FastMap.ARRAYS)
        and length == len(text)
        and len({len(a) for a in grows}) == len({len(a) for a in runs}) == 1
    ):
        offsets = FastMap(length, lead, *arrays)
        return Normalised(text, Sides(offsets, False), Sides(offsets, True))
    if kind == _FULL and len(arrays) == 2 and len(arrays[0]) == len(arrays[1]) == len(text):
        return Normalised(text, arrays[0], arrays[1])
    return None
