"""Status labels and the protective marking are readable: WCAG contrast at least 4.5:1,
computed from the stylesheets the brief is printed with."""

from __future__ import annotations

import pytest
import tinycss2
from tinycss2.color3 import parse_color

from briefgen.models import STATUSES
from briefgen.paths import BUILTIN_TEMPLATES
from conftest import ROOT

MINIMUM = 4.5
PAGE = "@page"  # the key under which the page's margin boxes are kept
LABELS = [f".status-{s.replace(' ', '-')}" for s in STATUSES] + [".change-new", ".change-revised"]
MARKINGS = [".marking", f"{PAGE} @top-center", f"{PAGE} @bottom-center"]
RGB = tuple[float, float, float]


def _colour(tokens: list[object]) -> RGB | None:
    """The first colour in a declaration's value (a `background` shorthand holds one too)."""
    for token in tokens:
        colour = parse_color(token)
        if colour is not None and not isinstance(colour, str):
            return (colour.red, colour.green, colour.blue)
    return None


def _declarations(content: list[object], into: dict[str, RGB]) -> None:
    for node in tinycss2.parse_blocks_contents(content, skip_whitespace=True, skip_comments=True):
        if node.type == "declaration" and node.lower_name in (
            "color",
            "background-color",
            "background",
        ):
            colour = _colour(node.value)
            if colour is not None:
                into["background" if node.lower_name != "color" else "color"] = colour


def colours(css: str) -> dict[str, dict[str, RGB]]:
    """Each plain selector's colour and background, the later rule winning, as a browser
    cascades rules of equal weight; @media blocks are left out (the screen and page rules are
    the ones checked), and @page margin boxes are kept as '@page @top-center'."""
    found: dict[str, dict[str, RGB]] = {}
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if rule.type == "qualified-rule":
            for selector in tinycss2.serialize(rule.prelude).split(","):
                _declarations(rule.content, found.setdefault(selector.strip(), {}))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "page" and rule.content:
            if tinycss2.serialize(rule.prelude).strip():
                continue  # a named page (the card's) sets margins only
            for node in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
                if node.type == "at-rule" and node.content:
                    _declarations(
                        node.content, found.setdefault(f"{PAGE} @{node.lower_at_keyword}", {})
                    )
    return found


def luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour (channels 0..1)."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: RGB, b: RGB) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def too_faint(css: str) -> dict[str, float]:
    """Every label and marking whose text colour is under MINIMUM against its background
    (the page's white where it sets none), with the ratio; one without a colour counts 1."""
    rules = colours(css)
    page = rules.get("html", {}).get("background", (1.0, 1.0, 1.0))
    faint = {}
    more = [s for s in rules if ("marking" in s or ".status" in s) and "color" in rules[s]]
    for selector in dict.fromkeys(LABELS + MARKINGS + more):
        rule = rules.get(selector, {})
        ratio = contrast(rule["color"], rule.get("background", page)) if "color" in rule else 1.0
        if ratio < MINIMUM:
            faint[selector] = round(ratio, 2)
    return faint


BUILTIN = (BUILTIN_TEMPLATES / "brief.css").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "css",
    [BUILTIN, BUILTIN + (ROOT / "templates" / "extra.css").read_text(encoding="utf-8")],
    ids=["built-in", "sample-workspace"],
)
def test_labels_and_marking_have_enough_contrast(css: str) -> None:
    assert too_faint(css) == {}


@pytest.mark.parametrize("selector", LABELS + MARKINGS)
def test_a_faint_colour_is_caught(selector: str) -> None:
    """The check can fail: a text colour close to its background is reported."""
    rules = colours(BUILTIN)
    background = rules[selector].get("background", (1.0, 1.0, 1.0))
    faint = "#" + "".join(f"{round(min(1.0, c + 0.05) * 255):02x}" for c in background)
    if selector.startswith(PAGE):
        box = selector.split()[1]
        changed = BUILTIN + f"\n@page {{ {box} {{ color: {faint}; }} }}\n"
    else:
        changed = BUILTIN + f"\n{selector} {{ color: {faint}; }}\n"
    assert selector in too_faint(changed)


def test_a_rule_for_one_marking_is_checked_too() -> None:
    """A house style may colour one marking its own way: that rule is checked as well."""
    changed = BUILTIN + '\n[data-marking="OFFICIAL-SENSITIVE"] .marking { color: #f08080; }\n'
    assert '[data-marking="OFFICIAL-SENSITIVE"] .marking' in too_faint(changed)


def test_every_status_has_its_own_colours() -> None:
    rules = colours(BUILTIN)
    for selector in LABELS[: len(STATUSES)]:
        assert {"color", "background"} <= set(rules.get(selector, {})), selector


def test_contrast_matches_known_pairs() -> None:
    assert contrast((0, 0, 0), (1, 1, 1)) == pytest.approx(21)
    assert contrast((1, 1, 1), (1, 1, 1)) == pytest.approx(1)
    assert contrast((0x76 / 255,) * 3, (1, 1, 1)) == pytest.approx(4.54, abs=0.01)  # #767676
