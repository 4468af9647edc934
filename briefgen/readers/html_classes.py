"""Which elements a web page's own class rules hide: by the rule that wins for them.

A page's `<style>` may hide a class (`.tab-pane { display: none }`) and show it again
with more of them (`.tab-pane.active { display: block }`, Bootstrap's `.fade.in`), or
hide it only on one tag (`table.mobile`). Top-level rules whose selectors are a tag
and classes are followed as a browser follows them: of the rules that match an
element's tag and classes, the one marked `!important` wins, then the most specific,
then the last. Common hiding classes (`hidden`, `sr-only`, ...) count as the page's
first rules.

Rules not followed here (selectors with ids, attributes or descendants; rules inside
`@media` or `@supports` blocks; `<style>` elements for print or some screens only)
may show what a followed rule hides: a class they show, or set a font size or
visibility for, is not taken to be hidden by a followed rule (a mobile-first page's
`@media (min-width: 768px) { .panel { display: block } }`, `.grid > li { font-size:
16px }` under `.grid { font-size: 0 }`). What they hide is read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # tinyhtml5's tree type
from dataclasses import dataclass

from briefgen.readers.base import hides, undoable

# a selector of a tag and classes: "div.note", ".tab-pane.active"
_COMPOUND = re.compile(r"^\s*([a-z][a-z0-9]*)?((?:\.[\w-]+)+)\s*$", re.I)
_NAMED = re.compile(r"[.#]-?[_a-z][\w-]*", re.I)  # a class or id a selector names
# declarations that show what another rule hid
_SHOWS = re.compile(
    r"(?<![\w-])(?:display\s*:\s*(?!none\b)[a-z]"
    r"|opacity\s*:\s*(?:1(?:\.0*)?(?![\d.%])|0*\.[1-9]|[1-9]\d*(?:\.\d*)?%))",
    re.I,
)
_IMPORTANT = re.compile(r"(?:display|opacity|visibility|font-size)\s*:[^;}]*!\s*important", re.I)
_COMMENT = re.compile(r"/\*.*?(?:\*/|$)|<!--|-->", re.S)
Aspect = bool | None  # what a rule says of one way of hiding: hides, shows, or nothing


def shows(style: str) -> bool:
    """Whether declarations show an element that a class rule hid ("display: block")."""
    return _SHOWS.search(style) is not None


@dataclass(frozen=True)
class _Rule:
    tag: str | None
    classes: frozenset[str]
    order: int
    hides: Aspect  # for good (display, opacity, clipping, ...)
    small: Aspect = None  # a font too small to read: inherited, undone by a larger one
    invisible: Aspect = None  # visibility: inherited, undone by `visible`
    important: bool = False


class ClassRules:
    """The page's class rules that hide or show, indexed by each class they name, and the
    classes (".x") and ids ("#y") that rules not followed here may show (`maybe_shown`)
    or set a font size or visibility for (`maybe_set`)."""

    def __init__(self, rules: list[_Rule], maybe_shown: set[str], maybe_set: set[str]) -> None:
        self._by_class: dict[str, list[_Rule]] = {}
        for rule in rules:
            for name in rule.classes:
                self._by_class.setdefault(name, []).append(rule)
        self.maybe_shown, self.maybe_set = maybe_shown, maybe_set

    def hides(self, tag: str, classes: set[str], ident: str | None = None) -> bool:
        """Whether the rule that wins for an element of this tag, these classes and id
        hides it for good (not by a font size or visibility, which an element inside may
        undo), and no rule not followed here may show it."""
        found = self._winner(tag, classes, "hides")
        if found is None or found.hides is not True or f"#{ident}" in self.maybe_shown:
            return False
        return not {f".{name}" for name in found.classes} & self.maybe_shown

    def undoable(self, tag: str, classes: set[str]) -> tuple[Aspect, Aspect, bool]:
        """What the winning rules say of its font being too small, and of its visibility,
        and whether the elements inside it take that from it (not where a rule not
        followed here may set either for them)."""
        small, invisible = (
            self._winner(tag, classes, "small"),
            self._winner(tag, classes, "invisible"),
        )
        passed = not any(
            r is not None and {f".{name}" for name in r.classes} & self.maybe_set
            for r in (small, invisible)
        )
        return (
            None if small is None else small.small,
            None if invisible is None else invisible.invisible,
            passed,
        )

    def _winner(self, tag: str, classes: set[str], aspect: str) -> _Rule | None:
        best: tuple[tuple[bool, int, bool, int], _Rule] | None = None
        for name in classes:
            for rule in self._by_class.get(name, ()):
                if getattr(rule, aspect) is None or (rule.tag is not None and rule.tag != tag):
                    continue
                if rule.classes <= classes:
                    key = (rule.important, len(rule.classes), rule.tag is not None, rule.order)
                    if best is None or key > best[0]:
                        best = (key, rule)
        return None if best is None else best[1]


def class_rules(
    tree: ET.Element, built_in: frozenset[str], invisible: frozenset[str]
) -> ClassRules:
    """The rules of the page's `<style>` elements for the screen, after `built_in` hiding
    classes and `invisible` ones (`visibility: hidden`, which an element inside may undo)."""
    rules = [_Rule(None, frozenset({name}), -1, True) for name in built_in - invisible]
    rules += [_Rule(None, frozenset({name}), -1, None, invisible=True) for name in invisible]
    maybe_shown: set[str] = set()
    maybe_set: set[str] = set()
    for style in tree.iter("style"):
        media = (style.get("media") or "").strip().lower()
        followed = not media or media in ("screen", "all")
        if not followed and media == "print":
            continue
        for selectors, declarations, top in _blocks(_COMMENT.sub(" ", style.text or "")):
            hiding: Aspect = True if hides(declarations, for_good=True) else None
            if hiding is None and shows(declarations):
                hiding = False
            small, unseen = undoable(declarations)
            if hiding is None and small is None and unseen is None:
                continue
            for selector in selectors.split(","):
                simple = _COMPOUND.match(selector) if followed and top else None
                if simple is None:  # not followed here: it may show or set anything it names
                    named = set(_NAMED.findall(selector))
                    if hiding is False:
                        maybe_shown |= named
                    if small is False or unseen is False:
                        maybe_set |= named
                    continue
                tag = simple[1].lower() if simple[1] else None
                names = frozenset(simple[2].split(".")[1:])
                important = _IMPORTANT.search(declarations) is not None
                rules.append(_Rule(tag, names, len(rules), hiding, small, unseen, important))
    return ClassRules(rules, maybe_shown, maybe_set)


def _blocks(css: str) -> list[tuple[str, str, bool]]:
    """(selectors, declarations, whether at the top level) of each rule of a stylesheet,
    those inside @media and other blocks too; in one pass, in linear time."""
    found: list[tuple[str, str, bool]] = []
    opened: list[tuple[str, int]] = []  # the selectors and start of each block open
    at = 0
    for brace in re.finditer(r"[{};]", css):
        if brace[0] == ";":
            if not opened:  # a statement at the top level: @charset "utf-8"; @import ...;
                at = brace.end()
            continue
        if brace[0] == "{":
            opened.append((css[at : brace.start()], brace.end()))
            at = brace.end()
            continue
        if opened:
            selectors, start = opened.pop()
            body = css[start : brace.start()]
            if "{" not in body:  # a rule, not a block of them
                found.append((selectors.strip(), body, not opened))
        at = brace.end()
    return found
