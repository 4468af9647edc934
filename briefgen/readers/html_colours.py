"""Words a web page sets in the colour of what is behind them: there, but seen by no reader.

A page can hide words without hiding the element that holds them: white text on a white
page, black on a black box, a grey a shade off its background, a colour with no alpha.
The page is never rendered, so colours are cascaded from what the page itself says, as a
browser would, and judged only where that is enough to know them:

- the text's colour and the background behind it come from `style` attributes, the
  page's own `<style>` rules whose selectors are tags, classes and ids (`p`, `.note`,
  `span.x`, `#lead`, `*`), and the attributes `bgcolor`, `text` and `<font color>`; a
  link is blue and `<mark>` black on yellow unless the page says otherwise, as in every
  browser;
- a background that is an image or a gradient, or a colour given by a variable, is not
  known, and nothing in front of it is judged; nor is anything beside a picture placed
  with `position` (a banner's image laid under its headline);
- a page that links a stylesheet, whose own rules set colours by selectors not
  resolved here (`.hero p`, `:nth-child`, inside `@media`), or that asks for a dark
  `color-scheme` (the browser's own colours are then light on dark), may colour anything: its
  default white background and black text are then not assumed, though the colours it
  sets on elements themselves still are.

An element's own words are unseen where its colour, laid over the background, differs
from it by under MIN_CONTRAST of 255 in every channel (the PDF reader's rule for marks
on a page), or has almost no alpha; an element's `opacity`, and that of every element
around it, multiplies its colour's alpha (a grey at 0.2 of full opacity is as faint as
a paler grey at full). A text shadow or stroke, or a background painted
through the letters (`background-clip: text`), shows them whatever their colour.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET  # tinyhtml5's tree type
from collections.abc import Iterable
from dataclasses import dataclass

import tinycss2
from tinycss2 import ast, color4

from briefgen.readers import base

MIN_CONTRAST = base.MIN_CONTRAST / 255  # as every reader judges marks on a page
MIN_ALPHA = 0.1
RGB = tuple[float, float, float]
RGBA = tuple[float, float, float, float]
WHITE: RGB = (1.0, 1.0, 1.0)
BLACK: RGBA = (0.0, 0.0, 0.0, 1.0)
LINK: RGBA = (0.0, 0.0, 0xEE / 255, 1.0)  # an unvisited link, in every browser
YELLOW: RGB = (1.0, 1.0, 0.0)  # <mark>

# a shadow, stroke, filter or blend: the words' colour alone does not tell whether they show
_SHOWING = frozenset(
    ("text-shadow", "-webkit-text-stroke", "-webkit-text-stroke-width", "filter", "mix-blend-mode")
)
_DARK = re.compile(r"color-scheme\s*:[^;}]*dark", re.I)
_BGCOLOR = frozenset(("body", "table", "thead", "tbody", "tfoot", "tr", "td", "th"))
_PICTURES = frozenset(("img", "picture", "video", "canvas", "svg", "iframe", "object", "embed"))
# what a `background` shorthand may say besides its colour and picture
_LAYOUT_WORDS = frozenset(
    {"none", "repeat", "repeat-x", "repeat-y", "no-repeat", "space", "round", "scroll"}
    | {"fixed", "local", "top", "bottom", "left", "right", "center", "auto", "cover"}
    | {"contain", "border-box", "padding-box", "content-box", "text", "initial", "unset"}
    | {"inherit", "revert", "revert-layer"}
)
# what a colour or background is when it is given but cannot be known here (var(), an image)
UNKNOWN = "unknown"
INHERIT = "inherit"
Value = tuple[float, ...] | str | bool
# where a declaration stands in the cascade, lowest first
_BROWSER, _ATTRIBUTE, _SHEET, _INLINE = range(4)

_WORDS = re.compile(r"colou?r|background|shadow|stroke|position|filter|blend|opacity", re.I)
_SIMPLE = re.compile(r"^\s*(\*|[a-z][\w-]*)?((?:[.#][\w-]+)*)\s*$", re.I)
_PARTS = re.compile(r"([.#])([\w-]+)")
# selectors of a state or a generated part: they never colour an element's own words as read
_STATE = re.compile(
    r":(?:hover|focus|focus-within|focus-visible|active|visited|target)\b|::?(?:before|after|"
    r"selection|placeholder|marker|first-letter|first-line|backdrop|-webkit-|-moz-)",
    re.I,
)


@dataclass(frozen=True)
class Look:
    """What an element's words are drawn in: their colour and what lies behind them (None
    where not known), and whether something shows them whatever their colour."""

    ink: RGBA | None
    paper: RGB | None
    shown: bool = False
    opacity: float = 1.0  # the product of its own and every enclosing element's opacity


@dataclass(frozen=True)
class Rule:
    tag: str | None
    classes: frozenset[str]
    ident: str | None
    rank: tuple[int, int, int]  # (ids, classes, tags): the selector's specificity
    order: int
    slots: dict[str, tuple[Value, bool]]  # slot -> (value, !important)


def unseen(tree: ET.Element, removed: set[int]) -> set[int]:
    """id() of every element not in `removed` whose own words (its text, and the tails of
    its children) are set in the colour of what is behind them."""
    rules, unresolved = _rules(tree)
    if not rules and not unresolved and not _any_colour(tree):
        return set()  # nothing on the page sets a colour: black on white throughout
    index: dict[str, list[Rule]] = {}
    for rule in rules:
        key = (
            f"#{rule.ident}"
            if rule.ident
            else (f".{min(rule.classes)}" if rule.classes else rule.tag or "*")
        )
        index.setdefault(key, []).append(rule)
    given = _legacy(body.get("link", "")) if (body := tree.find(".//body")) is not None else None
    link = (given[0], given[1], given[2], given[3]) if isinstance(given, tuple) else LINK
    found: set[int] = set()
    stack: list[tuple[ET.Element, Look]] = [(tree, Look(BLACK, WHITE))]
    while stack:
        node, outer = stack.pop()
        if id(node) in removed or not isinstance(node.tag, str):
            continue
        if unresolved:  # any rule may colour anything: only the element's own style tells
            if blends_alone(node.get("style", "")):
                found.add(id(node))
            stack.extend((child, outer) for child in node)
            continue
        look = _look(node, outer, _declared(node, index, link))
        if _blends(look):
            found.add(id(node))
        if look.paper is not None and any(
            isinstance(child.tag, str)
            and child.tag.lower() in _PICTURES
            and _declared(child, index, link).get("moved") is True
            for child in node
        ):  # a picture laid under the words beside it (a banner): what is behind them
            look = Look(look.ink, None, look.shown, look.opacity)
        stack.extend((child, look) for child in node)
    return found


def _blends(look: Look) -> bool:
    if look.shown or look.ink is None:
        return False
    *rgb, alpha = look.ink
    alpha *= look.opacity  # an element and its background are faded together, as one
    if alpha < MIN_ALPHA:
        return True
    if look.paper is None:
        return False
    return all(
        abs(alpha * c + (1 - alpha) * p - p) < MIN_CONTRAST
        for c, p in zip(rgb, look.paper, strict=True)
    )


def _look(node: ET.Element, outer: Look, slots: dict[str, Value]) -> Look:
    ink = outer.ink
    given = slots.get("fill", slots.get("ink"))
    if given == UNKNOWN:
        ink = None
    elif isinstance(given, tuple):
        ink = (given[0], given[1], given[2], given[3])
    paper = None if slots.get("moved") is True else outer.paper
    if slots.get("image") is True or slots.get("paper") == UNKNOWN:
        paper = None
    elif isinstance(colour := slots.get("paper"), tuple) and colour[3] > 0:
        if colour[3] >= 1:
            paper = (colour[0], colour[1], colour[2])
        elif paper is not None:
            a = colour[3]
            paper = (
                a * colour[0] + (1 - a) * paper[0],
                a * colour[1] + (1 - a) * paper[1],
                a * colour[2] + (1 - a) * paper[2],
            )
    own = slots.get("opacity")  # (a 1-tuple, as every slot's value is of one type)
    opacity = outer.opacity * own[0] if isinstance(own, tuple) else outer.opacity
    return Look(ink, paper, outer.shown or slots.get("shown") is True, opacity)


def _declared(
    node: ET.Element, index: dict[str, list[Rule]], link: RGBA = LINK
) -> dict[str, Value]:
    """The cascaded value of each slot for this element (those it sets, no others);
    `link` is the colour of a link the page gives none (`<body link>`, else blue)."""
    tag = node.tag.lower() if isinstance(node.tag, str) else ""
    ranked: list[tuple[tuple[int, ...], str, Value]] = []

    def add(slots: dict[str, tuple[Value, bool]], level: int, rank: tuple[int, ...]) -> None:
        for slot, (value, important) in slots.items():
            ranked.append(((important, level, *rank), slot, value))

    if tag == "a" and node.get("href") is not None:
        add({"ink": (link, False)}, _BROWSER, ())
    elif tag == "mark":
        add({"ink": (BLACK, False), "paper": ((*YELLOW, 1.0), False)}, _BROWSER, ())
    hints: dict[str, tuple[Value, bool]] = {}
    if tag in _BGCOLOR:  # (browsers honour bgcolor and background on these alone)
        if (bgcolor := node.get("bgcolor")) is not None:
            hints["paper"] = (_legacy(bgcolor), False)
        if node.get("background"):  # a picture
            hints["image"] = (True, False)
    if (
        text := node.get("text") if tag == "body" else node.get("color") if tag == "font" else None
    ) is not None:
        hints["ink"] = (_legacy(text), False)
    add(hints, _ATTRIBUTE, ())
    classes = set(node.get("class", "").split())
    ident = node.get("id")
    keys = ["*", tag, *(f".{c}" for c in classes)] + ([f"#{ident}"] if ident else [])
    for key in keys:
        for rule in index.get(key, ()):
            if _matches(rule, tag, classes, ident):
                add(rule.slots, _SHEET, (*rule.rank, rule.order))
    style = node.get("style", "")
    if style and _WORDS.search(style):
        add(_inline(style) if len(style) < 500 else _parse(style), _INLINE, ())
    winners: dict[str, tuple[tuple[int, ...], Value]] = {}
    for rank, slot, value in ranked:
        if slot not in winners or rank >= winners[slot][0]:
            winners[slot] = (rank, value)
    return {slot: value for slot, (_, value) in winners.items() if value != INHERIT}


@functools.lru_cache(maxsize=4096)  # a page sets the same few styles on many elements
def _inline(style: str) -> dict[str, tuple[Value, bool]]:
    return _parse(style)


def _parse(style: str) -> dict[str, tuple[Value, bool]]:
    return _slots(tinycss2.parse_blocks_contents(style, skip_comments=True, skip_whitespace=True))


def _matches(rule: Rule, tag: str, classes: set[str], ident: str | None) -> bool:
    return (
        (rule.tag is None or rule.tag == tag)
        and rule.classes <= classes
        and (rule.ident is None or rule.ident == ident)
    )


def _rules(tree: ET.Element) -> tuple[list[Rule], bool]:
    """The page's own top-level rules with simple selectors that set a slot, and whether
    anything else may colour the page (a linked stylesheet, a rule not resolved here)."""
    rules: list[Rule] = []
    unresolved = any(
        "stylesheet" in link.get("rel", "").lower().split() for link in tree.iter("link")
    ) or _dark_scheme(tree)
    for style in tree.iter("style"):
        css = style.text or ""
        if not _WORDS.search(css):
            continue
        media = (style.get("media") or "").strip().lower()
        if media and media not in ("screen", "all"):  # for print, or for some screens
            unresolved = unresolved or media != "print"
            continue
        for item in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
            if isinstance(item, ast.AtRule):
                media = tinycss2.serialize(item.prelude).lower()
                printed = item.lower_at_keyword == "media" and "print" in media
                if item.lower_at_keyword == "import" or (
                    item.content is not None
                    and not (printed and "screen" not in media and "all" not in media)
                    and _WORDS.search(tinycss2.serialize(item.content))
                ):
                    unresolved = True
                continue
            if not isinstance(item, ast.QualifiedRule):
                continue
            slots = _slots(
                tinycss2.parse_blocks_contents(
                    item.content, skip_comments=True, skip_whitespace=True
                )
            )
            if not slots:
                continue
            for selector in tinycss2.serialize(item.prelude).split(","):
                if _STATE.search(selector):
                    continue
                rule = _rule(selector, slots, len(rules))
                if rule is None:
                    unresolved = True
                else:
                    rules.append(rule)
    return rules, unresolved


def _dark_scheme(tree: ET.Element) -> bool:
    """Whether the page may ask for dark colours (`color-scheme: dark`, in a meta element
    or a style): the browser's own text is then light, its background dark."""
    for meta in tree.iter("meta"):
        named = meta.get("name", "").strip().lower() == "color-scheme"
        if named and "dark" in meta.get("content", "").lower():
            return True
    for node in tree.iter():
        css = (node.text or "") if node.tag == "style" else node.get("style", "")
        if _DARK.search(css):
            return True
    return False


