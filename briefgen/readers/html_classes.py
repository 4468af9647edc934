"""Which elements a web page's own class rules hide: by the rule that wins for them.

A page's `<style>` may hide a class (`.tab-pane { display: none }`) and show it again
with more of them (`.tab-pane.active { display: block }`, Bootstrap's `.fade.in`), or
hide it only on one tag (`table.mobile`). Top-level rules whose selectors are a tag
and classes (no ids, states or descendants) are followed as a browser follows them:
of the rules that match an element's tag and classes, the most specific wins, and of
equally specific ones the last. Common hiding classes (`hidden`, `sr-only`, ...) count
as the page's first rules. Rules inside `@media` blocks, and `<style>` elements for
print or for some screens only, are not followed: a reader on a desktop may not see
them applied, and what they hide is read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # tinyhtml5's tree type
from dataclasses import dataclass

from briefgen.readers.base import hides, undoable

# a selector of a tag and classes: "div.note", ".tab-pane.active"
_COMPOUND = re.compile(r"^\s*([a-z][a-z0-9]*)?((?:\.[\w-]+)+)\s*$", re.I)
# declarations that show what another rule hid
_SHOWS = re.compile(
    r"(?<![\w-])(?:display\s*:\s*(?!none\b)[a-z]"
    r"|opacity\s*:\s*(?:1(?:\.0*)?(?![\d.%])|0*\.[1-9]|[1-9]\d*(?:\.\d*)?%))",
    re.I,
)
Aspect = bool | None  # what a rule says of one way of hiding: hides, shows, or nothing


@dataclass(frozen=True)
class _Rule:
    tag: str | None
    classes: frozenset[str]
    order: int
    hides: Aspect  # for good (display, opacity, clipping, ...)
    small: Aspect = None  # a font too small to read: inherited, undone by a larger one
    invisible: Aspect = None  # visibility: inherited, undone by `visible`


class ClassRules:
    """The page's class rules that hide or show, indexed by each class they name."""

    def __init__(self, rules: list[_Rule]) -> None:
        self._by_class: dict[str, list[_Rule]] = {}
        for rule in rules:
            for name in rule.classes:
                self._by_class.setdefault(name, []).append(rule)

    def hides(self, tag: str, classes: set[str]) -> bool:
        """Whether the rule that wins for an element of this tag and these classes hides it
        for good (not by a font size or visibility, which an element inside may undo)."""
        return self._winner(tag, classes, "hides") is True

    def undoable(self, tag: str, classes: set[str]) -> tuple[Aspect, Aspect]:
        """What the winning rules say of its font being too small, and of its visibility."""
        return self._winner(tag, classes, "small"), self._winner(tag, classes, "invisible")

    def _winner(self, tag: str, classes: set[str], aspect: str) -> Aspect:
        best: tuple[tuple[int, bool, int], Aspect] | None = None
        for name in classes:
            for rule in self._by_class.get(name, ()):
                said = getattr(rule, aspect)
                if said is None or (rule.tag is not None and rule.tag != tag):
                    continue
                if rule.classes <= classes:
                    key = (len(rule.classes), rule.tag is not None, rule.order)
                    if best is None or key > best[0]:
                        best = (key, said)
        return None if best is None else best[1]


def class_rules(tree: ET.Element, built_in: frozenset[str]) -> ClassRules:
    """The rules of the page's `<style>` elements for the screen, after `built_in` hiding classes."""
    rules = [_Rule(None, frozenset({name}), -1, True) for name in built_in]
    for style in tree.iter("style"):
        media = (style.get("media") or "").strip().lower()
        if media and media not in ("screen", "all"):
            continue  # print, or some screens only
        css, depth, at = style.text or "", 0, 0
        selectors, opened = "", 0
        for brace in re.finditer(r"[{}]", css):  # one pass: linear time
            if brace[0] == "{":
                if depth == 0:
                    selectors, opened = css[at : brace.start()], brace.end()
                depth += 1
                continue
            depth = max(0, depth - 1)
            if depth:
                continue
            declarations, at = css[opened : brace.start()], brace.end()
            if "{" in declarations:
                continue  # an @media or other block
            hiding: Aspect = True if hides(declarations, for_good=True) else None
            if hiding is None and _SHOWS.search(declarations):
                hiding = False
            small, invisible = undoable(declarations)
            if hiding is None and small is None and invisible is None:
                continue
            for selector in selectors.split(","):
                simple = _COMPOUND.match(selector)
                if simple:
                    tag = simple[1].lower() if simple[1] else None
                    names = frozenset(simple[2].split(".")[1:])
                    rules.append(_Rule(tag, names, len(rules), hiding, small, invisible))
    return ClassRules(rules)
