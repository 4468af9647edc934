"""A saved web page -> the text of its article, one paragraph per line.

The page is parsed (tinyhtml5, the WHATWG parser WeasyPrint uses), never rendered or
fetched: nothing it links to is loaded. Its bytes are read in the charset a byte-order
mark or `<meta charset>` declares, UTF-8 otherwise. The rule, applied the same way
every time:

1. Boilerplate is dropped, with everything inside it: the elements script, style,
   noscript, template, nav, aside, footer, form, button, iframe, svg and the like;
   header, except inside an article or main (where it holds the headline and byline);
   anything `hidden`, `aria-hidden="true"` or `display: none`; anything whose role is
   navigation, banner, contentinfo, complementary, search, menu or dialog; and any
   element whose id, class or aria-label names a cookie or consent banner,
   navigation, a menu, a share bar, related links, a newsletter sign-up, breadcrumbs,
   comments, adverts, a site header or footer (see MARKERS: whole words, camelCase
   split, and a few stems such as "cookie" anywhere). That last test never drops the
   page's body, an article or main, nor an element holding one of them.
   Words set in the colour of what is behind them (white on white, a grey a shade off
   its background) are left out too, as far as the page's own styles tell: see
   html_colours.py.
2. The main text is the largest article left (by its text), else the first main,
   else the first element with role=main, else the whole body.
3. Within it, each block (p, h1-h6, li, blockquote, pre, figcaption, dt, dd, a table
   row, and text standing loose in a div or section) becomes one line, its inline
   whitespace collapsed, `<br>` read as a space and `<q>` given the quotation marks a
   browser shows; a table row's cells are joined by " | ". The locator is the paragraph: line n of the text is para. n.

The title is the page's og:title, else the article's first h1, else its <title>; the
date is a <meta> article:published_time (or another name in DATE_METAS), else the
article's first <time datetime>, else an itemprop=datePublished, else a JSON-LD
datePublished, as YYYY-MM-DD.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET  # tinyhtml5's tree type; no XML is parsed with it
from collections import deque
from collections.abc import Iterator

import tinyhtml5

from briefgen.readers import html_colours
from briefgen.readers.base import (
    LOWERED,
    PARAGRAPH,
    RAISED,
    Extracted,
    ReaderError,
    hides,
    undoable,
)
from briefgen.readers.html_classes import ClassRules, class_rules, shows


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


MAX_BYTES = 20_000_000
MAX_DEPTH = 1_500  # elements inside one another; real pages nest well under 100
MAX_JSON_LD = 200_000  # characters of one JSON-LD script read for a date
MAX_JSON_NODES = 10_000

DROP_TAGS = _set(
    "script style noscript template nav aside footer form button iframe svg math "
    "object embed canvas select textarea dialog rt rp del s strike"
)  # struck-through text is withdrawn, as a tracked deletion in a document is
# class names that hide an element in the common stylesheets (Bootstrap, WordPress, ...)
HIDDEN_CLASSES = _set(
    "hidden d-none hide invisible visually-hidden visuallyhidden sr-only screen-reader-text "
    "screenreader-only offscreen show-for-sr visually-hidden-focusable"
)
INVISIBLE_CLASSES = _set("invisible")  # of those, hidden by visibility, which may be undone
DROP_ROLES = _set(
    "navigation banner contentinfo complementary search menu menubar dialog alertdialog"
)
# words in an id, class or aria-label that mark boilerplate ("share-bar", "mainNav")
MARKERS = _set(
    "nav navbar navigation menu share sharing social related comment comments ad ads "
    "adslot skip footer copyright subscription subscribe signup popup modal toolbar feedback"
)
MARKERS_OUTSIDE = _set("header masthead topbar")  # an article's own header is kept
# stems that mark boilerplate wherever they stand in a name ("cookiebanner")
MARKER_STEMS = ("cookie", "consent", "gdpr", "newsletter", "breadcrumb", "advert", "sponsor")
PROTECTED = frozenset({"html", "body", "article", "main"})
BLOCKS = _set(
    "p h1 h2 h3 h4 h5 h6 li blockquote pre figcaption dt dd tr caption address div section "
    "article main header figure ul ol dl table thead tbody tfoot body details summary hr "
    "center fieldset legend menu dir search hgroup"
)
# <meta> names of the date of publication, the most telling first
DATE_METAS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "dcterms.issued",
    "dc.date.issued",
    "pubdate",
    "publish-date",
    "publication_date",
    "citation_publication_date",
    "parsely-pub-date",
    "govuk:first-published-at",
)
CELLS = frozenset({"td", "th"})
# elements that never hold others, or that the parser closes by itself when a sibling opens
_FLAT = _set(
    "area base br col embed hr img input link meta param source track wbr p li dt dd option "
    "optgroup tr td th thead tbody tfoot colgroup caption rp rt html head body"
)
_TAG = re.compile(rb"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z0-9]+(?![a-z])")
# classes that show an element again on a wider screen (Bootstrap's and the like)
_SHOWN_AGAIN = re.compile(r"d-(?:sm|md|lg|xl|xxl)-|visible-|show-(?!for-sr)")
_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")


def extract(data: bytes) -> Extracted:
    if len(data) > MAX_BYTES:
        raise ReaderError(
            f"the page is {len(data):,} bytes, over the {MAX_BYTES:,} a saved page is read up to; "
            "save only the article (File > Save Page As, 'HTML only')"
        )
    _check_depth(data)
    page = Page(tinyhtml5.parse(data, namespace_html_elements=False, default_encoding="utf-8"))
    root, where = page.main()
    lines = page.lines(root)
    if not lines:
        raise ReaderError(
            "no text was found in the page's main content; save the page after it has loaded "
            "(File > Save Page As), or save its text as a .txt file"
        )
    unseen = page.unseen_words()
    notes = (f"main text: {where}", f"{page.dropped} boilerplate elements left out")
    return Extracted(
        "\n".join(lines),
        PARAGRAPH,
        tuple((n, 0) for n in range(1, len(lines) + 1)),
        page.title(root),
        page.published(root),
        (
            *notes,
            f"{len(page.unseen)} passages not shown left out (in the colour of their "
            "background, too small to read or not visible)",
        )
        if page.unseen
        else notes,
        hidden=((0, unseen),) if unseen else (),
    )


def _check_depth(data: bytes) -> None:
    """Refuse a page nested deeper than MAX_DEPTH before parsing it: the parser's time grows
    with the square of the depth. Counted from the tags, which is close enough for this."""
    depth = 0
    for match in _TAG.finditer(data):
        if match[2].lower().decode() in _FLAT or match[3]:
            continue
        depth = max(0, depth - 1) if match[1] else depth + 1
        if depth > MAX_DEPTH:
            line = data.count(b"\n", 0, match.start()) + 1
            raise ReaderError(
                f"the page nests elements more than {MAX_DEPTH:,} deep (at line {line}), which "
                "no article needs; save the article's text as a .txt file instead"
            )


class Page:
    """A parsed page, with which elements are boilerplate worked out once, top down."""

    def __init__(self, tree: ET.Element) -> None:
        self.tree = tree
        self.removed: set[int] = set()  # id() of every element dropped or inside one
        self.dropped = 0
        self._elements: list[ET.Element] = []
        self.class_rules = class_rules(tree, HIDDEN_CLASSES, INVISIBLE_CLASSES)
        holders = self._holders()
        muted: set[int] = set()  # a font too small to read, or not visible, which they inherit
        # each: the element, whether it is gone, inside an article, its font too small, invisible
        stack: list[tuple[ET.Element, bool, bool, bool, bool]] = [
            (tree, False, False, False, False)
        ]
        while stack:
            node, gone, in_article, small, invisible = stack.pop()
            tag = _tag(node)
            if not gone and self._boilerplate(node, tag, in_article, id(node) in holders):
                gone = True
                self.dropped += isinstance(node.tag, str)  # comments are not counted
            if gone:
                self.removed.add(id(node))
            else:
                self._elements.append(node)
                (own_small, own_invisible), (small, invisible) = self._undone(
                    node, tag, small, invisible
                )
                if own_small or own_invisible:
                    muted.add(id(node))
            inside = in_article or tag in ("article", "main")
            stack.extend((child, gone, inside, small, invisible) for child in reversed(node))
        # elements whose own words are the colour of what is behind them, too small or invisible
        self.unseen = html_colours.unseen(tree, self.removed) | muted

    def _undone(
        self, node: ET.Element, tag: str, small: bool, invisible: bool
    ) -> tuple[tuple[bool, bool], tuple[bool, bool]]:
        """Whether an element's font is too small to read, and whether it is invisible,
        for its own words and for the elements inside it: as its own style or class rules
        say, else as the element around it is (both are inherited, and an element inside
        may undo them: `font-size: 0` around inline blocks that set their own size,
        `visibility: visible` inside a hidden box). What a class rule says is not passed
        on where a rule not followed here may undo it (`.grid > li { font-size: 16px }`)."""
        if not isinstance(node.tag, str):
            return (small, invisible), (small, invisible)
        styled = undoable(node.get("style", ""))
        ruled: tuple[bool | None, bool | None, bool] = (None, None, True)
        if None in styled:
            ruled = self.class_rules.undoable(tag, set(node.get("class", "").split()))
        (own_small, in_small), (own_invisible, in_invisible) = (
            _inherit(styled[i], ruled[i], ruled[2], around)
            for i, around in enumerate((small, invisible))
        )
        return (own_small, own_invisible), (in_small, in_invisible)

    def _holders(self) -> set[int]:
        """id() of every element that holds an article, a main or a role=main."""
        parent: dict[int, ET.Element] = {}
        found: set[int] = set()
        for node in self.tree.iter():
            for child in node:
                parent[id(child)] = node
            if _tag(node) in ("article", "main") or _attr(node, "role") == "main":
                up = parent.get(id(node))
                while up is not None and id(up) not in found:
                    found.add(id(up))
                    up = parent.get(id(up))
        return found

    def _boilerplate(self, node: ET.Element, tag: str, in_article: bool, holder: bool) -> bool:
        if not isinstance(node.tag, str):
            return True  # a comment or processing instruction
        if tag in DROP_TAGS or (tag == "header" and not in_article):
            return True
        if node.get("hidden") is not None or _attr(node, "aria-hidden") == "true":
            return True
        if hides(node.get("style", ""), for_good=True) or _attr(node, "role") in DROP_ROLES:
            return True
        if _hides(
            tag, node.get("class", "").split(), node.get("id"), self.class_rules
        ) and not shows(
            node.get("style", "")
        ):  # (a page saved after a script showed it: style="display: block")
            return True
        if tag in PROTECTED or holder:
            return False
        names = " ".join(node.get(a, "") for a in ("id", "class", "aria-label"))
        words = {w.lower() for w in _WORD.findall(names)}
        if not MARKERS.isdisjoint(words) or (
            not in_article and not MARKERS_OUTSIDE.isdisjoint(words)
        ):
            return True
        return any(stem in names.lower() for stem in MARKER_STEMS)

    def main(self) -> tuple[ET.Element, str]:
        """The element holding the article's text, and how it was chosen."""
        articles = [e for e in self._elements if _tag(e) == "article"]
        if articles:
            sizes = [sum(len(line) for line in self.lines(a)) for a in articles]
            best = max(range(len(articles)), key=lambda i: (sizes[i], -i))
            return articles[best], "<article>" if len(articles) == 1 else "the largest <article>"
        for attr, value, where in (
            ("", "main", "<main>"),
            ("role", "main", 'role="main"'),
            ("", "body", "<body>"),
        ):
            for element in self._elements:
                if (_attr(element, attr) if attr else _tag(element)) == value:
                    return element, where
        return self.tree, "the whole page"

    def walk(self, root: ET.Element) -> Iterator[tuple[str, ET.Element | str]]:
        """("open", el), ("text", s), ("close", el) in document order, boilerplate skipped;
        iterative, so however deep the page nests."""
        unseen = self.unseen  # their own words are left out; their children's are judged apart
        stack: list[tuple[ET.Element, bool, int]] = [(root, False, 0)]
        while stack:
            node, done, outer = stack.pop()  # outer: id() of the parent, whose words a tail is
            if done:
                yield "close", node
            elif id(node) not in self.removed:
                yield "open", node
                if node.text:  # words not seen still take up room: a space stands for them
                    yield "text", " " if id(node) in unseen else node.text
                stack.append((node, True, outer))
                stack.extend((child, False, id(node)) for child in reversed(node))
            if (done or id(node) in self.removed) and node is not root and node.tail:
                yield "text", " " if outer in unseen else node.tail

    def unseen_words(self) -> str:
        """The words left out for their colour, in the page's order (to tell a quote of
        them why it is not found)."""
        parts: list[str] = []
        for node in self.tree.iter():
            if id(node) in self.unseen:
                parts.append(node.text or "")
                parts.extend(child.tail or "" for child in node)
        return " ".join(" ".join(parts).split())

    def lines(self, root: ET.Element) -> list[str]:
        """One line per block of text under root."""
        lines: list[str] = []
        words: list[str] = []
        cells = 0  # how deep inside table cells: their blocks are spaces, not new lines
        raised: list[dict[int, int]] = []  # <sup> and <sub> open: how their digits are written

        def flush() -> None:
            line = " ".join("".join(words).split())
            if line:
                lines.append(line)
            words.clear()

        for event, value in self.walk(root):
            if isinstance(value, str):
                words.append(value.translate(raised[-1]) if raised else value)
                continue
            tag = _tag(value)
            if tag in ("sup", "sub"):  # "10<sup>6</sup>" is 10⁶, not 106
                if event == "open":
                    raised.append(RAISED if tag == "sup" else LOWERED)
                elif raised:
                    raised.pop()
            elif tag in CELLS:
                cells += 1 if event == "open" else -1
                if event == "open" and any(w.strip() for w in words):
                    words.append(" | ")
            elif tag == "q":  # shown with quotation marks, so copied with them
                words.append("“" if event == "open" else "”")
            elif tag == "br" or (tag in BLOCKS and cells and tag != "tr"):
                words.append(" ")
            elif tag in BLOCKS:
                flush()
        flush()
        return lines

    def title(self, root: ET.Element) -> str | None:
        for meta in self.tree.iter("meta"):
            if _attr(meta, "property") == "og:title" and meta.get("content", "").strip():
                return " ".join(meta.get("content", "").split())
        for element in root.iter("h1"):
            if id(element) not in self.removed:
                text = " ".join("".join(element.itertext()).split())
                if text:
                    return text
        for element in self.tree.iter("title"):
            text = " ".join("".join(element.itertext()).split())
            if text:
                return text
        return None

    def published(self, root: ET.Element) -> str | None:
        metas = {}
        for meta in self.tree.iter("meta"):
            key = _attr(meta, "property") or _attr(meta, "name") or _attr(meta, "itemprop")
            if key in DATE_METAS and key not in metas and (day := _day(meta.get("content"))):
                metas[key] = day
        if metas:
            return min(metas.items(), key=lambda kv: DATE_METAS.index(kv[0]))[1]
        for element in root.iter("time"):
            if id(element) not in self.removed and (day := _day(element.get("datetime"))):
                return day
        for element in self.tree.iter():
            if _attr(element, "itemprop") == "datepublished":
                day = _day(element.get("content") or element.get("datetime"))
                if day:
                    return day
        for script in self.tree.iter("script"):
            if _attr(script, "type") == "application/ld+json":
                day = _json_ld_date(script.text or "")
                if day:
                    return day
        return None