def _rule(selector: str, slots: dict[str, tuple[Value, bool]], order: int) -> Rule | None:
    simple = _SIMPLE.match(selector.replace(":root", "html"))
    if simple is None:
        return None
    tag = simple[1].lower() if simple[1] and simple[1] != "*" else None
    parts = _PARTS.findall(simple[2])
    classes = frozenset(name for mark, name in parts if mark == ".")
    idents = {name for mark, name in parts if mark == "#"}
    if len(idents) > 1:
        return None
    ident = next(iter(idents), None)
    rank = (len(idents), len(classes), 1 if tag else 0)
    return Rule(tag, classes, ident, rank, order, slots)


def _slots(declarations: Iterable[object]) -> dict[str, tuple[Value, bool]]:
    """What declarations set, by slot: ink (color), fill (-webkit-text-fill-color), paper
    (the background's colour), image (a background image), shown (a shadow or stroke,
    or a background painted through the letters)."""
    slots: dict[str, tuple[Value, bool]] = {}
    for item in declarations:
        if not isinstance(item, ast.Declaration):
            continue
        name, important = item.lower_name, item.important
        tokens = [t for t in item.value if not isinstance(t, ast.WhitespaceToken | ast.Comment)]
        text = tinycss2.serialize(tokens).strip().lower()
        if name == "color":
            slots["ink"] = (_colour(text), important)
        elif name == "-webkit-text-fill-color":
            slots["fill"] = (_colour(text), important)
        elif name == "background-color":
            slots["paper"] = (_paper(text), important)
        elif name == "background-image":
            slots["image"] = (text not in ("none", "initial", "unset", INHERIT), important)
        elif name == "background":
            image, colour = _background(tokens, text)
            slots["image"] = (image, important)
            slots["paper"] = (colour, important)
        elif name in _SHOWING:
            slots["shown"] = (
                text not in ("none", "0", "0px", "normal", "initial", "unset"),
                important,
            )
        elif name == "position":  # it may be drawn over a picture or other words
            slots["moved"] = (text not in ("static", "initial", "unset", INHERIT), important)
        elif name in ("background-clip", "-webkit-background-clip") and "text" in text.split():
            slots["shown"] = (True, important)
        elif name == "opacity" and (faded := _opacity(tokens)) is not None:
            slots["opacity"] = ((faded,), important)
    return slots


