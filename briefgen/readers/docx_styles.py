"""What Word shows of a run: its properties as the styles give them, and whether they hide it.

A run's properties come from the document's defaults, then from its paragraph's style,
then from its own character style (each with the styles it is based on), then from what
is set on the run itself, each overriding what came before; within one style's chain,
the style nearest the run says. An on-off property (TOGGLES, such as hidden or struck
through) that both the paragraph's style and the character style switch on is switched
back off, as Word combines them; one set on the run itself holds whatever the styles say.

A run is not shown as the document's words when it is hidden or struck through, set in
under 2 points, or white (or within MIN_CONTRAST of it) where nothing is shaded behind
it: no highlight (but a white one) or shading on the run, its paragraph, its table cell
or a cell around it, no shading in its table's style (or a style not in the file, which
may shade the cell), no text box (which may be filled) and no page colour. A shading
paints by its fill, or by a pattern in a colour other than white.
"""

from __future__ import annotations

from lxml import etree

from briefgen.readers.base import MIN_CONTRAST

# run properties under which Word does not show a run's words as they stand: hidden text
# and struck-through text (withdrawn, as a deletion is); text hidden in web view only
# (webHidden: a contents list's page numbers) is shown on the page
HIDING = frozenset({"vanish", "specVanish", "strike", "dstrike"})
# on-off properties that a character style laid over a paragraph style switches rather
# than sets (ECMA-376 Part 1, 17.7.3)
TOGGLES = frozenset(
    {"b", "bCs", "caps", "emboss", "i", "iCs", "imprint", "outline", "shadow", "smallCaps"}
    | {"strike", "vanish"}
)
MIN_HALF_POINTS = 4  # w:sz counts half points: text set under 2 points is not read
MAX_DEPTH = 20  # styles based on styles: a longer chain (or a loop) is cut there
_OFF = ("0", "false", "off")
_NO_FILL = ("", "auto", "ffffff", "none")

Props = dict[str, str]


def props_of(holder: etree._Element | None) -> Props:
    """The properties set in an rPr (or pPr) element: each by its local name, with its
    value ("" for an on-off property set with no value; a shading's fill)."""
    found: Props = {}
    for prop in holder if holder is not None else ():
        name = local(prop)
        if name == "shd":  # its fill, "pattern" when a pattern paints it, "" when nothing does
            fill = attr(prop, "fill").lower()
            found[name] = "" if not fills(prop) else fill if fill not in _NO_FILL else "pattern"
        else:
            found[name] = attr(prop, "val").lower()
    return found


