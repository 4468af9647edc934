"""Located YAML nodes -> typed models, gathering every problem before anything fails."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from briefgen import spec
from briefgen.catalogue import Catalogue
from briefgen.config import available_layouts
from briefgen.errors import Location, Report, UsageError
from briefgen.fields import ID_RE, Fields, did_you_mean, looks_like_date
from briefgen.load import Map, Node, Scalar, Seq, describe, parse_yaml, read_bytes, text_of
from briefgen.models import (
    STATUSES,
    Brief,
    Citation,
    Config,
    Figure,
    Item,
    Line,
    Meeting,
    Position,
    Proposal,
    Status,
)
from briefgen.paths import real, within

# The allowed fields come from the one table the JSON Schemas are generated from.
BRIEF_FIELDS = spec.names(spec.BRIEF)
MEETING_FIELDS = spec.names(spec.MEETING)
CITE_FIELDS = spec.names(spec.CITE)
LINE_FIELDS = spec.names(spec.LINE)
POSITION_FIELDS = spec.names(spec.POSITION)
PROPOSAL_FIELDS = spec.names(spec.PROPOSAL)
FIGURE_FIELDS = spec.names(spec.FIGURE)
GROUPINGS = spec.field(spec.BRIEF, "group_by").choices


def brief_paths(
    config: Config, names: Sequence[str], report: Report, allow_none: bool = False
) -> list[Path]:
    """The brief files to work on: all of briefs/*.yaml, or those named by stem or path.

    `allow_none`: a workspace with no briefs yet (just made by init) is not an error.
    """
    if not within(config.briefs_dir, config.root):
        return []  # refused where config.yaml names it: nothing outside is read
    available = sorted([*config.briefs_dir.glob("*.yaml"), *config.briefs_dir.glob("*.yml")])
    if not names:
        _not_read(config.briefs_dir, available, report)
        if not available and not allow_none:
            report.error(
                f"no briefs to build yet: start one with  briefgen new NAME  (a brief is a "
                f"YAML file in {config.briefs_dir.name}/)",
                Location(config.briefs_dir),
            )
        return _distinct(available, config, report)
    by_stem = {p.stem: p for p in available}
    chosen: list[Path] = []
    unknown = Report()
    for name in names:
        path = Path(name)
        if name in by_stem:
            chosen.append(by_stem[name])
        elif path.suffix in (".yaml", ".yml") and path.is_file():
            chosen.append(path)
        else:
            unknown.error(
                f'no brief named "{name}"{did_you_mean(name, by_stem)}; '
                f"briefs: {', '.join(by_stem) or 'none'}"
            )
    if unknown.problems:  # a name given on the command line: its usage, not the data
        raise UsageError(unknown.problems)
    return _distinct(chosen, config, report)


def _not_read(folder: Path, available: list[Path], report: Report) -> None:
    """Warn of YAML files in the briefs folder that are not read as briefs: a suffix in
    capitals (x.YAML), or a file in a folder of its own (briefs/2025/x.yaml)."""
    taken = set(available)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for path in entries:
        if path.is_dir() and not path.name.startswith("."):
            for inner in sorted([*path.glob("*.yaml"), *path.glob("*.yml")])[:MAX_NOT_READ]:
                report.warning(
                    f"{inner.name} is in a folder of its own, so it is not read as a brief; "
                    f"move it into {folder.name}/",
                    Location(inner),
                )
        elif path.suffix.lower() in (".yaml", ".yml") and path not in taken:
            report.warning(
                f"{path.name} is not read as a brief: only names ending .yaml or .yml are; "
                f"rename it {path.stem}{path.suffix.lower()}",
                Location(path),
            )


MAX_NOT_READ = 20  # files of one sub-folder named


def _distinct(chosen: list[Path], config: Config, report: Report) -> list[Path]:
    """Each brief once, one brief per output name, and only briefs inside the workspace."""
    unique = list({real(p): p for p in chosen}.values())
    stems: dict[str, Path] = {}
    for path in unique:
        if path.stem in stems:
            report.error(
                f'two briefs would both be written as "{path.stem}": {stems[path.stem].name} and '
                f"{path.name}; rename one",
                Location(path),
            )
        stems.setdefault(path.stem, path)
    return [p for p in unique if stems[p.stem] is p and _inside(p, config.root, report)]


def _inside(path: Path, root: Path, report: Report) -> bool:
    """Whether a brief file, links resolved, is inside the workspace; reported when not."""
    if within(path, root):
        return True
    report.error(
        "brief file leads outside the workspace (through a link or path); copy it into briefs/",
        Location(path),
    )
    return False


def validate_brief(path: Path, config: Config, report: Report) -> Brief | None:
    """Read one brief file into a Brief model."""
    data = read_brief(path, config, report)
    return None if data is None else brief_from(path, data, report)


def read_brief(path: Path, config: Config, report: Report) -> bytes | None:
    """A brief file's bytes, or None when its name or the file cannot be used (reported)."""
    if not ID_RE.match(path.stem):
        report.error(
            f'brief file name "{path.name}" may use only letters, digits, "-" and "_"; rename the file',
            Location(path),
        )
        return None
    return read_bytes(path, report, Location(path), config.limits.max_yaml_bytes, "YAML file")


SUMMARY_PLACEHOLDER = "Write the key messages here."  # what briefgen new puts in a summary


def brief_from(path: Path, data: bytes, report: Report) -> Brief | None:
    """The Brief model of the bytes read from brief file `path`: what follows from those
    bytes and that path alone (see results.py, which keeps it)."""
    stem = path.stem
    text = text_of(data, path, report, Location(path), "YAML file")
    node = None if text is None else parse_yaml(text, path, report)
    if node is None:
        return None
    if not isinstance(node, Map):
        report.error(
            f"a brief should be a mapping of fields (title:, positions:, ...), not {describe(node)}",
            node.loc,
        )
        return None
    f = Fields(node, "the brief", BRIEF_FIELDS, report)
    title = f.text("title", required=True, example="Ukraine and European security")
    summary = f.text("summary")
    if summary and SUMMARY_PLACEHOLDER in summary:
        report.warning(
            f'summary still says "{SUMMARY_PLACEHOLDER}", as briefgen new wrote it; write the '
            "key messages the reader should take away",
            f.loc("summary") or node.loc,
        )
    return Brief(
        id=stem,
        path=path,
        loc=node.loc,
        title=title or stem,
        subtitle=f.text("subtitle"),
        meeting=_meeting(f, report),
        audience=f.text("audience"),
        marking=f.text("marking"),
        as_of=f.date("as_of"),
        as_of_loc=f.loc("as_of"),
        summary=summary,
        purpose=f.text("purpose"),
        objectives=f.text_list("objectives"),
        lines_to_take=tuple(
            line
            for i, n in enumerate(f.sequence("lines_to_take"), 1)
            if (line := _line(n, i, report))
        ),
        background=f.text("background"),
        handling=f.text("handling"),
        asks=f.text("asks"),
        template=f.text("template"),
        template_loc=f.loc("template"),
        group_by=f.choice("group_by", GROUPINGS, "topic"),
        since=f.text("since"),
        since_loc=f.loc("since"),
        positions=tuple(x for n in f.sequence("positions") if (x := _position(n, report))),
        proposals=tuple(y for n in f.sequence("proposals") if (y := _proposal(n, report))),
        figures=tuple(z for n in f.sequence("figures") if (z := _figure(n, report))),
    )


def _meeting(f: Fields, report: Report) -> Meeting | None:
    node = f.get("meeting")
    if node is None or (isinstance(node, Scalar) and node.value is None):
        return None
    if isinstance(node, Scalar):
        if isinstance(node.value, dt.date) or looks_like_date(node.text):
            report.warning(
                f'"meeting: {node.text}" is read as the meeting\'s name, not its date; for the '
                f"date, write  meeting:  and under it  date: {node.text.strip()}  (two spaces in)",
                node.loc,
            )
        return Meeting(name=f.text("meeting"))
    if not isinstance(node, Map):
        report.error(
            f'"meeting" should have name:, date: and place: lines, not {describe(node)}', node.loc
        )
        return None
    m = Fields(node, "meeting", MEETING_FIELDS, report)
    return Meeting(name=m.text("name"), date=m.date("date"), place=m.text("place"))


_NAME = re.compile(r"(?:[A-Z][\w'’.-]*)(?: [A-Z][\w'’.-]*){1,3}")  # "Keir Starmer"


def _names_in_one(node: Node | None, report: Report) -> None:
    """Warn of proposed_by: written as one value naming several people ("John Healey, Keir
    Starmer"): it is one proposer, whom --actor and the brief cannot tell apart."""
    if not isinstance(node, Scalar) or not isinstance(node.value, str):
        return
    names = [n.strip() for n in re.split(r",|\band\b", node.value) if n.strip()]
    if len(names) > 1 and all(_NAME.fullmatch(n) for n in names):
        report.warning(
            f"proposed_by names {len(names)} people in one value, so the brief takes them for "
            f"one proposer; to name each, write a list:  proposed_by: [{', '.join(names)}]",
            node.loc,
        )


LINE_ID_PREFIX = "line-to-take-"  # lines to take are numbered in their brief: line-to-take-1, ...
_LINE_ID = re.compile(re.escape(LINE_ID_PREFIX) + r"[0-9]+")


def _line(node: Node, number: int, report: Report) -> Line | None:
    """A line to take: plain Markdown text, or text: with cite: (verified like an item's)."""
    line_id = f"{LINE_ID_PREFIX}{number}"
    if isinstance(node, Scalar):
        if node.value is None:
            return None
        if not isinstance(node.value, str):
            report.error(
                f"a line to take should be text, not {describe(node)}; put it in quotes", node.loc
            )
            return None
        return Line(line_id, node.loc, None, (), text=node.value)
    if not isinstance(node, Map):
        report.error(
            f"a line to take should be text, or text: and cite: lines, not {describe(node)}",
            node.loc,
        )
        return None
    f = Fields(node, "this line to take", LINE_FIELDS, report)
    text = f.text("text", required=True, example="The UK will play its full part.")
    return Line(line_id, node.loc, None, _citations(f, report), text=text or "")


def _item_fields(node: Node, kind: str, known: tuple[str, ...], report: Report) -> Fields | None:
    if not isinstance(node, Map):
        report.error(f"a {kind} should be a mapping (id:, ...), not {describe(node)}", node.loc)
        return None
    return Fields(node, f"this {kind}", known, report)


def _position(node: Node, report: Report) -> Position | None:
    f = _item_fields(node, "position", POSITION_FIELDS, report)
    if f is None:
        return None
    item_id, cite = f.identifier(), _citations(f, report)
    _uncited(f, "position", item_id, report)
    actor = f.text("actor", required=True, example="Keir Starmer")
    stance = f.text("stance", required=True, example="A peace deal needs a US backstop.")
    role, topic, detail, as_of = f.text("role"), f.text("topic"), f.text("detail"), f.date("as_of")
    return Position(
        item_id or "",
        f.node.loc,
        as_of,
        cite,
        key=f.flag("key"),
        as_of_loc=f.loc("as_of"),
        actor=actor or "",
        stance=stance or "",
        role=role,
        topic=topic,
        detail=detail,
    )


def _proposal(node: Node, report: Report) -> Proposal | None:
    f = _item_fields(node, "proposal", PROPOSAL_FIELDS, report)
    if f is None:
        return None
    item_id, cite = f.identifier(), _citations(f, report)
    _uncited(f, "proposal", item_id, report)
    title = f.text("title", required=True, example="European-led peacekeeping force")
    status = _status(f, report)
    _names_in_one(f.get("proposed_by"), report)
    by, summary, detail, as_of = (
        f.text_list("proposed_by"),
        f.text("summary"),
        f.text("detail"),
        f.date("as_of"),
    )
    return Proposal(
        item_id or "",
        f.node.loc,
        as_of,
        cite,
        key=f.flag("key"),
        as_of_loc=f.loc("as_of"),
        title=title or "",
        status=status or "proposed",
        proposed_by=by,
        summary=summary,
        detail=detail,
    )


def _status(f: Fields, report: Report) -> Status | None:
    node = f.get("status")
    if isinstance(node, Scalar) and isinstance(node.value, bool):  # "no", "yes": not a status
        report.error(f'status "{node.text}" is not one of: {", ".join(STATUSES)}', f.loc("status"))
        return None
    text = f.text("status", required=True, example="under discussion")
    if text is None:
        return None
    wanted = re.sub(r"[\s_-]+", " ", text.lower()).strip()
    if wanted in STATUSES:
        return cast(Status, wanted)
    report.error(
        f'status "{text}" is not one of: {", ".join(STATUSES)}{did_you_mean(wanted, STATUSES)}',
        f.loc("status"),
    )
    return None


def _figure(node: Node, report: Report) -> Figure | None:
    f = _item_fields(node, "figure", FIGURE_FIELDS, report)
    if f is None:
        return None
    item_id, cite = f.identifier(), _citations(f, report)
    _uncited(f, "figure", item_id, report)
    label = f.text("label", required=True, example="UK defence spending")
    value = f.text("value", required=True, example='"2.3"')
    unit, note, as_of, derived = f.text("unit"), f.text("note"), f.date("as_of"), f.text("derived")
    return Figure(
        item_id or "",
        f.node.loc,
        as_of,
        cite,
        key=f.flag("key"),
        as_of_loc=f.loc("as_of"),
        label=label or "",
        value=value or "",
        value_loc=f.loc("value"),
        unit=unit,
        note=note,
        derived=derived,
        derived_loc=f.loc("derived") if derived else None,
    )


def _uncited(f: Fields, kind: str, item_id: str | None, report: Report) -> None:
    """A warning for an item with no cite: at all (one whose citations are written wrong
    is told that instead)."""
    node = f.get("cite")
    null = isinstance(node, Scalar) and node.value is None
    empty = null or (isinstance(node, Seq) and not node.items)
    if item_id and (node is None or empty):
        report.warning(
            f'{kind} "{item_id}" cites nothing; add a cite: with the source words it rests on',
            f.node.loc,
        )


def _citations(f: Fields, report: Report) -> tuple[Citation, ...]:
    node = f.get("cite")
    if node is None or (isinstance(node, Scalar) and node.value is None):
        return ()
    entries = [node] if isinstance(node, Map) else f.sequence("cite")
    cites: list[Citation] = []
    for entry in entries:
        if not isinstance(entry, Map):
            report.error(
                f"a citation should have source: and quote: lines, not {describe(entry)}", entry.loc
            )
            continue
        c = Fields(entry, "citation", CITE_FIELDS, report)
        source = c.text("source", required=True, example="bbc-paris-talks")
        quote = c.text("quote", required=True, example="the exact words from the source")
        if source and quote:
            cites.append(Citation(source, quote, entry.loc, c.loc("quote"), c.loc("source")))
    return tuple(cites)


def cross_check(
    briefs: Sequence[Brief],
    catalogue: Catalogue,
    report: Report,
    whole_workspace: bool,
    others: Sequence[Brief] = (),
) -> None:
    """Checks across files: unique ids, known sources and unused sources.

    Claims that depend on files that could not be read whole ("unknown source",
    "cited by no brief") are left out rather than made falsely. `others`, the briefs not
    being checked, count only for the ids they use.
    """
    sources = catalogue.sources
    # by id with letter case aside: Markdown footnote labels ([^navy-plan-1]) and HTML
    # readers match them so, and "NAVY-PLAN" would show the notes of "navy-plan"
    seen: dict[str, Item] = {}
    for other in others:
        for item in other.items:
            seen.setdefault(item.id.casefold(), item)
    used: set[str] = set()
    for brief in briefs:
        for item in brief.items:
            if not item.id:
                pass  # a missing or malformed id is already reported
            elif _LINE_ID.fullmatch(item.id):
                report.error(
                    f'the id "{item.id}" is the one a brief\'s line to take is given in the '
                    "outputs' links and notes; choose another id for this item",
                    item.loc,
                )
            elif (first := seen.get(item.id.casefold())) is not None:
                at, unique = first.loc.display(), "ids must be unique across the workspace"
                said = (
                    f"also used at {at}; {unique}"
                    if first.id == item.id
                    else f'"{first.id}", the same but for letter case, is used at {at}; '
                    f"{unique}, whatever their letter case"
                )
                report.error(f'duplicate id "{item.id}": {said}', item.loc)
            else:
                seen[item.id.casefold()] = item
        for item in brief.citing:
            for cite in item.cite:
                used.add(cite.source_id)
                if catalogue.complete and cite.source_id not in catalogue.ids:
                    report.error(
                        f'unknown source "{cite.source_id}"{did_you_mean(cite.source_id, sources)}; '
                        f"catalogued sources: {', '.join(sorted(sources)) or 'none'}",
                        cite.source_loc,
                    )
    if whole_workspace and catalogue.complete:
        for source in sources.values():
            if source.id not in used:
                report.warning(f'source "{source.id}" is cited by no brief', source.loc)


def check_layouts(briefs: Sequence[Brief], config: Config, report: Report) -> None:
    """A brief's template: must name a built-in layout or one in the workspace's templates/."""
    layouts = available_layouts(config)
    for brief in briefs:
        if brief.template and brief.template not in layouts:
            report.error(
                f'unknown template "{brief.template}"{did_you_mean(brief.template, layouts)}; '
                f"use one of: {', '.join(layouts)}",
                brief.template_loc,
            )