def _opacity(tokens: list[ast.Node]) -> float | None:
    """An opacity of 0 to 1 ("0.4", "40%"); None for what cannot be known here."""
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if isinstance(token, ast.NumberToken):
        return _clamp(token.value)
    if isinstance(token, ast.PercentageToken):
        return _clamp(token.value / 100)
    return None


def _background(tokens: list[ast.Node], text: str) -> tuple[bool, Value]:
    """(whether it paints an image, its colour) from a `background` shorthand."""
    if text in (INHERIT, "unset"):
        return False, INHERIT
    colour: Value = (0.0, 0.0, 0.0, 0.0)
    for token in tokens:
        if isinstance(token, ast.URLToken) or (
            isinstance(token, ast.FunctionBlock)
            and (
                "gradient" in token.lower_name
                or token.lower_name in ("url", "image-set", "image", "element", "cross-fade")
            )
        ):
            return True, UNKNOWN
        found = _parsed(token)
        if found is not None:
            colour = found
        elif isinstance(token, ast.FunctionBlock) or (
            isinstance(token, ast.IdentToken) and token.lower_value not in _LAYOUT_WORDS
        ):  # a colour not known here: oklch(), color-mix(), rgb(var(--x)), currentColor
            return False, UNKNOWN
    return False, colour


