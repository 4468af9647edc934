"""sources/sources.yaml -> Source models, refusing any file that could lead outside sources/."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import spec
from briefgen.errors import Location, Report, quoted
from briefgen.fields import Fields
from briefgen.load import Map, Node, Scalar, Seq, describe, parse_yaml, read_text
from briefgen.models import Config, Source
from briefgen.paths import within

CATALOGUE = "sources.yaml"
SOURCE_FIELDS = spec.names(spec.SOURCE)
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

UNKNOWN_PUBLISHER = "Unknown publisher"  # what sources add writes when it cannot tell


@dataclass
class Catalogue:
    """The valid sources by id, every id the catalogue names (valid or not), and whether
    the whole file could be read (so that "unknown source" is only said when it is true)."""

    sources: dict[str, Source] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    complete: bool = False
    # every file an entry names inside the sources folder, refused or not: a change to one
    # (a file made a link, a link made a file) can change what is refused
    files: list[Path] = field(default_factory=list)


def validate_sources(config: Config, report: Report) -> Catalogue:
    """Read sources/sources.yaml into Source models keyed by id."""
    if not within(config.sources_dir, config.root):
        return Catalogue()  # refused where config.yaml names it: nothing outside is read
    path = config.sources_dir / CATALOGUE
    if (path.exists() or path.is_symlink()) and not within(path, config.sources_dir):
        report.error(
            f"{CATALOGUE} leads outside the sources folder (it is a link); make it a real file",
            Location(path),
        )
        return Catalogue()
    if not path.is_file():
        report.error(
            f"no source catalogue: create {CATALOGUE} in the sources folder with one entry per "
            "source file (id, file, publisher, title, published)",
            Location(path),
        )
        return Catalogue()
    text = read_text(path, report, Location(path), config.limits.max_yaml_bytes, "YAML file")
    if text is None:
        return Catalogue()
    return parse_catalogue(text, path, config, report)


def parse_catalogue(text: str, path: Path, config: Config, report: Report) -> Catalogue:
    """The catalogue in `text` (the contents of `path`), every entry checked."""
    if is_blank(text):
        return Catalogue(complete=True)  # a new workspace: no sources yet, only comments
    node = parse_yaml(text, path, report)
    if node is None:
        return Catalogue()
    if isinstance(node, Map) and "sources" in node.entries:
        node = node.entries["sources"].node
    if not isinstance(node, Seq):
        report.error(
            f'the source catalogue should be a list of entries starting with "- ", not {describe(node)}',
            node.loc,
        )
        return Catalogue()
    catalogue = Catalogue(complete=True)
    sources = catalogue.sources
    first_at: dict[str, Location] = {}  # each id's first entry, usable or not
    by_file: dict[str, Source] = {}  # each file's first entry
    for entry in node.items:
        named = _entry_id(entry)
        if named is not None and named[0] in first_at:
            report.error(
                f'duplicate source id "{named[0]}": also used at line {first_at[named[0]].line}; '
                "give each source its own id",
                entry.loc,
            )
            _source(entry, config, report, catalogue.ids, catalogue.files)  # its own problems
            continue
        if named is not None:
            first_at[named[0]] = entry.loc
        source = _source(entry, config, report, catalogue.ids, catalogue.files)
        if source is not None and source.id not in sources:
            twin = by_file.setdefault(os.path.normpath(source.path), source)
            if twin is not source:  # sources add refuses this; an edit by hand can make it
                report.warning(
                    f'source file "{source.file}" is also catalogued as "{twin.id}" (line '
                    f"{twin.loc.line}); keep one entry a file, so that every citation of it "
                    "names one source",
                    source.file_loc,
                )
            sources[source.id] = source
    return catalogue


def _entry_id(node: Node) -> tuple[str, Location] | None:
    """An entry's id as written, whatever else is wrong with the entry."""
    if not isinstance(node, Map) or "id" not in node.entries:
        return None
    value = node.entries["id"].node  # as written: "2024" is read as a number, and is an id
    if isinstance(value, Scalar) and value.text.strip():
        return value.text.strip(), value.loc
    return None


def is_blank(text: str) -> bool:
    """Whether a YAML text holds nothing but blank lines and comments."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _source(
    node: Node, config: Config, report: Report, ids: set[str], files: list[Path]
) -> Source | None:
    if not isinstance(node, Map):
        report.error(
            f"a source entry should be a mapping (id:, file:, ...), not {describe(node)}", node.loc
        )
        return None
    f = Fields(node, "source", SOURCE_FIELDS, report)
    source_id = f.identifier()
    if source_id:
        ids.add(source_id)
    file = f.text("file", required=True, example="001_article.txt")
    publisher = f.text("publisher", required=True, example="BBC News")
    if publisher == UNKNOWN_PUBLISHER:
        report.warning(
            f'publisher is still "{UNKNOWN_PUBLISHER}", as briefgen sources add wrote it: '
            "write who published the document (publisher: BBC News), or every note citing "
            "it says so",
            f.loc("publisher"),
        )
    title = f.text("title", required=True, example="Starmer says peace deal needs US backstop")
    published = f.date("published")
    url = f.text("url")
    if url is not None and not re.fullmatch(spec.URL_PATTERN, url):
        report.error(
            '"url" should be a web address starting with https:// or http://, with no spaces or <>',
            f.loc("url"),
        )
    path = _source_path(file, config.sources_dir, f.loc("file"), report) if file else None
    if file:  # (only watched for changes, never read: a refused name is harmless here)
        files.append(config.sources_dir / file)
    if source_id is None or file is None or path is None or publisher is None or title is None:
        if path is not None and not (path.exists() or path.is_symlink()):  # told now: an
            # entry left out is never read, where a missing file is otherwise found
            report.error(
                f"source file {quoted(file or '')} does not exist in the sources folder; check "
                "the name, or copy the document in with  briefgen sources add FILE",
                f.loc("file"),
            )
        return None
    return Source(
        source_id,
        file,
        path,
        publisher,
        title,
        published,
        url,
        node.loc,
        f.loc("file"),
        published_loc=f.loc("published"),
        label=f.text("label"),
    )


def _source_path(file: str, folder: Path, loc: Location, report: Report) -> Path | None:
    """The file's path inside the sources folder, refusing anything that could leave it."""
    problem = None
    if _URL_RE.match(file) and not re.match(r"^[A-Za-z]:[\\/]", file):
        problem = 'is a URL; save the document into the sources folder, name the file here and put the URL in "url"'
    elif file.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", file):
        problem = "is an absolute path; give a path relative to the sources folder"
    elif re.match(r"~[^/\\]*[/\\]", file) and not (folder / file).exists():
        problem = (
            'starts with "~", which is not read as your home folder here; copy the document '
            "into the sources folder and give its name"
        )
    elif ".." in re.split(r"[\\/]", file):
        problem = 'contains ".."; the file must be inside the sources folder'
    if problem:
        report.error(f"source file {quoted(file)} {problem}", loc)
        return None
    path = folder / file
    if not within(path, folder):
        report.error(
            f'source file "{file}" leads outside the sources folder (through a link); copy the document in instead',
            loc,
        )
        return None
    return path
