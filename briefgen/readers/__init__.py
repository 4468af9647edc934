"""Source readers: a file as received (text, Markdown, PDF, web page, Word) -> Extracted text.

Each reader module has `extract(data: bytes) -> Extracted`, raising ReaderError for a
file it cannot read (a scan with no text layer, an encrypted PDF, a zip bomb). READERS
maps a file name's suffix to the module that reads it; anything else is UTF-8 text.
"""

from __future__ import annotations

from briefgen.readers.base import LINE, PAGE, PARAGRAPH, Extracted, ReaderError

__all__ = ["LINE", "PAGE", "PARAGRAPH", "READERS", "VERSIONS", "Extracted", "ReaderError"]

# suffix -> module under briefgen.readers, imported only when such a file is catalogued
READERS = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".md": "markdown",
    ".markdown": "markdown",
}
# module -> its version, part of the key of what it extracted: change a reader's version
# when the text or the marks it extracts would come out differently. Kept here, so that a
# source read before comes from the cache without importing its reader or the reader's
# library.
VERSIONS = {"pdf": "pdf-7", "markdown": "markdown-13", "html": "html-12", "docx": "docx-10"}
