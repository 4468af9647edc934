"""What a rendered document may load: data: URLs and files inside the template folders.

The PDF engine asks for every URL a document names (images, stylesheets, fonts);
the same policy decides what HTML output may inline. Anything else is refused
loudly, naming the URL and the template that asked for it.
"""

from __future__ import annotations

import base64
import html as html_lib
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from briefgen.errors import Location, RenderError
from briefgen.paths import extra_links, hard_link_problem, real

MAX_ASSET_BYTES = 20_000_000
# What makes a browser or the PDF engine load something: CSS url() and @import,
# loading attributes, and href on the elements where it loads rather than links.
_CSS_REF = re.compile(
    r"""(?P<lead>@import\s+url\(\s*|\burl\(\s*|@import\s+)(?P<q>["']?)(?P<url>[^"')\s]+)(?P=q)""",
    re.IGNORECASE,
)
_MARKUP = re.compile(
    r"(?P<style><style\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>)(?P<css>.*?)(?=</style>)"
    r"|<(?P<tag>[A-Za-z][A-Za-z0-9:-]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.IGNORECASE | re.DOTALL,
)
# After CSS escapes are decoded: a string or url() naming another scheme (image-set("http:...")).
_CSS_ESCAPE = re.compile(r"\\([0-9A-Fa-f]{1,6})\s?|\\(.)", re.DOTALL)
_CSS_FOREIGN = re.compile(r"""["'(]\s*(?P<url>[A-Za-z][A-Za-z0-9+.-]*:[^"')\s]*)""")
_FOREIGN_SCHEMES = ("http", "https", "file", "ftp", "ws", "wss")
_ATTR = re.compile(r"""(?P<name>[^\s"'>/=]+)\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"'>]+)""")
_LOADING_ATTRS = {
    "src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc", "longdesc",
    "manifest", "codebase", "archive", "ping", "imagesrcset",
}  # fmt: skip
_LOADING_HREF = {"link", "image", "use", "feimage", "script", "base"}
CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'; img-src data:; font-src data:; media-src data:\">"
)


class RefusedURL(RenderError):
    """The document asked for a file or URL outside the template folders."""


class Assets:
    """Serves files inside `roots` (after resolving links) and nothing else."""

    def __init__(
        self, roots: list[Path], workspace_templates: Path | None, where: Location
    ) -> None:
        self.roots = [r.resolve() for r in roots if r.is_dir()]
        self.workspace_templates = workspace_templates
        self.where = where

    def path_for(self, url: str) -> Path:
        """The allowed local file a file: URL names, or RefusedURL."""
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = real(Path(unquote(parts.path)))
            if any(path.is_relative_to(root) for root in self.roots):
                if not path.is_file():
                    self.refuse(url, "there is no such file in the templates folder")
                if self._own(path) and extra_links(path):
                    self.refuse(url, f"the file {hard_link_problem(path)}")
                if path.stat().st_size > MAX_ASSET_BYTES:
                    self.refuse(url, f"the file is larger than {MAX_ASSET_BYTES:,} bytes")
                return path
        self.refuse(url, "only data: URLs and files inside the template folders may be used")
        raise AssertionError  # pragma: no cover - refuse() raises

    def _own(self, path: Path) -> bool:
        """Whether the file is the workspace's (the package's own may be hard-linked by installers)."""
        folder = self.workspace_templates
        return folder is not None and path.is_relative_to(real(folder))

    def refuse(self, url: str, why: str) -> None:
        where, named = self.origin(url)
        raise RefusedURL.single(f"refused to load {url}{named}: {why}", where)

    def origin(self, url: str) -> tuple[Location, str]:
        """Where a workspace template names the URL (file and line), else the brief."""
        folder = self.workspace_templates
        if folder is None or not folder.is_dir():
            return self.where, ""
        name = Path(unquote(urlsplit(url).path)).name
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.stat().st_size > MAX_ASSET_BYTES:
                continue
            lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
            for number, line in enumerate(lines, start=1):
                if url in line or (name and name in line):
                    rel = f"{folder.name}/{path.relative_to(folder).as_posix()}"
                    return Location(
                        path, number, max(1, line.find(name) + 1)
                    ), f", referenced in {rel}"
        return self.where, ""

    def inline(self, html: str, base: Path) -> str:
        """HTML with every loaded reference made a data: URL, or RefusedURL; a
        Content-Security-Policy stops a browser loading anything this missed."""
        html = self._references(html, base, inline=True)
        doctype = re.match(r"\s*<!DOCTYPE[^>]*>", html, re.IGNORECASE)
        at = doctype.end() if doctype else 0  # first in the document: nothing loads before it
        return f"{html[:at]}\n{CSP}{html[at:]}" if doctype else f"{CSP}\n{html}"

    def check(self, html: str, base: Path) -> None:
        """RefusedURL if the HTML (or its inline CSS) names anything not allowed, even in a
        place the PDF engine would skip (an @import after other rules)."""
        self._references(html, base, inline=False)

    def _references(self, html: str, base: Path, inline: bool) -> str:
        base_uri = base.resolve().as_uri() + "/"

        def load(url: str) -> str:
            """The URL itself (data: or a fragment), or the allowed file as a data: URL."""
            url = url.strip()
            if not url or url.startswith(("data:", "#")):
                return url
            path = self.path_for(urljoin(base_uri, url))
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"

        def css(text: str) -> str:
            decoded = _CSS_ESCAPE.sub(_unescape_css, text)
            for found in _CSS_FOREIGN.finditer(decoded):
                if found["url"].split(":")[0].lower() in _FOREIGN_SCHEMES:
                    self.path_for(found["url"])  # refuses it

            def one(match: re.Match[str]) -> str:
                quote = match["q"] or '"'
                return f"{match['lead']}{quote}{load(match['url'])}{quote}"

            return _CSS_REF.sub(one, text)

        def tag(name: str, attrs: str) -> str:
            def one(match: re.Match[str]) -> str:
                attr = match["name"].lower()
                value = html_lib.unescape(match["value"].strip("\"'"))
                if name == "base" and attr == "href":
                    self.refuse(value, "<base href> is not allowed")
                if name == "meta" and attr == "content" and "url=" in value.lower():
                    self.refuse(value.split("=", 1)[-1], "a meta refresh is not allowed")
                if attr == "style":
                    new = css(value)
                elif attr in ("srcset", "imagesrcset"):
                    new = ", ".join(
                        " ".join([load(part.split()[0]), *part.split()[1:]])
                        for part in value.split(",")
                        if part.strip()
                    )
                elif attr in _LOADING_ATTRS or (
                    attr in ("href", "xlink:href") and name in _LOADING_HREF
                ):
                    new = load(value)
                else:
                    return match[0]
                return f'{match["name"]}="{html_lib.escape(new, quote=True)}"'

            return f"<{name}{_ATTR.sub(one, attrs)}>"

        def segment(match: re.Match[str]) -> str:
            if match["style"] is not None:
                return match["style"] + css(match["css"])
            return tag(match["tag"].lower(), match["attrs"])

        rewritten = _MARKUP.sub(segment, html)
        return rewritten if inline else html


def _unescape_css(match: re.Match[str]) -> str:
    if match[1]:
        code = int(match[1], 16)
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
    return match[2]
