"""Which links may reach an output: the one rule every output and every check applies."""

from __future__ import annotations

import re

LINK_SCHEMES = ("http", "https", "mailto")
LINK_RULE = "a link may go only to http:, https:, mailto: or a #place in the document"
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_STRIP = "".join(chr(c) for c in range(0x21))  # what a browser trims from a URL's ends


def clean_url(value: str) -> str:
    """A URL as a browser reads it: ends trimmed of spaces and controls, tabs and newlines
    removed inside."""
    return re.sub(r"[\t\n\r]", "", value.strip(_STRIP))


def scheme(url: str) -> str | None:
    found = _SCHEME.match(url)
    return found[1].lower() if found else None


def every_link(url: str) -> bool:
    """In place of markdown-it's own link check, which drops links it does not like before
    they are seen: every link is kept, to be judged by safe_link and reported."""
    return True


def safe_link(url: str) -> bool:
    """Whether a link may reach an output: absolute http, https, mailto, or #in-document."""
    url = clean_url(url)
    return url.startswith("#") or (scheme(url) in LINK_SCHEMES and not url.startswith("\\"))
