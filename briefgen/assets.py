"""What a rendered document may load: data: URLs and files inside the template folders.

The final HTML is parsed as a browser parses it (see markup.py) and every element walked:
anything that would load, navigate away or submit somewhere is either an allowed template
file (inlined as a data: URL in HTML output) or a refusal naming the template line that
wrote it. Stylesheets and SVG images are followed inside, so nothing nested slips past.
"""

from __future__ import annotations

import base64
import binascii
import errno
import functools
import mimetypes
import os
import re
import stat
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit
from xml.etree import ElementTree

from briefgen import css, markup
from briefgen.errors import Location, Problem, RenderError
from briefgen.kept import Bounded
from briefgen.origins import Origins
from briefgen.paths import (
    BUILTIN_FONTS,
    BUILTIN_FONTS_FOLDER,
    hard_link_problem,
    links_of,
    open_once,
    read_checked,
    real,
)
from briefgen.urls import LINK_RULE, clean_url, safe_link, scheme

MAX_ASSET_BYTES = 20_000_000
MAX_ALLOWED = 50_000  # elements found allowed that are kept, at most, for a kind of walk
MAX_DEPTH = 8  # stylesheets importing stylesheets, images inside images
# Attributes that load what they name, on any element.
_LOADING = {
    "src", "srcset", "imagesrcset", "poster", "data", "background", "lowsrc", "dynsrc",
    "longdesc", "manifest", "codebase", "archive", "classid", "icon", "profile", "itemtype",
}  # fmt: skip
# Attributes that send or navigate somewhere by themselves: never allowed with a value.
_NEVER = {"ping", "action", "formaction", "xml:base", "srcdoc", "attributionsrc"}
# Elements that open another document or run code: never allowed in a brief.
_REFUSED_ELEMENTS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "fencedframe",
    "script", "noscript", "base",
}  # fmt: skip
# http-equiv values that only describe the page; anything else (refresh, set-cookie) is refused.
_META_ALLOWED = {"content-type", "content-language", "x-ua-compatible", "content-security-policy"}
_URL_ATTRS = _LOADING | _NEVER | {"href", "xlink:href"}
_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "discard"}
CSP_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline' data:; img-src data:; font-src data:; "
    "media-src data:; base-uri 'none'; form-action 'none'"
)


_At = Callable[..., Location]
# What Assets keep of the elements they found allowed (see _elements), for the preview
# server to keep between renders until a template or other file they may read changes;
# None: each Assets keeps its own.
_Allowed = dict[Hashable, Bounded[Hashable, tuple[tuple[Any, str], ...]]]  # by kind of walk
ALLOWED: ContextVar[_Allowed | None] = ContextVar("ALLOWED", default=None)
_RefAt = Callable[[css.Reference], Location]
_NOT_ALLOWED = (
    "only data: URLs and files inside the template folders may be used; copy the file"
    " into templates/ and name it there"
)
_NO_FILE = "there is no such file in the templates folder"
_TOO_LARGE = f"the file is larger than {MAX_ASSET_BYTES:,} bytes"


class RefusedURL(RenderError):
    """The document asked for a file or URL outside the template folders."""


@dataclass
class _Walk:
    """One pass over a document: what to do with loaded files and the problems found."""

    inline: bool
    final: bool = False
    problems: list[Problem] = field(default_factory=list)


