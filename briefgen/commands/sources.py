"""briefgen sources add / list: catalogue documents without hand-editing, and see what is cited."""

from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from briefgen import dates, spec, validate
from briefgen.catalogue import (
    CATALOGUE,
    UNKNOWN_PUBLISHER,
    is_blank,
    parse_catalogue,
    validate_sources,
)
from briefgen.commands import Outcome
from briefgen.commands.files import modeline, one_at_a_time, write_file
from briefgen.commands.new import check_date, scalar
from briefgen.commands.workspace import Sources
from briefgen.config import find_config, load_config
from briefgen.errors import Location, Report, UsageError, display_path
from briefgen.fields import ID_RE
from briefgen.load import Map, Scalar, Seq, parse_yaml, read_bytes, text_of
from briefgen.models import Config
from briefgen.normalise import display
from briefgen.paths import real, within
from briefgen.readers import READERS, Extracted
from briefgen.sources_read import extract

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATES = [
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH})\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(
        rf"\b(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I
    ),
]
MAX_TITLE = 150


@dataclass(frozen=True)
class Given:
    """What the user said on the command line; anything left out is proposed."""

    id: str | None = None
    publisher: str | None = None
    title: str | None = None
    published: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Entry:
    """One source about to be catalogued."""

    origin: Path
    file: str  # the path inside sources/
    data: bytes
    copy: bool  # whether the file is copied in (else it is already in sources/)
    fields: dict[str, str]


def add(config_path: str | Path | None, files: tuple[Path, ...], given: Given) -> Outcome:
    """Check every file and entry first; then copy the files and append to sources.yaml, or
    write nothing at all."""
    if len(files) > 1 and (given.id or given.title or given.url):
        raise UsageError.single(
            "--id, --title and --url describe one document; give them with one FILE at a time"
        )
    if given.id and not ID_RE.match(given.id):
        raise UsageError.single(
            f'--id "{given.id}" may use only letters, digits, "-" and "_"; write, for '
            f"example,  --id {propose_id(given.id, '', set())}"
        )
    if given.url and not re.fullmatch(spec.URL_PATTERN, given.url):
        raise UsageError.single(
            f'--url "{given.url}" is not a web address; give one starting with https:// or '
            "http://, with no spaces or <>, as in  --url https://www.bbc.co.uk/news/..."
        )
    if given.published:
        check_date(given.published, "--published")
        if dates.after_today(given.published):
            raise UsageError.single(
                f"--published {given.published} is in the future (today is "
                f"{dates.today().isoformat()}); give the date the document was published"
            )
    setup = Report()
    config = load_config(find_config(config_path), setup)
    with one_at_a_time(config.root):  # another `sources add` at once waits, then reads ours
        sources = Sources(config, validate_sources(config, setup), setup)
        return _add(sources, files, given)


def _add(sources: Sources, files: tuple[Path, ...], given: Given) -> Outcome:
    out = Outcome()
    config = sources.config
    path = config.sources_dir / CATALOGUE
    if (path.exists() or path.is_symlink()) and not sources.catalogue.complete:
        out.report.problems.extend(p for p in sources.setup.problems if p.is_error)
        out.report.error(
            f"{CATALOGUE} cannot be read as a whole; fix the problems above first, so the new "
            "entry is checked against every other",
            Location(path),
        )
        return out
    old = path.read_bytes() if path.exists() else modeline(path, config.root, "sources").encode()
    digests = _catalogued_digests(sources)
    ids = set(sources.catalogue.ids)
    entries: list[Entry] = []
    targets: set[str] = set()
    for file in files:
        entry = _entry(file, given, sources, digests, ids, out.report)
        if entry is not None and entry.file in targets:
            out.report.error(
                f"another file given is also named {entry.file}; rename one of them", Location(file)
            )
        elif entry is not None:
            targets.add(entry.file)
            entries.append(entry)
            digests[hashlib.sha256(entry.data).hexdigest()] = entry.fields["id"]
            ids.add(entry.fields["id"])
    if out.report.errors:
        return out
    indent = _list_indent(old.decode("utf-8"), path)
    if indent is None:
        out.report.error(
            f"cannot append to {CATALOGUE}: write its list of sources in block style, "
            "one entry per '- id: ...' line, at the end of the file",
            Location(path),
        )
        return out
    new = old + (b"" if not old or old.endswith(b"\n") else b"\n")
    first_line = new.count(b"\n") + 1
    new += "".join(_yaml_entry(e.fields, indent) for e in entries).encode("utf-8")
    _recheck(new.decode("utf-8"), path, sources, entries, first_line, out.report)
    if out.report.errors:
        return out
    _write(entries, config.sources_dir, path, new, out)
    return out


