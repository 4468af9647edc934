"""A Word document (.docx) -> its text, one paragraph per line, then its notes.

The body is read in document order, headers and footers left out:

- each paragraph with text is one line (tabs and line breaks read as spaces; deleted
  tracked changes, field codes, and words Word does not show (hidden, struck through,
  white on nothing shaded, under 2 points: docx_styles) left out, inserted ones kept; superscript and subscript digits written as such, "10⁶" not "106"; the number of a
  footnote reference is not part of the text, so a quote runs on across it);
- each table row is one line, its cells joined by " | " (a cell's own paragraphs by a
  space), so a quote from within a cell matches and one across cells does not;
- then each footnote and each endnote, in the order the body refers to them, as one
  line per paragraph; a note's first line starts "Footnote 1: " or "Endnote 1: ".

The locator is the paragraph: line n of the text is para. n, counting the lines above
(empty paragraphs are not counted; table rows and notes carry on the count). The title
is the document's own (dc:title); the date is its creation date (dcterms:created).

A .docx is a zip file, so it is checked before anything is decompressed: at most
MAX_ENTRIES parts, no part expanding more than MAX_RATIO times, and the parts read at
most MAX_TOTAL bytes in all, counted as they are decompressed (the sizes the zip file
declares are not trusted). The XML is parsed without network access, DTDs or entity
expansion.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from briefgen.readers.base import LOWERED, PARAGRAPH, RAISED, Extracted, ReaderError
from briefgen.readers.docx_styles import Styles, attr, fills, hides, local

MAX_ENTRIES = 2_000
MAX_RATIO = 100
MAX_TOTAL = 50_000_000
RATIO_FROM = 1_000_000  # parts smaller than this expand as they like: they cannot do harm
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BODY = "word/document.xml"
_STYLES = "word/styles.xml"
_NOTES = (
    ("word/footnotes.xml", "footnote", "Footnote"),
    ("word/endnotes.xml", "endnote", "Endnote"),
)
_SKIP = frozenset({"moveFrom", "Fallback", "del", "instrText", "delText", "rPr", "pPr"})
_WRAPPERS = frozenset({"body", "sdt", "sdtContent", "customXml", "smartTag", "ins"})
# a symbol inserted from the Symbol font (w:sym w:char="F02D"), by the code's last two
# digits; any other is shown as U+FFFD, so that no quote reads past it
_SYMBOLS = {"2D": "\u2212", "2B": "+", "3D": "=", "B4": "×", "B8": "÷", "B1": "±", "25": "%"}
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
)


def extract(data: bytes) -> Extracted:
    parts = _Parts(data)
    root = _element(parts.read(_BODY), _BODY)
    body = next((c for c in root if _local(c) == "body"), root)
    background = next((_attr(c, "color") for c in root if _local(c) == "background"), "")
    styles = Styles(
        _element(parts.read(_STYLES), _STYLES) if _STYLES in parts else None, background
    )
    lines: list[str] = []
    unseen: list[str] = []  # paragraphs as they read with the words Word does not show
    refs: dict[str, list[str]] = {"footnote": [], "endnote": []}
    for block in _blocks(body):
        lines.extend(_block_lines(block, styles, unseen))
        for kind, found in refs.items():
            for ref in block.iter(f"{{*}}{kind}Reference"):
                if (note := _attr(ref, "id")) and note not in found:
                    found.append(note)
    lines = [line for line in lines if line]
    for name, kind, label in _NOTES:
        if refs[kind] and name in parts:
            lines.extend(_notes(_element(parts.read(name), name), kind, label, refs[kind], styles))
    if not lines:
        raise ReaderError("the document has no text; check that it is the right file")
    title, created = _core(parts)
    return Extracted(
        "\n".join(lines),
        PARAGRAPH,
        tuple((n, 0) for n in range(1, len(lines) + 1)),
        title,
        created,
        # a quote of words Word does not show is told why it is not found
        hidden=((0, "\n".join(unseen)),) if unseen else (),
    )


class _Parts:
    """The parts of a .docx, read only within the limits."""

    def __init__(self, data: bytes) -> None:
        if data.startswith(_OLE):
            raise ReaderError(
                "this is a password-protected Word document or an old-style .doc file; "
                "remove the password, or open it in Word and save it as a .docx document"
            )
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            entries = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise ReaderError(
                f"this is not a Word document (.docx files are zip files; {exc}); "
                "open it in Word and save it as a .docx document"
            ) from None
        if len(entries) > MAX_ENTRIES:
            raise ReaderError(
                f"the file holds {len(entries):,} parts, more than the {MAX_ENTRIES:,} a Word "
                "document needs; it is not a document briefgen will read"
            )
        self.names = {e.filename: e for e in entries}
        if _BODY not in self.names:
            raise ReaderError(
                f"the zip file has no {_BODY}, so it is not a Word document; "
                "open it in Word and save it as a .docx document"
            )
        self.budget = MAX_TOTAL

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        info = self.names[name]
        if info.flag_bits & 0x1:
            raise ReaderError(
                f"the part {name} is encrypted; remove the password and save it again as .docx"
            )
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ReaderError(
                f"the part {name} would expand {info.file_size // max(info.compress_size, 1):,} "
                f"times (more than {MAX_RATIO}:1), as a zip bomb does; briefgen will not read it"
            )
        chunks: list[bytes] = []
        try:
            with self.zip.open(info) as member:
                while chunk := member.read(min(1 << 16, self.budget + 1)):
                    chunks.append(chunk)
                    self.budget -= len(chunk)
                    if self.budget < 0:
                        raise ReaderError(
                            f"the document's text would take more than {MAX_TOTAL:,} bytes "
                            f"(reading {name}); it is too large, or a zip bomb"
                        )
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, zlib.error) as exc:
            raise ReaderError(
                f"the part {name} cannot be read ({exc}); save the document again as .docx"
            ) from None
        return b"".join(chunks)


def _element(data: bytes, name: str) -> etree._Element:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ReaderError(
            f"the part {name} is not well-formed XML ({exc}); open the document in Word "
            "and save it again as .docx"
        ) from None
    if root.getroottree().docinfo.doctype:
        # Word never writes one, nor opens a document that has one; the entities it may
        # declare are not expanded here, so the words they stand for (and the text after
        # them in the run) would be missing from the text, and a quote would read across
        raise ReaderError(
            f"the part {name} has a document type declaration (<!DOCTYPE ...>), which no "
            "Word document has; open the document in Word and save it again as .docx"
        )
    return root


_local, _attr = local, attr


def _within(container: etree._Element, wanted: tuple[str, ...]) -> Iterator[etree._Element]:
    """The `wanted` elements directly in container, in order, looking through content
    controls and the like that wrap them."""
    stack = list(reversed(container))
    while stack:
        node = stack.pop()
        name = _local(node)
        if name in wanted:
            yield node
        elif name in _WRAPPERS:
            stack.extend(reversed(node))


def _blocks(container: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and tables of a body or note, in order."""
    return _within(container, ("p", "tbl"))


