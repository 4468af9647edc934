"""The words of a PDF page's text layer that no reader of the page sees.

A PDF can carry words it never shows: set in the invisible rendering mode, wholly
transparent, too small to read, in the colour of what is behind them, under a shape
drawn over them (a redaction done by drawing a black box) or off the page. They are in
the text layer as much as the words shown, and a brief must not cite them as the
document's words. However they were hidden, the rule is the same: the page is rendered,
and a word is seen when the place where it stands has marks on it (its box is not one
flat colour). So the invisible text layer of a scanned page is kept where the picture
shows its words (OCR), as a reader sees them there.

A word whose box has marks that are not its own (white words squeezed between lines of
black text, or laid on a rule; words under a black box that carries a white label) is
looked at again when most of its box is the colour it is drawn in: on the page rendered
without its text, what lies behind it must not be, almost all of it (BLENDS of it), the
colour of its letters, or it is not seen. Words hidden over a busy picture are still
kept, which neither rule can tell from the picture's own marks.

Letters squeezed to a sliver (horizontal scaling of a few percent, a text matrix that
flattens them, a character spacing that sets each letter on or behind the last) make
marks, but no reader can read them: such a word is not seen either (`_squeezed`).
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from briefgen.readers import base

SCALE = 2  # pixels per point the page is rendered at (144 dpi)
MAX_PIXELS = 8_000_000  # a page larger than A0 is rendered at a smaller scale
# Between the darkest and the lightest pixel of a word's box, in whichever of red, green
# and blue they differ most (red on green is as grey as green): less than this (of 255),
# nothing is seen there. Black text on white has 255, white on a dark band over 200, a
# word in a very light grey (#e8e8e8) 23.
MIN_CONTRAST = base.MIN_CONTRAST
# A word of letters or digits whose first and last letters are neither as wide nor as tall
# as this (points) is too small to be read, whatever marks it makes (an "I" in 10 points
# is 1 wide and 7 tall)
MIN_POINTS = 1.0
MAX_ROWS, MAX_ACROSS = 32, 512  # of one word's box, looked at at most (see _seen)
COARSE = 8  # how much smaller the rendering a very large word is looked at on is
# A word drawn in one colour (filled, wholly opaque or not) is looked at on the page
# without its text (see `_Renders.blends`) when at least SUSPECT of its box is within
# MIN_CONTRAST of that colour (black print covers well under half of its box), and is not
# seen when at least BLENDS of what lies behind it is (its letters could show only in a
# strip of the rest: a rule across them, the edge of a band)
SUSPECT, BLENDS = 0.5, 0.7
# Letters drawn less than this share as wide as they are tall, or as tall as they are
# wide, cannot be read (horizontal scaling of a fifth or less; a flattening matrix)
MIN_SHAPE = 0.2
SHAPED = 4  # letters or digits a word needs to be judged by how they are set
LIGATURE = 3  # the most letters one glyph stands for ("ffi", "ffl")
# Letters whose origins step back and forth: the line the origins span is less than this
# share of the steps taken along it (read left to right or right to left, the two agree)
OVERLAID = 0.6
# Letters set on one another: most steps from one letter's origin to the next are under
# this share of an em (the narrowest letters of a narrow face, tightly set, stand 0.1 apart)
MIN_APART = 0.05
_FILLED = (0, 4)  # text rendering modes that fill the letters and do not stroke them
_SPACED = re.compile(r"\S+")
Rendering = tuple[bytes, tuple[int, int], tuple[int, int]]  # pixels, (stride, channels), size


def hidden_words(
    page: Any, textpage: Any, text: str, backdrop: Callable[[], Any] | None = None
) -> tuple[list[range], list[range]]:
    """The character indexes of each word of `text` (the page's text, one character an
    index) that no reader sees on the page, and of each word that stands off it.
    `backdrop` gives the same page with no text on it (None when it cannot)."""
    import pypdfium2.raw as pdfium_c

    textpage = getattr(textpage, "raw", textpage)  # the handle itself, for each of many calls
    points_wide, points_high = page.get_size()
    # fewer pixels for a poster-sized page: each is judged at the scale it is rendered at
    scale = min(SCALE, math.sqrt(MAX_PIXELS / max(1.0, points_wide * points_high)))
    renders = _Renders(page, scale, backdrop)
    inks = _Inks(textpage)
    width, height = renders.size
    to_pixels = _page_to_pixels(page, width, height)
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    hidden, off = [], []
    for word in _words(textpage, text):
        x0 = y0 = float("inf")
        x1 = y1 = float("-inf")
        size = 0.0  # the larger side of the larger of its first and last letters' boxes
        # a word's first and last marks span its width; a taller letter between them would
        # only add to what is seen
        for index in {word[0], word[-1]}:
            if not pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top):
                continue
            (ax, ay), (bx, by) = (
                to_pixels(left.value, bottom.value),
                to_pixels(right.value, top.value),
            )
            size = max(size, abs(bx - ax), abs(by - ay))
            x0, x1, y0, y1 = min(x0, ax, bx), max(x1, ax, bx), min(y0, ay, by), max(y1, ay, by)
        if x0 == float("inf"):
            continue  # no box at all: nothing to judge it by
        if x1 < 0 or y1 < 0 or x0 >= width or y0 >= height:
            off.append(word)
            continue
        if x0 < 0 or y0 < 0 or x1 > width or y1 > height:  # cut by the page's edge: its
            off += _outside(textpage, word, to_pixels, width, height)  # letters off it
        small = size < MIN_POINTS * scale and any(c.isalnum() for c in text[word.start : word.stop])
        box = (x0, y0, x1, y1)
        if (
            small
            or _squeezed(textpage, word, text)
            or not renders.seen_word(box)
            or renders.blends(box, inks.of(word[0]))
        ):
            hidden.append(word)
    return hidden, off


def _squeezed(textpage: Any, word: range, text: str) -> bool:
    """Whether the word's letters are squeezed past reading: drawn under MIN_SHAPE as wide
    as they are tall, or as tall as they are wide (their scale along and across the line,
    from the matrix they are drawn with: a word of one letter as much as a long one); or,
    in a word of SHAPED letters or more, set on one another (most steps from one letter's
    origin to the next under MIN_APART of an em) or stepping back and forth, so that the
    line their origins span is under OVERLAID of the steps taken along it. Each line of a
    word broken across lines, each run of right-to-left or of left-to-right letters
    ("ב-2025", "ה-OECD"), and each run of letters between other marks ("12–14") is
    measured apart."""
    import pypdfium2.raw as pdfium_c

    letters = [i for i in word if text[i].isalnum()]
    if not letters:
        return False
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFText_GetMatrix(textpage, letters[0], matrix):
        return False
    wide, high = math.hypot(matrix.a, matrix.b), math.hypot(matrix.c, matrix.d)
    if min(wide, high) < MIN_SHAPE * max(wide, high):
        return True
    if len(letters) < SHAPED:
        return False
    em = pdfium_c.FPDFText_GetFontSize(textpage, letters[0]) * high  # on the page
    angle = pdfium_c.FPDFText_GetCharAngle(textpage, letters[0])
    if angle < 0:  # (PDFium's answer when it cannot tell)
        return False
    along_x, along_y = math.cos(angle), -math.sin(angle)  # (the angle runs clockwise)
    x, y = ctypes.c_double(), ctypes.c_double()
    origin, found = pdfium_c.FPDFText_GetCharOrigin, []
    for index in letters:
        if not origin(textpage, index, x, y):
            return False
        found.append((x.value, y.value, _leftward(text[index]), index))
    glyphs, run = [found[0]], 1  # a ligature's letters ("ffi") share one glyph's origin
    for before, at in itertools.pairwise(found):
        run = run + 1 if at[:2] == before[:2] else 1
        if run > LIGATURE:  # one glyph that says more than a ligature does
            return True
        if run == 1:
            glyphs.append(at)
    # each glyph: how far along the line its origin is, how far across, which way it reads
    places = [
        (gx * along_x + gy * along_y, gy * along_x - gx * along_y, r, i) for gx, gy, r, i in glyphs
    ]
    runs = [[places[0]]]
    for place in places[1:]:  # a new run on a new line (the origins move across by half
        last = runs[-1][-1]  # an em), in the other direction, or past a mark ("12–14"
        if abs(place[1] - last[1]) > em / 2 or place[2] != last[2] or place[3] > last[3] + 1:
            runs.append([])  # in a right-to-left line: each number is laid out apart)
        runs[-1].append(place)
    steps = sorted(abs(b[0] - a[0]) for line in runs for a, b in itertools.pairwise(line))
    if not steps:
        return False
    if steps[len(steps) // 2] < MIN_APART * em:
        return True
    spanned = sum(abs(line[-1][0] - line[0][0]) for line in runs)
    return spanned < OVERLAID * sum(steps)


def _leftward(letter: str) -> bool:
    """Whether a letter is of a script read right to left (Hebrew, Arabic)."""
    return unicodedata.bidirectional(letter) in ("R", "AL")


class _Inks:
    """The colour (red, green, blue, alpha: 0 to 255) a character's letters are filled
    with, if that is all that draws them; None if they are stroked, invisible or of a
    colour not known. Found once a text object (which has one colour and one mode)."""

    def __init__(self, textpage: Any) -> None:
        self.textpage = textpage
        self.known: dict[int | None, tuple[int, int, int, int] | None] = {}
        self.channels = [ctypes.c_uint() for _ in range(4)]

    def of(self, index: int) -> tuple[int, int, int, int] | None:
        import pypdfium2.raw as pdfium_c

        drawn = pdfium_c.FPDFText_GetTextObject(self.textpage, index)
        key = ctypes.cast(drawn, ctypes.c_void_p).value if drawn else None
        if key in self.known:
            return self.known[key]
        found = None
        if drawn and pdfium_c.FPDFTextObj_GetTextRenderMode(drawn) in _FILLED:
            red, green, blue, alpha = self.channels
            if pdfium_c.FPDFText_GetFillColor(self.textpage, index, red, green, blue, alpha):
                found = (red.value, green.value, blue.value, alpha.value)
        self.known[key] = found
        return found


class _Renders:
    """The page rendered in grey and in colour, finely and coarsely, each when first needed.

    A word is looked at in grey first and, only if nothing is seen there, in colour (red on
    green is as flat as green in grey). A box hundreds of pixels across (letters set
    hundreds of points high, whose strokes are as thick) is looked at on a rendering
    COARSE times smaller, so that a page of many such words takes as long as one of text."""

    def __init__(self, page: Any, scale: float, backdrop: Callable[[], Any] | None) -> None:
        self.page, self.scale, self.backdrop = page, scale, backdrop
        self.made: dict[tuple[bool, bool], Rendering] = {}
        self.size = self.get(grey=True, coarse=False)[2]
        self._behind: Rendering | None = None  # the page without its text, in colour

    def get(self, grey: bool, coarse: bool) -> Rendering:
        key = (grey, coarse)
        if key not in self.made:
            self.made[key] = _rendered(self.page, self.scale / (COARSE if coarse else 1), grey)
        return self.made[key]

    def blends(self, box: tuple[float, float, float, float], ink: tuple[int, ...] | None) -> bool:
        """Whether what lies behind a word drawn in `ink` (red, green, blue, alpha) is, for
        BLENDS of its box or more, within MIN_CONTRAST of the colour its letters make there;
        looked at only when SUSPECT of the box as rendered is of that colour's grey."""
        if ink is None or ink[3] == 0 or self.backdrop is None:
            return False
        red, green, blue, alpha = ink
        if max(box[2] - box[0], box[3] - box[1]) > min(COARSE * MAX_ROWS, COARSE * MAX_ACROSS):
            return False  # (a poster's letters: their own strokes fill the box)
        grey = (red * 30 + green * 59 + blue * 11) // 100  # as PDFium renders in grey
        pixels, layout, (width, height) = self.get(True, False)
        if _share_near(pixels, layout, width, height, box, (grey,), alpha, rows=8) < SUSPECT:
            return False
        if self._behind is None:
            self._behind = _without_text(self.backdrop, self.scale, self.size)
            self.backdrop = None if self._behind is None else self.backdrop
            if self._behind is None:
                return False
        pixels, layout, (width, height) = self._behind
        # the bitmap's bytes are blue, green, red
        return _share_near(pixels, layout, width, height, box, (blue, green, red), alpha) >= BLENDS

    def seen_word(self, box: tuple[float, float, float, float]) -> bool:
        """Whether a word's box has marks. One stroke ("I", "l", "|", "-", "." in a large
        or heavy face) can fill its box: one with no marks is looked at again with a
        little of the page beside its narrow sides."""
        if self.seen(box):
            return True
        x0, y0, x1, y1 = box
        wide, high = x1 - x0, y1 - y0
        beside = max(2.0, max(wide, high) / 8)
        if wide < high:
            return self.seen((x0 - beside, y0, x1 + beside, y1))
        return self.seen((x0, y0 - beside, x1, y1 + beside))

    def seen(self, box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = box
        coarse = y1 - y0 > COARSE * MAX_ROWS or x1 - x0 > COARSE * MAX_ACROSS
        for grey in (True, False):
            pixels, layout, (width, height) = self.get(grey, coarse)
            ratio = width / self.size[0]
            if _seen(
                pixels, layout, width, height, (x0 * ratio, y0 * ratio, x1 * ratio, y1 * ratio)
            ):
                return True
        return False


def _without_text(
    backdrop: Callable[[], Any], scale: float, size: tuple[int, int]
) -> Rendering | None:
    """The page with no text on it, rendered in colour as the page was (None if it
    cannot be made, or comes out another size)."""
    try:
        page = backdrop()
    except Exception:  # a page PDFium cannot rewrite: its words are kept
        return None
    if page is None:
        return None
    try:
        made = _rendered(page, scale, grey=False)
    finally:
        page.close()
    return made if made[2] == size else None


@functools.lru_cache(maxsize=512)
def _far(value: int, reach: float) -> bytes:
    """The byte values not within `reach` of `value`."""
    return bytes(v for v in range(256) if abs(v - value) >= reach)


def _share_near(
    pixels: bytes,
    layout: tuple[int, int],
    width: int,
    height: int,
    box: tuple[float, float, float, float],
    colour: tuple[int, ...],
    alpha: int,
    rows: int = MAX_ROWS,
) -> float:
    """The share of the pixels within `box` (on about `rows` rows, sampled as `_seen`
    samples them) whose every channel lies within MIN_CONTRAST of `colour` laid over it
    at `alpha` (0 to 255)."""
    stride, channels = layout
    inside = _inside(box, width, height)
    if inside is None:
        return 0.0
    first_x, last_x, first_y, last_y = inside
    # an ink at alpha a moves a pixel by a times their difference
    reach = MIN_CONTRAST * 255 / max(1, alpha)
    step = max(1, (last_y - first_y) // rows)
    across = max(1, (last_x - first_x) // MAX_ACROSS)
    near = total = 0
    if channels == 1:  # a grey rendering: counted a row at a time, in C
        far = _far(colour[0], reach)
        for row in range(first_y, last_y, step):
            line = pixels[row * stride + first_x : row * stride + last_x : across]
            total += len(line)
            near += len(line.translate(None, far))
        return near / total if total else 0.0
    for row in range(first_y, last_y, step):
        start = row * stride
        for x in range(first_x, last_x, across):
            at = start + x * channels
            total += 1
            near += all(
                abs(pixels[at + c] - value) < reach for c, value in enumerate(colour[:channels])
            )
    return near / total if total else 0.0


def _rendered(page: Any, scale: float, grey: bool) -> Rendering:
    """The page rendered: its pixels' bytes, the bytes a row and a pixel, and its width
    and height in pixels."""
    bitmap = page.render(scale=scale, grayscale=grey)
    try:
        layout = (bitmap.stride, bitmap.n_channels)
        return bytes(bitmap.buffer), layout, (bitmap.width, bitmap.height)
    finally:
        bitmap.close()  # its memory now, not when the collector gets to it


def _words(textpage: Any, text: str) -> list[range]:
    """Runs of characters with no space in them, each drawn by one text object (a word
    whose hidden end is glued to a shown one is two)."""
    import pypdfium2.raw as pdfium_c

    def drawn_by(index: int) -> int | None:
        found = pdfium_c.FPDFText_GetTextObject(textpage, index)
        return ctypes.cast(found, ctypes.c_void_p).value if found else None

    words: list[range] = []
    for run in _SPACED.finditer(text):
        start, end = run.span()
        if drawn_by(start) == drawn_by(end - 1):
            words.append(range(start, end))
            continue
        first = start
        for index in range(start + 1, end):
            if drawn_by(index) != drawn_by(index - 1):
                words.append(range(first, index))
                first = index
        words.append(range(first, end))
    return words


def _page_to_pixels(page: Any, width: int, height: int) -> Any:
    """Page coordinates (points) to the rendered bitmap's pixels, the page's rotation and
    crop box taken into account as the rendering takes them."""
    import pypdfium2.raw as pdfium_c

    out_x, out_y = ctypes.c_int(), ctypes.c_int()
    big = 1000.0  # far apart, and on a device `fine` times the bitmap's size: PDFium
    fine = 1000  # gives whole device pixels, whose rounding would skew a poster's mapping

    def device(x: float, y: float) -> tuple[float, float]:
        pdfium_c.FPDF_PageToDevice(
            page.raw, 0, 0, width * fine, height * fine, 0, x, y, out_x, out_y
        )
        return out_x.value / fine, out_y.value / fine

    ox, oy = device(0.0, 0.0)
    ax, ay = device(big, 0.0)
    bx, by = device(0.0, big)
    xx, xy, yx, yy = (ax - ox) / big, (ay - oy) / big, (bx - ox) / big, (by - oy) / big

    def to_pixels(x: float, y: float) -> tuple[float, float]:
        return ox + xx * x + yx * y, oy + xy * x + yy * y

    return to_pixels


def _seen(
    pixels: bytes,
    layout: tuple[int, int],
    width: int,
    height: int,
    box: tuple[float, float, float, float],
) -> bool:
    """Whether the darkest and the lightest pixel within `box` (pixels) are MIN_CONTRAST
    apart in red, green or blue; never for a box off the bitmap. `layout`: the bitmap's
    bytes a row and a pixel. Its middle row is looked at first: a word's letters cross it."""
    stride, channels = layout
    inside = _inside(box, width, height)
    if inside is None:
        return False  # (at the page's very edge)
    first_x, last_x, first_y, last_y = inside
    middle = (first_y + last_y) // 2
    low, high = [255] * 3, [0] * 3
    # every pixel of a word of text; of a larger box (letters set hundreds of points high,
    # whose strokes are as thick) at most MAX_ROWS rows of MAX_ACROSS pixels, evenly spread
    step = max(1, (last_y - first_y) // MAX_ROWS)
    across = channels * max(1, (last_x - first_x) // MAX_ACROSS)
    for row in (middle, *range(first_y, last_y, step)):
        line = pixels[row * stride + first_x * channels : row * stride + last_x * channels]
        for colour in range(min(3, channels)):
            values = line[colour::across]
            low[colour] = min(low[colour], min(values))
            high[colour] = max(high[colour], max(values))
            if high[colour] - low[colour] >= MIN_CONTRAST:
                return True
    return False


def _inside(
    box: tuple[float, float, float, float], width: int, height: int
) -> tuple[int, int, int, int] | None:
    """The pixels of a box on the bitmap, as (first x, last x, first y, last y), the last
    ones not included; None if none is on it."""
    first_x, last_x = _span(box[0], box[2], width)
    first_y, last_y = _span(box[1], box[3], height)
    if first_x >= last_x or first_y >= last_y:
        return None
    return first_x, last_x, first_y, last_y


def _span(start: float, end: float, limit: int) -> tuple[int, int]:
    """The pixels [first, last) of a box's side from `start` to `end`, within the bitmap:
    those wholly inside it (a neighbour's edge is not its marks) when there are a few, and
    every one it touches and one more on each side when it is thinner (the stems of "ll",
    drawn on whole pixels, may stand just beside their box)."""
    if end - start >= 6:
        return max(0, math.ceil(start)), min(limit, math.floor(end))
    return max(0, int(start) - 1), min(limit, int(end) + 2)


def _outside(textpage: Any, word: range, to_pixels: Any, width: int, height: int) -> list[range]:
    """The letters of a word cut by the page's edge whose middle stands off the page."""
    import pypdfium2.raw as pdfium_c

    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    found = []
    for index in word:
        if pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top):
            x, y = to_pixels((left.value + right.value) / 2, (bottom.value + top.value) / 2)
            if not (0 <= x < width and 0 <= y < height):
                found.append(range(index, index + 1))
    return found


class Backdrops:
    """Pages of a PDF with their text taken out (for `hidden_words`), from a second copy
    of the document opened when first needed, so that the pages read stay as they are."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._document: Any = None

    def page(
        self, index: int, cropbox: tuple[float, float, float, float] | None
    ) -> Callable[[], Any]:
        """Page `index` with no text, its crop box set to `cropbox` if given, as the page
        read was (a callable: made only if asked for)."""

        def made() -> Any:
            import pypdfium2 as pdfium
            import pypdfium2.raw as pdfium_c

            if self._document is None:
                self._document = pdfium.PdfDocument(self.data)
            page = self._document[index]
            if cropbox is not None:
                page.set_cropbox(*cropbox)
            for drawn in list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,), max_depth=1)):
                page.remove_obj(drawn)  # rendered as it now is: the file is not rewritten
                drawn.close()
            return page

        return made

    def close(self) -> None:
        if self._document is not None:
            self._document.close()
            self._document = None
