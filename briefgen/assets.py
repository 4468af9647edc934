"""What a rendered document may load: data: URLs and files inside the template folders.

The PDF engine asks for every URL a document names (images, stylesheets, fonts);
the same policy decides what HTML output may inline. Anything else is refused
loudly, naming the URL and the template that asked for it.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from briefgen.errors import Location, RenderError

MAX_ASSET_BYTES = 20_000_000
# Places in HTML and CSS that make a browser or the PDF engine load something.
_REFERENCE = re.compile(
    r"""(?P<lead>\bsrc\s*=\s*|<link\b[^>]*?\bhref\s*=\s*|@import\s+url\(\s*|\burl\(\s*|@import\s+)(?P<q>["']?)(?P<url>[^"'\s)>]+)(?P=q)""",
    re.IGNORECASE,
)


# Where references live: style elements and tags (text between tags is escaped, never code).
_MARKUP = re.compile(r"<style\b[^>]*>.*?</style>|<[A-Za-z][^>]*>", re.IGNORECASE | re.DOTALL)


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
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots):
                if not path.is_file():
                    self.refuse(url, "there is no such file in the templates folder")
                if path.stat().st_size > MAX_ASSET_BYTES:
                    self.refuse(url, f"the file is larger than {MAX_ASSET_BYTES:,} bytes")
                return path
        self.refuse(url, "only data: URLs and files inside the template folders may be used")
        raise AssertionError  # pragma: no cover - refuse() raises

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
        """HTML with every loaded reference made a data: URL, or RefusedURL."""
        return self._references(html, base, inline=True)

    def check(self, html: str, base: Path) -> None:
        """RefusedURL if the HTML (or its inline CSS) names anything not allowed, even in a
        place the PDF engine would skip (an @import after other rules)."""
        self._references(html, base, inline=False)

    def _references(self, html: str, base: Path, inline: bool) -> str:
        base_uri = base.resolve().as_uri() + "/"

        def replace(match: re.Match[str]) -> str:
            url = match["url"]
            if url.startswith(("data:", "#")):
                return match[0]
            path = self.path_for(urljoin(base_uri, url))
            if not inline:
                return match[0]
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            quote = match["q"] or '"'
            return f"{match['lead']}{quote}data:{mime};base64,{data}{quote}"

        def in_markup(segment: re.Match[str]) -> str:
            return _REFERENCE.sub(replace, segment[0])

        return _MARKUP.sub(in_markup, html)