def _rows(table: etree._Element, styles: Styles, unseen: list[str] | None = None) -> list[str]:
    """One line per row; a table inside a cell is part of that cell's text."""
    rows = []
    styled = _table_shaded(table, styles)
    for row in _within(table, ("tr",)):
        cells = [
            " ".join(
                t
                for p, shaded in _cell_paragraphs(cell, styles, styled)
                if (t := _text(p, styles, shaded=shaded, unseen=unseen))
            )
            for cell in _within(row, ("tc",))
        ]
        rows.append(" | ".join(c for c in cells if c))
    return rows


def _table_shaded(table: etree._Element, styles: Styles) -> bool:
    """Whether a table shades its cells: by its own properties, or by its style's."""
    named = next((_attr(s, "val").lower() for s in table.iterfind("{*}tblPr/{*}tblStyle")), "")
    named = named or styles.default_table
    return _shaded(table, "tblPr") or (styles.table_shades(named) if named else False)


def _cell_paragraphs(
    cell: etree._Element, styles: Styles, table_shaded: bool
) -> Iterator[tuple[etree._Element, bool]]:
    """The paragraphs of a cell in order, those of tables inside it included, each with
    whether something behind it is shaded (its cell, its table or a cell around them)."""
    shaded = table_shaded or _shaded(cell, "tcPr")
    for block in _blocks(cell):
        if _local(block) == "p":
            yield block, shaded
            continue
        inner = shaded or _table_shaded(block, styles)
        for row in _within(block, ("tr",)):
            for each in _within(row, ("tc",)):
                yield from _cell_paragraphs(each, styles, inner)