def _paper(text: str) -> Value:
    """A background colour: as `_colour`, but a background's first value is transparent
    and one in the text's colour (`currentcolor`) is not known here."""
    text = text.strip().lower()
    if text == "initial":
        return (0.0, 0.0, 0.0, 0.0)
    if text == "currentcolor":
        return UNKNOWN
    return _colour(text)


def _legacy(text: str) -> Value:
    """A colour given by an HTML attribute (bgcolor, text, link, <font color>), as
    browsers read one: six hex digits without "#" are that colour, three are not the
    short form ("fff" is #0f0f0f)."""
    text = text.strip().lower()
    if re.fullmatch(r"[0-9a-f]{3}", text):
        return _colour("#" + "".join("0" + c for c in text))
    if re.fullmatch(r"[0-9a-f]{6}", text):  # bgcolor="ffffff"
        return _colour("#" + text)
    return _colour(text)


def _colour(text: str) -> Value:
    """A colour as (r, g, b, alpha), each 0 to 1; INHERIT for the colour around it
    (`inherit`, `currentcolor`); UNKNOWN for what cannot be known here (`var(--ink)`)."""
    text = text.strip().lower()
    if text in (INHERIT, "unset", "currentcolor", "revert", "revert-layer"):
        return INHERIT
    if text == "initial":
        return BLACK
    found = _parsed(text)
    return UNKNOWN if found is None else found


