"""A catalogued source file, as received, -> the text its quotes are matched against.

A UTF-8 text file is its own text. A PDF, web page, Word document or Markdown file
goes through its reader (briefgen.readers), which gives the text and where each line
of it stands in the file (page and line, paragraph). PDF and Word files are parsed in
a child process under the render time and memory limits, so that a hostile file (a
decompression bomb, a pathological layout) stops with a message instead of hanging or
exhausting the machine. What a reader made of a file is kept in the workspace's
.briefgen-cache/ folder under the SHA-256 of its bytes and reused only for the same
bytes and the same reader version. The source file itself is only ever read.
"""

from __future__ import annotations

import importlib
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

from briefgen import __version__
from briefgen.cache import FOLDER, Cache, digest
from briefgen.errors import BriefgenError, Location, Report, quoted
from briefgen.load import read_bytes, text_of
from briefgen.matching import SourceText
from briefgen.models import Config, Source
from briefgen.readers import READERS, VERSIONS, Extracted, ReaderError

KIND = "extract"
# every reader parses what a stranger wrote, with parsers whose time can grow faster than the
# file (a web page of 100,000 attributes): each runs in the bounded child
BOUNDED = frozenset(READERS.values())


def read_source(source: Source, config: Config, report: Report) -> SourceText | None:
    """The source's text with its locators; None (reported at the catalogue's file: line)
    when it cannot be read."""
    where = source.file_loc
    limit = config.limits.max_source_bytes
    folder = config.sources_dir
    data = read_bytes(source.path, report, where, limit, "source file", source.file, folder)
    if data is None:
        return None
    reader = READERS.get(source.path.suffix.lower())
    cache = cache_for(config)
    if reader is None:
        text = text_of(data, source.path, report, where, "source file")
        if text is None:
            return None
        if text.startswith("\ufeff") and data.startswith(b"\xef\xbb\xbf"):
            # a byte-order mark is not part of line 1: its columns count from the first word
            return SourceText(
                text[1:], cache=cache, text_sha256=digest(data[3:]), file_sha256=digest(data)
            )
        # strictly decoded, the text's UTF-8 is `data` itself
        return SourceText(text, cache=cache, text_sha256=digest(data))
    key = digest(data)
    extracted = extract(data, reader, source.path.name, config, where, report, key)
    if extracted is None:
        return None
    return SourceText(extracted.text, cache=cache, extracted=extracted, file_sha256=key)


# what else an extraction leans on: Python (its codecs and Unicode tables)
_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}:{unicodedata.unidata_version}"


def cache_for(config: Config) -> Cache:
    return Cache(config.root / FOLDER)


def extract(
    data: bytes,
    reader: str,
    name: str,
    config: Config,
    where: Location,
    report: Report,
    key: str | None = None,
) -> Extracted | None:
    """What reader module `reader` (a value of READERS) makes of `data`, cached by its hash
    (`key`, worked out here if not given); None when it cannot (reported at `where`)."""
    cache = cache_for(config)
    key = key or digest(data)
    version = f"{reader}:{VERSIONS.get(reader, '0')}:{__version__}:{_PYTHON}"
    kept = cache.load(KIND, key, version)
    if kept is not None:
        try:
            return Extracted.loads(kept)
        except (ValueError, KeyError, TypeError):  # an entry from elsewhere: read the file again
            pass
    if _module(reader) is None:
        report.error(
            f"source file {quoted(name)} cannot be read: the reader for "
            f"{Path(name).suffix.lower()} files is not available in this installation; "
            "reinstall briefgen, or catalogue a UTF-8 text (.txt) copy of the document",
            where,
        )
        return None
    try:
        if reader in BOUNDED:
            found = _bounded(reader, data, name, config, where)
        else:
            found = _run(reader, data)
    except BriefgenError as exc:  # the child ran out of time or memory
        report.problems.extend(exc.problems)
        return None
    if isinstance(found, str):
        report.error(f"source file {quoted(name)}: {found}", where)
        return None
    cache.store(KIND, key, version, found.dumps())
    return found


def _module(reader: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"briefgen.readers.{reader}")
    except ImportError:
        return None


def _run(reader: str, data: bytes) -> Extracted | str:
    """The reader's text, or what is wrong with the file (its ReaderError's message)."""
    module = importlib.import_module(f"briefgen.readers.{reader}")
    try:
        found = module.extract(data)
    except ReaderError as exc:
        return str(exc)
    if not isinstance(found, Extracted):  # pragma: no cover - a reader that breaks its contract
        raise TypeError(f"briefgen.readers.{reader}.extract returned {type(found).__name__}")
    return found


def _bounded(
    reader: str, data: bytes, name: str, config: Config, where: Location
) -> Extracted | str:
    from briefgen.bounded import Task, run_bounded  # processes: loaded only to read a document

    task = Task(
        doing=f"reading source file {quoted(name)}",
        advice="the file may be damaged or built to exhaust its reader (a decompression bomb): "
        "catalogue a clean copy",
        again="check again",
    )
    limits = config.limits
    result: Extracted | str = run_bounded(
        _run, (reader, data), limits.render_timeout, limits.render_memory_mb, where, task
    )
    return result