def _entry(
    file: Path,
    given: Given,
    sources: Sources,
    digests: dict[str, str],
    ids: set[str],
    report: Report,
) -> Entry | None:
    folder = sources.config.sources_dir
    where = Location(file)
    if file.is_symlink():
        report.error("is a link; add the document itself, not a link to it", where)
        return None
    if not file.is_file():
        report.error(
            "does not exist or is not a file; name a document saved from the source (text, Markdown, web page, PDF or Word)",
            where,
        )
        return None
    # the checks `check` makes (a file of its own, within the size limit), its errors reported
    data = read_bytes(file, report, where, sources.config.limits.max_source_bytes, "file")
    if data is None:
        return None
    offered = _document(file, data, sources.config, report)
    if offered is None:
        return None
    text = offered.text
    if real(file) == real(folder / CATALOGUE):
        report.error(f"is the catalogue itself; add the source documents, not {CATALOGUE}", where)
        return None
    inside = within(file, folder)
    name = file.resolve().relative_to(folder.resolve()).as_posix() if inside else file.name
    target = folder / name
    if not inside and (target.exists() or target.is_symlink()):
        if target.is_file() and target.read_bytes() == data:
            inside = True  # the same file is already in sources/: catalogue it in place
        else:
            report.error(
                f"sources/{name} already exists with other content; rename the file before adding it",
                where,
            )
            return None
    digest = hashlib.sha256(data).hexdigest()
    if digest in digests:
        report.error(
            f'has the same content as source "{digests[digest]}"; it is catalogued already', where
        )
        return None
    title = given.title or _short(offered.title or "") or first_line(text) or Path(name).stem
    source_id = given.id or propose_id(title, Path(name).stem, ids)
    if given.id and given.id in ids:
        taken = sources.catalogue.sources.get(given.id)
        at = f" at {taken.loc.display()}" if taken is not None else ""
        report.error(
            f'--id "{given.id}" is the id of a source catalogued already{at}; give another id',
            where,
        )
        return None
    fields = {"id": source_id, "file": name, "publisher": given.publisher or _publisher(given.url)}
    fields["title"] = " ".join(title.split())
    offered_date = (
        offered.published
        if offered.published and not dates.after_today(offered.published)
        else None
    )
    if READERS.get(file.suffix.lower()) in _FILE_DATES:  # what the text says comes first
        published = given.published or find_date(text) or offered_date
    else:
        published = given.published or offered_date or find_date(text)
    if published:
        fields["published"] = published
    if given.url:
        fields["url"] = given.url
    return Entry(file, name, data, not inside, fields)


def _document(file: Path, data: bytes, config: Config, report: Report) -> Extracted | None:
    """The text `check` will match quotes against (UTF-8 text as it is, a PDF through its
    reader), with the title and date the document gives itself, if its reader finds them."""
    reader = READERS.get(file.suffix.lower())
    if reader is None:
        text = text_of(data, file, report, Location(file), "file")  # a problem at its line
        return None if text is None else Extracted(text)
    if reader == "markdown" and text_of(data, file, report, Location(file), "file") is None:
        return None  # a decoding problem is shown at its own line and column
    return extract(data, reader, file.name, config, Location(file), report)


def _catalogued_digests(sources: Sources) -> dict[str, str]:
    found = {}
    for source in sources.catalogue.sources.values():
        with contextlib.suppress(OSError):
            found[hashlib.sha256(source.path.read_bytes()).hexdigest()] = source.id
    return found


def first_line(text: str) -> str | None:
    """The document's first non-empty line, as a title (a Markdown heading's # removed)."""
    for line in text.splitlines():
        clean = _short(display(line).lstrip("#"))
        if clean:
            return clean
    return None


def _short(title: str) -> str:
    """A title on one line, cut at a word to MAX_TITLE characters."""
    clean = " ".join(title.split())
    return clean[:MAX_TITLE].rsplit(" ", 1)[0] + "…" if len(clean) > MAX_TITLE else clean