def _inherit(
    styled: bool | None, ruled: bool | None, passed: bool, around: bool
) -> tuple[bool, bool]:
    """An inherited property for an element's own words and for the elements inside it:
    its style's, else its class rule's (passed on only if `passed`), else `around`."""
    if styled is not None:
        return styled, styled
    if ruled is not None:
        return ruled, ruled if passed else around
    return around, around


def _hides(tag: str, classes: list[str], ident: str | None, rules: ClassRules) -> bool:
    """Whether an element of this tag, these classes and id is hidden: the page's class
    rule that wins for it hides it, and no class shows it again on a wider screen
    ("hidden md:inline", "d-none d-md-block")."""
    if not rules.hides(tag, set(classes), ident):
        return False
    return not any(":" in c or _SHOWN_AGAIN.match(c) for c in classes)


def _tag(node: ET.Element) -> str:
    return node.tag.lower() if isinstance(node.tag, str) else ""


def _attr(node: ET.Element, name: str) -> str:
    return node.get(name, "").strip().lower()


def _day(value: str | None) -> str | None:
    """YYYY-MM-DD from the start of an ISO date or date-time, if it is a real date."""
    match = _DATE.match(value or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def _json_ld_date(text: str) -> str | None:
    """The first datePublished in a JSON-LD script (looked for breadth first, bounded)."""
    if len(text) > MAX_JSON_LD:
        return None
    try:
        queue = deque([json.loads(text)])
    except (ValueError, RecursionError):
        return None
    seen = 0
    while queue and seen < MAX_JSON_NODES:
        node = queue.popleft()
        seen += 1
        if isinstance(node, dict):
            value = node.get("datePublished")
            if isinstance(value, str) and (day := _day(value)):
                return day
            queue.extend(node.values())
        elif isinstance(node, list):
            queue.extend(node)
    return None
