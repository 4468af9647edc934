"""HTML -> PDF with WeasyPrint, imported only when a PDF is asked for.

WeasyPrint fetches every URL a document names; the fetcher given here serves only
what `Assets` allows and stops the render on anything else.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from briefgen.assets import Assets, RefusedURL
from briefgen.errors import RenderError
from briefgen.origins import Origins


def make_fetcher(assets: Assets) -> Any:
    """A WeasyPrint URL fetcher that serves data: URLs and allowed files only."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Fetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if urlsplit(url).scheme == "data":
                return super().fetch(url, headers)
            try:
                data = assets.data_for(url)  # checked and read through one descriptor
            except RefusedURL as exc:
                raise FatalURLFetchingError(exc.problems[0].message) from exc
            return URLFetcherResponse(url, data, {})

    return Fetcher(allowed_protocols=["data", "file"], allow_redirects=False)


def lay_out(html: str, base: Path, assets: Assets, origins: Origins | None = None) -> Any:
    """HTML laid out in pages (a WeasyPrint Document); a refused URL is a RenderError."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    checked = assets.check(html, base, origins)  # the engine gets exactly the tree checked
    fetcher = make_fetcher(assets)
    try:
        document = weasyprint.HTML(
            string=checked, base_url=base.resolve().as_uri() + "/", url_fetcher=fetcher
        )
        return document.render()
    except FatalURLFetchingError as exc:
        raise RefusedURL.single(str(exc), assets.where) from exc


def write_pdf(document: Any, assets: Assets) -> tuple[bytes, list[str]]:
    """A laid-out document as tagged PDF bytes (PDF/UA-1: a screen reader gets structure),
    and the characters it shows as empty boxes, which no installed font has."""
    with _missing_glyphs() as missing:
        pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf without a target returns bytes
        raise RenderError.single("the PDF engine returned nothing", assets.where)
    return pdf, list(dict.fromkeys(missing))


@contextlib.contextmanager
def _missing_glyphs() -> Iterator[list[str]]:
    """The characters the engine draws as .notdef while in the block (it says so in a
    warning for each), told by this thread only; the engine's other messages stay quiet."""
    engine = logging.getLogger("weasyprint")
    found: list[str] = []
    here = threading.get_ident()

    class Glyphs(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            args = record.args if isinstance(record.args, tuple) else ()
            if record.thread == here and str(record.msg).startswith(".notdef glyph") and args:
                found.append(str(args[0]))

    handler = Glyphs(logging.WARNING)
    level, propagate = engine.level, engine.propagate
    engine.addHandler(handler)
    engine.setLevel(logging.WARNING)
    engine.propagate = False  # nothing of it reaches the terminal
    try:
        yield found
    finally:
        engine.removeHandler(handler)
        engine.setLevel(level)
        engine.propagate = propagate