def _parsed(value: str | ast.Node) -> tuple[float, float, float, float] | None:
    try:
        colour = color4.parse_color(value)
    except (ValueError, TypeError):
        return None
    if colour is None or isinstance(colour, str):
        return None
    try:
        red, green, blue = colour.to("srgb").coordinates
    except (NotImplementedError, ValueError, TypeError):
        return None
    alpha = colour.alpha
    return (_clamp(red), _clamp(green), _clamp(blue), _clamp(alpha))


def _clamp(value: float | None) -> float:
    return 0.0 if value is None else min(1.0, max(0.0, float(value)))


def _any_colour(tree: ET.Element) -> bool:
    """Whether any element sets a colour, a background or a place by attribute."""
    for node in tree.iter():
        if any(node.get(name) is not None for name in ("bgcolor", "color", "text", "link")):
            return True
        if _WORDS.search(node.get("style", "")):
            return True
    return False


def blends_alone(style: str) -> bool:
    """Whether declarations set both a colour and a solid background that it blends into
    ("color: #fff; background: #fff"): unseen on any page, whatever is around them."""
    slots = {slot: value for slot, (value, _) in _parse(style).items()}
    paper = slots.get("paper")
    if not isinstance(paper, tuple) or paper[3] < 1 or slots.get("image") is True:
        return False
    return _blends(_look(ET.Element("span"), Look(None, None), slots))