def _shaded(node: etree._Element, holder: str) -> bool:
    """Whether the table or cell's own properties (`holder`) shade it."""
    return any(
        _local(props) == holder and any(_local(p) == "shd" and fills(p) for p in props)
        for props in node
    )


def _text(
    paragraph: etree._Element,
    styles: Styles,
    nested: bool = True,
    shaded: bool = False,
    unseen: list[str] | None = None,
) -> str:
    """The words of a paragraph as Word shows them (text boxes inside it included), on a
    page, cell or text box that is `shaded` or not. A paragraph with words Word does not
    show is added to `unseen`, if given, as it reads with them."""
    words: list[str] = []  # what Word shows
    every: list[str] = []  # and the words it does not show, in their places
    start = (paragraph, None, styles.paragraph_style(paragraph), shaded or styles.page_coloured)
    stack: list[tuple[etree._Element, dict[int, int] | None, str, bool, bool]] = [(*start, True)]
    left_out = False
    while stack:
        node, raised, style, backed, seen = stack.pop()
        name = _local(node)
        if name in _SKIP or (name == "p" and node is not paragraph and not nested):
            continue
        if name == "p":
            style = styles.paragraph_style(node)
            backed = backed or styles.paragraph_shaded(node)
        elif name == "txbxContent":
            backed = True  # a text box's own fill is not looked into
        elif name == "r" and seen:
            shown = _run_shown(styles.run(node, style), backed)
            if shown is None:  # not shown: not what the document says
                if unseen is None:
                    continue
                seen, left_out = False, True  # read on, for `unseen` alone
            raised = shown or None
        piece = None
        if name == "t" and node.text:
            piece = node.text.translate(raised) if raised else node.text
        elif name in ("tab", "br", "cr") or (name == "p" and node is not paragraph):
            piece = " "
        elif name == "noBreakHyphen":
            piece = "-"
        elif name == "sym":
            piece = _SYMBOLS.get(_attr(node, "char").upper()[-2:], "\ufffd")
        if piece is not None:
            every.append(piece)
            if seen:
                words.append(piece)
        stack.extend((child, raised, style, backed, seen) for child in reversed(node))
    if left_out and unseen is not None:
        unseen.append(" ".join("".join(every).split()))
    return " ".join("".join(words).split())


def _run_shown(props: dict[str, str], shaded: bool) -> dict[int, int] | None:
    """How a run with these properties shows its digits (raised or lowered: 10⁶, CO₂; else
    an empty table), or None when it does not show its words (docx_styles.hides)."""
    if hides(props, shaded):
        return None
    align = props.get("vertAlign")
    return RAISED if align == "superscript" else LOWERED if align == "subscript" else {}


def _notes(
    root: etree._Element, kind: str, label: str, order: list[str], styles: Styles
) -> list[str]:
    notes = {
        _attr(n, "id"): n for n in root if _local(n) == kind and _attr(n, "type") in ("", "normal")
    }
    lines = []
    for number, note_id in enumerate((i for i in order if i in notes), 1):
        texts = [t for block in _blocks(notes[note_id]) for t in _block_lines(block, styles) if t]
        if texts:
            texts[0] = f"{label} {number}: {texts[0]}"
            lines.extend(texts)
    return lines


def _block_lines(
    block: etree._Element, styles: Styles, unseen: list[str] | None = None
) -> list[str]:
    if _local(block) == "tbl":
        return _rows(block, styles, unseen)
    return [_text(block, styles, unseen=unseen)]


def _core(parts: _Parts) -> tuple[str | None, str | None]:
    """The title and creation date the document gives itself (docProps/core.xml)."""
    name = "docProps/core.xml"
    if name not in parts:
        return None, None
    try:
        core = _element(parts.read(name), name)
    except ReaderError:
        return None, None  # the text is still readable without its properties
    title = next((" ".join(t.text.split()) for t in core.iter("{*}title") if t.text), None)
    created = None
    for node in core.iter("{*}created"):
        with contextlib.suppress(ValueError):
            created = dt.date.fromisoformat((node.text or "").strip()[:10]).isoformat()
    return title or None, created