class Assets:
    """Serves files inside `roots` (after resolving links) and nothing else."""

    def __init__(self, roots: list[Path], where: Location) -> None:
        self.roots = [r.resolve() for r in [*roots, BUILTIN_FONTS] if r.is_dir()]
        self.own = self.roots[0] if roots and roots[0].is_dir() else None  # the workspace's
        self.where = where
        # elements found allowed (see _elements); the preview keeps them between renders
        kept = ALLOWED.get()
        self.allowed: _Allowed = {} if kept is None else kept

    def data_for(self, url: str, where: Location | None = None) -> bytes:
        """The bytes of the allowed local file a file: URL names, checked and read through
        one descriptor; or RefusedURL."""
        found = self._file(url)
        if isinstance(found, str):
            raise RefusedURL.single(_refusal(url, found), where or self.where)
        return found[1]

    def _file(self, url: str) -> tuple[Path, bytes] | str:
        """The allowed file a file: URL names and its bytes, or why it is refused. It is
        checked and read through one descriptor: the file read is the one checked, even if
        another (a link, a FIFO, a larger file) takes its name meanwhile."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return _NOT_ALLOWED
        path = real(Path(unquote(parts.path)))
        builtin = path.parent.name == BUILTIN_FONTS_FOLDER and path.parent.parent in self.roots
        if builtin:
            path = BUILTIN_FONTS / path.name
        if not any(path.is_relative_to(root) for root in self.roots):
            return _NOT_ALLOWED
        try:
            # `path` is resolved, so a link there took its place since; the package's own
            # fonts (not resolved) may be links, to the system's copies, as before
            fd = open_once(path, follow_links=builtin)
        except OSError as exc:
            # refused as the checks by name refuse it (nothing is read by name), else for
            # what stopped it opening (no permission)
            if exc.errno == errno.ELOOP or not path.is_file():
                return _NO_FILE
            return self._refused(path, path.stat()) or f"the file cannot be read: {exc.strerror}"
        try:
            st = os.fstat(fd)
            problem = self._refused(path, st)
            if problem:
                return problem
            data = read_checked(fd, st.st_size, MAX_ASSET_BYTES)
        finally:
            os.close(fd)
        return _TOO_LARGE if len(data) > MAX_ASSET_BYTES else (path, data)

    def _refused(self, path: Path, st: os.stat_result) -> str | None:
        """Why the file `st` describes (named `path`) is not served, if it is not."""
        if not stat.S_ISREG(st.st_mode):
            return _NO_FILE
        if st.st_size > MAX_ASSET_BYTES:
            return _TOO_LARGE
        if self.own and path.is_relative_to(self.own) and links_of(st):
            return f"the file {hard_link_problem(path, st.st_nlink)}"  # it may be a file outside
        return None

    def inline(self, html: str, base: Path, origins: Origins | None = None) -> str:
        """HTML with every loaded reference made a data: URL, or RefusedURL; a
        Content-Security-Policy stops a browser loading anything else.

        It is checked first on html5ever's tree (fast, and current with the standard
        browsers follow), then, only if that finds a problem, on tinyhtml5's, which has the
        places that name each problem's template line."""
        try:
            return self._inline(html, base, origins, fast=True)
        except RenderError as refused:
            first = refused
        self._inline(html, base, origins, fast=False)  # the same problems, each placed
        raise first  # the parsers disagree: refused as html5ever's tree has it, placed by text

    def _inline(self, html: str, base: Path, origins: Origins | None, fast: bool) -> str:
        text = self._document(html, base, origins, _Walk(inline=True), csp=True, fast=fast)
        # The bytes written, read back as browsers read them, with scripting on and off;
        # the two readings differ only inside <noscript>, so without one, one reading does.
        readings = (True, False) if re.search("<noscript", text, re.IGNORECASE) else (True,)
        for scripting in readings:
            _, elements = markup.read(text) if fast and scripting else markup.parse(text, scripting)
            walk = _Walk(inline=False, final=True)
            self._elements(elements, text, base, None, walk)
            if walk.problems:
                raise RenderError(walk.problems)
        return text

    def check(self, html: str, base: Path, origins: Origins | None = None) -> str:
        """The HTML the PDF engine may be given: parsed, checked and written back, or
        RefusedURL naming everything not allowed, even where the engine would skip it."""
        return self._document(html, base, origins, _Walk(inline=False), csp=False)

    def _document(
        self,
        html: str,
        base: Path,
        origins: Origins | None,
        walk: _Walk,
        csp: bool,
        fast: bool = False,
    ) -> str:
        page, elements = markup.read(html) if fast else markup.parse(html)
        self._elements(elements, html, base, origins, walk)
        if walk.problems:
            raise RefusedURL(list(dict.fromkeys(walk.problems)))
        if csp:  # first in <head>: nothing loads before it
            page.first_in_head(
                "meta", {"http-equiv": "Content-Security-Policy", "content": CSP_POLICY}
            )
        return page.serialise()

    def _elements(
        self,
        elements: list[markup.Element],
        html: str,
        base: Path,
        origins: Origins | None,
        walk: _Walk,
    ) -> None:

        @functools.cache
        def lines() -> list[str]:  # the document's lines, once a problem needs them
            return html.split("\n")

        base_uri = base.resolve().as_uri() + "/"
        # The template line behind a place is worked out only for a place a problem names
        # (finding it can mean rendering again): until then a place is a stand-in.
        later: list[Callable[[], Location]] = []
        kind = (base_uri, *self.roots, walk.inline, walk.final)
        allowed = self.allowed.get(kind)
        if allowed is None:
            allowed = self.allowed[kind] = Bounded(MAX_ALLOWED)
        for element in elements:
            # An element allowed before, with the same name and attributes, is allowed again
            # with the same values written (a stylesheet's content is not in the key: not kept).
            key = element.signature()
            keep = element.name != "style"
            done = allowed.get(key) if keep else None
            if done is not None:
                for attr, value in done:
                    element.set(attr, value)
                continue

            def at(value: str = "", offset: int = 0, element: markup.Element = element) -> Location:
                if origins is None:
                    return self.where

                def real(origins: Origins = origins) -> Location:
                    number = element.line + offset if element.line else _line_of(lines(), value)
                    line = lines()[number - 1] if number <= len(lines()) else ""
                    col = line.find(value) + 1 if value and value in line else 1
                    return origins.locate(number, col)

                later.append(real)
                return Location(_LATER, len(later))

            problems = len(walk.problems)
            self._element(element, base_uri, walk, at)
            if keep and len(walk.problems) == problems:
                allowed[key] = element.changed
        if later:
            walk.problems[:] = [_placed(p, later) for p in walk.problems]

    def _element(self, element: markup.Element, base_uri: str, walk: _Walk, at: _At) -> None:
        name = element.name.lower()
        report = walk.problems.append
        if name in _REFUSED_ELEMENTS and element.namespace in (markup.HTML, markup.SVG):
            why = "it would redirect every link" if name == "base" else "it can load or run things"
            report(_problem(f"<{element.name}> is not allowed in a brief: {why}; remove it", at()))
        if name == "style":
            self._css(element.text(), base_uri, walk, lambda r: at(r.url, r.line - 1), 0, element)
        attrs = list(element.attributes())
        if name == "meta":
            for _, attr, value in attrs:
                equiv = re.sub(r"\s", "", value).lower()
                if attr == "http-equiv" and equiv not in _META_ALLOWED:
                    why = "it can send the reader elsewhere; remove it"
                    report(
                        _problem(f'<meta http-equiv="{value}"> is not allowed: {why}', at(value))
                    )
        navigation = (
            (element.namespace == markup.HTML and name in ("a", "area"))
            or (element.namespace == markup.SVG and name == "a")
            or element.namespace == markup.MATHML
        )
        for key, attr, value in attrs:
            if attr.startswith("on"):
                why = "scripts do not run in a brief; remove the attribute"
                report(_problem(f"event handler {attr} is not allowed: {why}", at(attr)))
            elif attr == "style":
                element.set(key, self._css(value, base_uri, walk, at(value), 0))
            elif attr in _NEVER:
                if clean_url(value):
                    why = "it sends the reader's browser elsewhere; remove the attribute"
                    report(_problem(f'{attr}="{_short(value)}" is not allowed: {why}', at(value)))
            elif attr in ("srcset", "imagesrcset"):
                parts = [
                    " ".join([self._load(u, base_uri, walk, at(u), 0) or u, *d])
                    for u, d in srcset(value)
                ]
                element.set(key, ", ".join(parts))
            elif attr in ("href", "xlink:href") and navigation:
                if not safe_link(value):
                    report(_problem(_refusal(value, _LINK_WHY), at(value)))
            elif attr in _LOADING or attr in ("href", "xlink:href"):
                new = self._load(value, base_uri, walk, at(value), 0)
                if new is not None:
                    element.set(key, new)
            elif attr == "attributename" and name in _ANIMATIONS and _animates_url(value):
                why = "it can change a link or load something; remove the animation"
                report(_problem(f'animating "{value}" is not allowed: {why}', at(value)))

    def _load(
        self, value: str, base_uri: str, walk: _Walk, where: Location, depth: int
    ) -> str | None:
        """An allowed reference: the data: URL to write for it (when inlining), else None."""
        url = clean_url(value)
        if not url or url.startswith("#"):
            return None
        if scheme(url) == "data":
            self._data(url, walk, where, depth)
            return None
        if walk.final:
            walk.problems.append(_problem(_refusal(url, "it was left outside the file"), where))
            return None
        found = self._file(urljoin(base_uri, url.replace("\\", "/")))
        if isinstance(found, str):
            walk.problems.append(_problem(_refusal(url, found), where))
            return None
        path, data = found
        written = self._asset(path, data, walk, depth)
        if not walk.inline or written is None:
            return None
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"data:{mime};base64,{base64.b64encode(written).decode('ascii')}"

    def _asset(self, path: Path, data: bytes, walk: _Walk, depth: int) -> bytes | None:
        """An allowed file's bytes, as written (`data`, as read); a stylesheet or SVG is
        checked (and inlined) inside too."""
        mime = mimetypes.guess_type(path.name)[0] or ""
        if depth >= MAX_DEPTH:
            walk.problems.append(
                _problem("stylesheets or images nested too deeply", Location(path))
            )
            return None
        if mime == "text/css":
            text = data.decode("utf-8", errors="replace")
            uri = path.parent.as_uri() + "/"
            new = self._css(text, uri, walk, lambda r: Location(path, r.line, r.col), depth + 1)
            return new.encode("utf-8")
        if mime == "image/svg+xml":
            self._svg(data, walk, Location(path), depth + 1, path)
        return data

    def _data(self, url: str, walk: _Walk, where: Location, depth: int) -> None:
        """A data: URL holding a stylesheet or SVG is checked inside: it may hold only data:."""
        header, _, payload = url[5:].partition(",")
        mime = header.split(";")[0].strip().lower()
        if mime not in ("text/css", "image/svg+xml", "", "text/plain"):
            return  # other types cannot refer to anything (text/plain may be read as CSS)
        try:
            data = (
                base64.b64decode(unquote(payload), validate=False)
                if header.lower().rstrip().endswith(";base64")
                else unquote_to_bytes(payload)
            )
        except (binascii.Error, ValueError):
            walk.problems.append(_problem(_refusal(url, "the data: URL cannot be read"), where))
            return
        nested = _Walk(inline=False, final=True)
        if mime != "image/svg+xml":
            self._css(data.decode("utf-8", "replace"), "", nested, where, depth + 1)
        else:
            self._svg(data, nested, where, depth + 1, None)
        walk.problems.extend(nested.problems)

    def _css(
        self,
        text: str,
        base_uri: str,
        walk: _Walk,
        where: _RefAt | Location,
        depth: int,
        element: markup.Element | None = None,
    ) -> str:
        """The stylesheet with allowed files inlined; every other reference is a problem."""

        def change(ref: css.Reference) -> str | None:
            loc = where if isinstance(where, Location) else where(ref)
            if (
                not base_uri
                and scheme(clean_url(ref.url)) != "data"
                and not ref.url.startswith("#")
            ):
                walk.problems.append(
                    _problem(_refusal(ref.url, "a data: stylesheet may hold only data: URLs"), loc)
                )
                return None
            return self._load(ref.url, base_uri, walk, loc, depth)

        new = css.rewrite(text, change)
        if element is not None and walk.inline:
            element.replace_text(new)
        return new

    def _svg(
        self, data: bytes, walk: _Walk, where: Location, depth: int, path: Path | None
    ) -> None:
        """An SVG image may refer only to its own #ids and data: URLs."""
        if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
            walk.problems.append(
                _problem("an SVG image with a DOCTYPE or entities is not allowed", where)
            )
            return
        try:
            root = ElementTree.fromstring(data)  # noqa: S314 - no DTD, so no entities
        except ElementTree.ParseError as exc:
            walk.problems.append(_problem(f"the SVG image cannot be read: {exc}", where))
            return
        for node in root.iter():
            here = where
            element = markup.Element(node, here.line, 1)
            texts = [element.text()] if element.name == "style" else []
            for _, attr, value in element.attributes():
                if attr == "style":
                    texts.append(value)
                elif attr in _URL_ATTRS or attr.startswith("on"):
                    self._svg_ref(value, attr, walk, here, depth)
            for text in texts:
                for ref in css.references(css.parse(text)):
                    self._svg_ref(ref.url, "url()", walk, here, depth)

    def _svg_ref(self, value: str, attr: str, walk: _Walk, where: Location, depth: int) -> None:
        url = clean_url(value)
        if attr.startswith("on"):
            walk.problems.append(
                _problem(f"event handler {attr} in an SVG image is not allowed", where)
            )
        elif scheme(url) == "data":
            self._data(url, walk, where, depth)
        elif url and not url.startswith("#"):
            why = "an SVG image may refer only to its own #ids and data: URLs; put the image inside it"
            walk.problems.append(_problem(_refusal(url, why), where))


