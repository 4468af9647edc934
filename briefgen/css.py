"""Every URL a stylesheet can load, found with a real CSS tokenizer (tinycss2, which the PDF
engine uses), so escapes, comments and nesting are read as a browser reads them."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tinycss2
from tinycss2 import ast
from tinycss2.serializer import serialize_string_value

# Functions whose string arguments are URLs to load.
_URL_FUNCTIONS = {"url", "src"}
_IMAGE_FUNCTIONS = {"image-set", "-webkit-image-set", "image", "cross-fade", "-webkit-cross-fade"}
# A plain string that names another scheme or host is refused too: a future or vendor
# function could load it.
_FOREIGN = re.compile(r"\s*(//|\\\\|(https?|file|ftp|wss?|gopher|jar):)", re.IGNORECASE)


@dataclass
class Reference:
    """One URL in a stylesheet: its text, line and column, and where the token sits."""

    url: str
    line: int
    col: int
    holder: list[Any]
    index: int

    def replace(self, url: str) -> None:
        old = self.holder[self.index]
        if isinstance(old, ast.URLToken):
            self.holder[self.index] = ast.URLToken(old.source_line, old.source_column, url, "")
        else:
            text = f'"{serialize_string_value(url)}"'
            self.holder[self.index] = ast.StringToken(old.source_line, old.source_column, url, text)


def parse(css: str) -> list[Any]:
    return list(tinycss2.parse_component_value_list(css, skip_comments=True))


def references(tokens: list[Any]) -> list[Reference]:
    """Every loadable URL in the tokens, nested blocks and functions included."""
    found: list[Reference] = []
    _walk(tokens, found, strings=False)
    return found


def _walk(tokens: list[Any], found: list[Reference], strings: bool) -> None:
    after_import = False
    for index, token in enumerate(tokens):
        if isinstance(token, ast.WhitespaceToken):
            continue
        if isinstance(token, ast.URLToken) or (
            isinstance(token, ast.StringToken)
            and (strings or after_import or _FOREIGN.match(token.value))
        ):
            found.append(_ref(token.value, token, tokens, index))
        elif isinstance(token, ast.FunctionBlock):
            name = token.lower_name
            _walk(token.arguments, found, strings=name in _URL_FUNCTIONS | _IMAGE_FUNCTIONS)
        elif isinstance(
            token, ast.ParenthesesBlock | ast.SquareBracketsBlock | ast.CurlyBracketsBlock
        ):
            _walk(token.content, found, strings=False)
        after_import = isinstance(token, ast.AtKeywordToken) and token.lower_value == "import"


def _ref(url: str, token: Any, holder: list[Any], index: int) -> Reference:
    return Reference(url, token.source_line, token.source_column, holder, index)


def rewrite(css: str, change: Callable[[Reference], str | None]) -> str:
    """The stylesheet with each reference replaced by `change(ref)` (None keeps it).

    A stylesheet is tokenized once per distinct text, and written once per distinct text
    and replacements (a preview renders the same one after every edit)."""
    found = _scanned(css)
    news = [change(Reference(url, line, col, [], 0)) for url, line, col in found]
    if all(new is None or new == url for new, (url, _, _) in zip(news, found, strict=True)):
        return css
    return _rewritten(css, tuple(news))


@functools.lru_cache(maxsize=64)
def _rewritten(css: str, news: tuple[str | None, ...]) -> str:
    tokens = parse(css)
    for ref, new in zip(references(tokens), news, strict=True):
        if new is not None and new != ref.url:
            ref.replace(new)
    return str(tinycss2.serialize(tokens))


@functools.lru_cache(maxsize=256)
def _scanned(css: str) -> tuple[tuple[str, int, int], ...]:
    return tuple((ref.url, ref.line, ref.col) for ref in references(parse(css)))