def propose_id(title: str, stem: str, taken: set[str]) -> str:
    """A short id from the title's first words (or the file name), unused so far."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    base = _whole_words(words[:5]) or _whole_words(re.findall(r"[a-z0-9]+", stem.lower()))
    base = base or "source"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _whole_words(words: list[str], limit: int = 40) -> str:
    """Words joined by "-", as many whole ones as fit in `limit` characters (the first cut
    short only if it alone is longer)."""
    joined = ""
    for word in words:
        longer = f"{joined}-{word}" if joined else word
        if len(longer) > limit:
            return joined or word[:limit]
        joined = longer
    return joined


def find_date(text: str) -> str | None:
    """The first real date written in the text (2025-02-17, 17 February 2025, February 17,
    2025) that is not after today."""
    found = []
    for pattern in _DATES:
        for match in pattern.finditer(text[:20_000]):
            month = match.groupdict().get("mon")
            m = int(match["m"]) if month is None else _month(month)
            date = f"{match['y']}-{m:02d}-{int(match['d']):02d}"
            try:
                check_date(date, "date")
            except UsageError:
                continue
            if dates.after_today(date):
                continue  # a date ahead (a deadline, a target) is not when it was published
            found.append((match.start(), date))
            break
    return min(found)[1] if found else None


# Readers whose date is the file's own record of when it was made, not of publication: a
# Word document started from an old one keeps that one's creation date
_FILE_DATES = {"docx"}


def _month(name: str) -> int:
    prefix = name.lower().rstrip(".")[:3]
    return next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(prefix))


def _publisher(url: str | None) -> str:
    host = re.match(r"https?://(?:www\.)?([^/:?#\s]+)", url or "")
    return host[1] if host else UNKNOWN_PUBLISHER


def _list_indent(text: str, path: Path) -> int | None:
    """How far the catalogue's entries are indented (0 for a plain list, more under sources:),
    or None when the list is written in flow style ([...]) and cannot be appended to."""
    if is_blank(text):
        return 0
    node = parse_yaml(text, path, Report())
    if isinstance(node, Map) and "sources" in node.entries:
        node = node.entries["sources"].node
        if isinstance(node, Scalar) and node.value is None:
            return 2  # "sources:" with no entries yet
    if not isinstance(node, Seq):
        return 0  # not a list: the checks that follow say what is wrong
    if not node.items:
        return None  # an empty flow list: []
    line = text.splitlines()[node.items[0].loc.line - 1]
    stripped = line.lstrip()
    return len(line) - len(stripped) if stripped.startswith("-") else None


def _yaml_entry(fields: dict[str, str], indent: int) -> str:
    pad = " " * indent
    lines = [
        f"{'- ' if i == 0 else '  '}{k}: {v if k == 'published' else scalar(v)}"  # a checked date
        for i, (k, v) in enumerate(fields.items())
    ]
    if fields["publisher"] == UNKNOWN_PUBLISHER:
        lines[2] += "  # who published it? edit this line"
    return "\n" + "\n".join(pad + line for line in lines) + "\n"


def _recheck(
    text: str, path: Path, sources: Sources, entries: list[Entry], first: int, report: Report
) -> None:
    """Run the catalogue's own checks on the file as it would be; refuse what they refuse."""
    trial = Report()
    after = parse_catalogue(text, path, sources.config, trial)
    dates.check_dates([], after.sources, trial)  # a published date ahead of today, say
    for problem in trial.problems:
        if problem.is_error and problem.location and problem.location.line >= first:
            report.problems.append(problem)
    missing = [e.fields["id"] for e in entries if e.fields["id"] not in after.sources]
    if missing and not report.errors:
        report.error(
            f"the new entries would not be read as part of the catalogue ({', '.join(missing)}); "
            f"{CATALOGUE} must end with its list of sources in block style (lines starting with - )",
            Location(path),
        )


def _write(entries: list[Entry], folder: Path, catalogue: Path, data: bytes, out: Outcome) -> None:
    copied: list[Path] = []
    try:
        for entry in entries:
            if entry.copy:
                target = folder / entry.file
                write_file(target, entry.data)
                copied.append(target)
        write_file(catalogue, data)
    except BaseException:
        for path in copied:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    for entry in entries:
        verb = "copied" if entry.copy else "found"
        out.say(f'{verb} {display_path(folder / entry.file)}; catalogued as "{entry.fields["id"]}"')
        out.say(f"  title: {entry.fields['title']}")
        out.say(
            f"  published: {entry.fields.get('published', 'unknown (add published: to the entry)')}"
        )
        if entry.fields["publisher"] == UNKNOWN_PUBLISHER:
            out.say("  publisher: unknown; edit it in sources.yaml, or pass --publisher")
    out.say(
        f"appended {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} to {display_path(catalogue)}"
    )
    out.say(f"next: briefgen quote {entries[-1].fields['id']} WORDS FROM THE DOCUMENT")


def listing(config_path: str | Path | None) -> Outcome:
    """Each source with its citation count, so an uncited source stands out."""
    out = Outcome()
    sources = Sources.open(config_path)
    out.report.problems.extend(p for p in sources.setup.problems if p.is_error)
    counts = _citation_counts(sources)
    rows = [("id", "publisher", "published", "title", "cited")]
    for s in sources.catalogue.sources.values():
        n = counts.get(s.id, 0)
        rows.append(
            (
                s.id,
                s.publisher,
                s.published.iso() if s.published else "-",
                s.title,
                str(n) if n else "0  (uncited)",
            )
        )
    widths = [min(max(len(r[i]) for r in rows), 40) for i in range(3)]
    for r in rows:
        title = r[3] if len(r[3]) <= 60 else r[3][:59] + "…"
        cells = [
            c[: w - 1] + "…" if len(c) > w else c.ljust(w)
            for c, w in zip(r[:3], widths, strict=True)
        ]
        out.say("  ".join([*cells, title.ljust(60), r[4]]).rstrip())
    if len(rows) == 1:
        out.say("no sources yet: add one with  briefgen sources add FILE")
    return out


def _citation_counts(sources: Sources) -> dict[str, int]:
    """How many citations each source has across every brief (problems in briefs are ignored)."""
    quiet = Report()
    counts: dict[str, int] = {}
    for path in validate.brief_paths(sources.config, (), quiet, allow_none=True):
        brief = validate.validate_brief(path, sources.config, quiet)
        for item in brief.citing if brief else ():  # the lines to take too
            for cite in item.cite:
                counts[cite.source_id] = counts.get(cite.source_id, 0) + 1
    return counts