def _animates_url(name: str) -> bool:
    return name.strip().lower().split(":")[-1] in {a.split(":")[-1] for a in _URL_ATTRS}


_LINK_WHY = f"{LINK_RULE}; write the full address (https://...)"


def srcset(value: str) -> list[tuple[str, list[str]]]:
    """Image candidates as the HTML standard splits them (a data: URL may hold commas)."""
    found: list[tuple[str, list[str]]] = []
    at = 0
    while at < len(value):
        while at < len(value) and (value[at].isspace() or value[at] == ","):
            at += 1
        start = at
        while at < len(value) and not value[at].isspace():
            at += 1
        url = value[start:at]
        descriptors = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth, start = 0, at
            while at < len(value) and (value[at] != "," or depth):
                depth += {"(": 1, ")": -1}.get(value[at], 0)
                at += 1
            descriptors = value[start:at]
        if url:
            found.append((url, descriptors.split()))
    return found


def _short(url: str) -> str:
    return url if len(url) <= 120 else url[:100] + "…"


def _refusal(url: str, why: str) -> str:
    return f"refused to load {_short(url)}: {why}"


def _line_of(lines: list[str], value: str) -> int:
    """The first line holding `value`: the place of an element read without places."""
    return next((n for n, line in enumerate(lines, 1) if value and value in line), 1)


def _problem(message: str, where: Location) -> Problem:
    return Problem("error", message, where)


_LATER = Path("<a place in the rendered document>")


def _placed(problem: Problem, later: list[Callable[[], Location]]) -> Problem:
    """The problem at its real place, if it stands at a stand-in from `_elements`."""
    where = problem.location
    if where is None or where.path != _LATER or not 1 <= where.line <= len(later):
        return problem
    return replace(problem, location=later[where.line - 1]())