class Styles:
    """The styles of a document (word/styles.xml), resolved through those they are based on."""

    def __init__(self, root: etree._Element | None, background: str = "") -> None:
        self._raw: dict[str, tuple[str, Props, Props]] = {}  # id: (based on, rPr, pPr)
        self.defaults: Props = {}
        self.default_paragraph = ""
        self.default_table = ""
        self.page_coloured = background.lower() not in _NO_FILL
        self._cache: dict[tuple[str, str], Props] = {}
        self._fills: set[str] = set()  # styles that shade something (a table style's cells)
        if root is None:
            return
        for node in root:
            name = local(node)
            if name == "docDefaults":
                for rpr in node.iter("{*}rPr"):
                    self.defaults.update(props_of(rpr))
            elif name == "style":  # ids as props_of gives them where they are used
                style_id = attr(node, "styleId").lower()
                based = next((attr(b, "val").lower() for b in node if local(b) == "basedOn"), "")
                self._raw[style_id] = (
                    based,
                    props_of(child(node, "rPr")),
                    props_of(child(node, "pPr")),
                )
                if attr(node, "default") in ("1", "true"):
                    if attr(node, "type") == "paragraph":
                        self.default_paragraph = style_id
                    elif attr(node, "type") == "table":  # a table naming no style has it
                        self.default_table = style_id
                if any(fills(shd) for shd in node.iter("{*}shd")):
                    self._fills.add(style_id)

    def table_shades(self, style_id: str) -> bool:
        """Whether a table style, or one it is based on, shades any of its cells (any part
        of it: the whole table, a header row, banded rows); a style the file does not have
        may, for all that is known."""
        seen: set[str] = set()
        while style_id and style_id not in seen and len(seen) < MAX_DEPTH:
            if style_id not in self._raw or style_id in self._fills:
                return True
            seen.add(style_id)
            style_id = self._raw[style_id][0]
        return False

    def _chain(self, style_id: str, paragraph: bool = False) -> Props:
        """A style's rPr (or pPr), with what the styles it is based on set."""
        chain: list[Props] = []
        seen: set[str] = set()
        while style_id and style_id in self._raw and style_id not in seen:
            if len(seen) >= MAX_DEPTH:
                break
            seen.add(style_id)
            based, rpr, ppr = self._raw[style_id]
            chain.append(ppr if paragraph else rpr)
            style_id = based
        merged: Props = {}
        for props in reversed(chain):
            merged.update(props)
        return merged

    def paragraph_style(self, paragraph: etree._Element) -> str:
        found = props_of(child(paragraph, "pPr")).get("pStyle")
        return found if found is not None else self.default_paragraph

    def paragraph_shaded(self, paragraph: etree._Element) -> bool:
        """Whether the paragraph, or its style, shades what is behind its words."""
        fill = props_of(child(paragraph, "pPr")).get("shd")
        if fill is None:
            fill = self._chain(self.paragraph_style(paragraph), paragraph=True).get("shd", "")
        return fill not in _NO_FILL

    def run(self, run: etree._Element, paragraph_style: str) -> Props:
        """The run's properties: defaults, paragraph style, character style, its own."""
        own = props_of(child(run, "rPr"))
        key = (paragraph_style, own.get("rStyle", ""))
        inherited = self._cache.get(key)
        if inherited is None:
            paragraph, character = self._chain(key[0]), self._chain(key[1])
            inherited = {**self.defaults, **paragraph, **character}
            for name in TOGGLES.intersection(paragraph, character):
                on = (paragraph[name] not in _OFF) != (character[name] not in _OFF)
                inherited[name] = "1" if on else "0"
            self._cache[key] = inherited
        return {**inherited, **own}


def hides(props: Props, shaded: bool) -> bool:
    """Whether a run with these properties does not show its words: hidden or struck
    through, too small to read, or white with nothing (`shaded`: its paragraph, cell, text
    box or page) behind it that is not white."""
    if any(props.get(name, "0") not in _OFF for name in HIDING if name in props):
        return True
    size = props.get("sz", "")
    if size.isdigit() and int(size) < MIN_HALF_POINTS:
        return True
    white = _near_white(props.get("color", ""))
    backed = props.get("highlight", "none") not in ("none", "white")
    return white and not backed and props.get("shd", "") in _NO_FILL and not shaded


def _near_white(colour: str) -> bool:
    """Whether a w:color is white or within MIN_CONTRAST of it in every channel."""
    if len(colour) != 6:
        return False
    try:
        channels = [int(colour[i : i + 2], 16) for i in (0, 2, 4)]
    except ValueError:
        return False
    return all(c > 255 - MIN_CONTRAST for c in channels)


def fills(shd: etree._Element) -> bool:
    """Whether a w:shd paints behind the words: its fill, or a pattern (val="solid",
    "pct50", ...) in a colour other than white ("auto" is black)."""
    if attr(shd, "fill").lower() not in _NO_FILL:
        return True
    pattern = attr(shd, "val").lower()
    return pattern not in ("", "clear", "nil") and attr(shd, "color").lower() != "ffffff"


def child(node: etree._Element, name: str) -> etree._Element | None:
    """The first element directly in `node` with this local name."""
    return next((c for c in node if local(c) == name), None)


def local(node: etree._Element) -> str:
    """An element's name without its namespace (w:p is "p")."""
    tag = node.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def attr(node: etree._Element, name: str) -> str:
    """An attribute by its local name (w:val), whichever namespace the file uses."""
    for key, value in node.attrib.items():
        if str(key).rsplit("}", 1)[-1] == name:
            return str(value)
    return ""
