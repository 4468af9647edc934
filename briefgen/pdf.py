"""HTML -> PDF with WeasyPrint, imported only when a PDF is asked for.

WeasyPrint fetches every URL a document names; the fetcher given here serves only
files inside the template folders and data: URLs, and stops the render on anything else.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from briefgen.errors import Location, RenderError


class RefusedURL(RenderError):
    """The document asked for a file or URL outside the template folders."""


def make_fetcher(allowed: list[Path]) -> Any:
    """A WeasyPrint URL fetcher that serves data: URLs and files inside `allowed` only."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    roots = [p.resolve() for p in allowed if p.is_dir()]

    class Fetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and not parts.netloc:
                path = Path(unquote(parts.path)).resolve()
                if path.is_file() and any(path.is_relative_to(root) for root in roots):
                    return URLFetcherResponse(url, path.read_bytes(), {})
            raise FatalURLFetchingError(
                f"refused to fetch {url}: only files inside the template folders may be used"
            )

    return Fetcher()


def html_to_pdf(html: str, base: Path, allowed: list[Path], where: Location) -> bytes:
    """Render HTML to PDF bytes; a refused URL or an engine failure is a RenderError at `where`."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = make_fetcher(allowed)
    try:
        document = weasyprint.HTML(
            string=html, base_url=base.resolve().as_uri() + "/", url_fetcher=fetcher
        )
        pdf = document.write_pdf(uncompressed_pdf=False)
    except FatalURLFetchingError as exc:
        raise RefusedURL.single(str(exc), where) from exc
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf without target returns bytes
        raise RenderError.single("the PDF engine returned nothing", where)
    return pdf
