"""`briefgen diff OLD [NEW]`: what changed in each brief, item by item (matched by id).

Also flags what a reader must re-check: a claim reworded on the same quotes, and source files
whose content changed under citations that moved or no longer verify.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from briefgen.manifest import BRIEF_FIELDS, SECTION_FIELDS, Manifest
from briefgen.normalise import normalised_text

# What an item asserts: a change here, on unchanged evidence, needs its quotes re-read.
CLAIM_FIELDS = ("stance", "summary", "value", "unit", "status", "text")  # text: a line to take
TRUST_FLAG = "claim changed, evidence unchanged: check the quotes still support it"
_MISSING = object()
LINE = "line"  # the kind of a line to take compared as an item
# the brief's sections as its outputs head them, in their order
SECTION_TITLES = {
    "purpose": "Purpose",
    "summary": "Key messages",
    "objectives": "Objectives",
    "background": "Background",
    "handling": "Handling",
    "asks": "What they may ask",
}


@dataclass
class FieldChange:
    name: str
    old: Any
    new: Any


@dataclass
class ItemChange:
    id: str
    kind: str
    name: str  # who or what the item is about: the actor, the proposal's title, the figure's label
    change: str  # added, removed or changed
    fields: list[FieldChange] = field(default_factory=list)
    cites_added: list[str] = field(default_factory=list)
    cites_dropped: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        """The change in plain words: 'Emmanuel Macron: stance revised (was: ...)'."""
        if self.change == "added":
            return f"{self.name}: new {self.kind}"
        if self.change == "removed":
            return f"{self.name}: {self.kind} withdrawn"
        parts = [f"{f.name.replace('_', ' ')} revised (was: {shown(f.old)})" for f in self.fields]
        if self.cites_added or self.cites_dropped:
            parts.append("sources revised")
        return f"{self.name}: {'; '.join(parts)}"


@dataclass
class CitationMove:
    item: str
    quote: str
    old_line: int | None
    new_line: int | None
    verified: bool
    old_column: int | None = None
    new_column: int | None = None


@dataclass
class SourceChange:
    id: str
    file: str | None
    old_sha256: str | None
    new_sha256: str | None
    citations: list[CitationMove] = field(default_factory=list)


@dataclass
class BriefChanges:
    id: str
    change: str  # added, removed, changed or unchanged
    meta: list[FieldChange] = field(default_factory=list)
    items: list[ItemChange] = field(default_factory=list)
    sources: list[SourceChange] = field(default_factory=list)
    since: str = ""  # what the brief was compared with, as the user named it

    @property
    def changed(self) -> bool:
        return self.change != "unchanged"

    def of(self, item_id: str) -> ItemChange | None:
        return next((i for i in self.items if i.id == item_id), None)

    @property
    def sections(self) -> list[str]:
        """'Key messages revised', ... for each of the brief's sections that changed."""
        changed = {f.name for f in self.meta}
        return [f"{title} revised" for name, title in SECTION_TITLES.items() if name in changed]


def compare(old: Manifest | None, new: Manifest | None, brief_id: str) -> BriefChanges:
    """Changes from one manifest of a brief to another (either may be absent)."""
    if old is None or new is None:
        return BriefChanges(brief_id, "added" if old is None else "removed")
    meta = _fields(
        {k: v for k, v in old["brief"].items() if k != "file"},
        {k: v for k, v in new["brief"].items() if k != "file"},
        ("id", *BRIEF_FIELDS, "meeting"),
    )
    meta += _fields(  # the sections an older manifest does not have are not compared
        old["brief"],
        new["brief"],
        [n for n in SECTION_FIELDS if n in old["brief"] and n in new["brief"]],
    )
    # the lines to take are compared as items are, where both sides have them
    both = "lines_to_take" in old and "lines_to_take" in new
    before = [*(_as_item(line) for line in (old["lines_to_take"] if both else [])), *old["items"]]
    after = [*(_as_item(line) for line in (new["lines_to_take"] if both else [])), *new["items"]]
    olds = {i["id"]: i for i in before}
    news = {i["id"]: i for i in after}
    items = [_item(olds.get(i), news.get(i)) for i in _ordered(after, before)]
    changed_items = [c for c in items if c is not None]
    sources = _sources(old, new)
    result = BriefChanges(brief_id, "unchanged", meta, changed_items, sources)
    if meta or changed_items or sources:
        result.change = "changed"
    return result


def _as_item(line: dict[str, Any]) -> dict[str, Any]:
    """A line to take of a manifest in the shape of an item: its text is its one field."""
    return {"id": line["id"], "kind": LINE, "fields": {"text": line["text"]}, "cite": line["cite"]}


def _cited(side: Manifest) -> list[dict[str, Any]]:
    """What cites sources: the lines to take (where the manifest has them) and the items."""
    return [*side.get("lines_to_take", []), *side["items"]]


def _ordered(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> list[str]:
    """Item ids in the new brief's order, then those only in the old one."""
    return list(dict.fromkeys([i["id"] for i in first] + [i["id"] for i in second]))


def item_name(item: dict[str, Any]) -> str:
    if item.get("kind") == LINE:  # line-to-take-3: "line to take 3"
        return str(item["id"]).replace("-", " ")
    fields = item.get("fields", {})
    name = fields.get("actor") or fields.get("title") or fields.get("label")
    return str(name) if name else str(item["id"])


def _same_words(cite: dict[str, Any]) -> tuple[str, str]:
    return cite["source"], normalised_text(cite["quote"])


def _cite_key(cite: dict[str, Any]) -> str:
    return f'{cite["source"]}: "{cite["quote"]}"'


def _item(old: dict[str, Any] | None, new: dict[str, Any] | None) -> ItemChange | None:
    if old is None or new is None:
        present = new or old
        assert present is not None
        change = "added" if old is None else "removed"
        return ItemChange(present["id"], present["kind"], item_name(present), change)
    names = list(dict.fromkeys([*old["fields"], *new["fields"]]))
    fields = _fields(old["fields"], new["fields"], names)
    if old["kind"] != new["kind"]:
        fields.insert(0, FieldChange("kind", old["kind"], new["kind"]))
    old_cites = [_cite_key(c) for c in old["cite"]]
    new_cites = [_cite_key(c) for c in new["cite"]]
    # a quote re-typed with other quotation marks, dashes or spaces (which the matching
    # does not tell apart) cites the same words: not one citation dropped and one added
    old_same = {_same_words(c) for c in old["cite"]}
    new_same = {_same_words(c) for c in new["cite"]}
    added = [
        k for k, c in zip(new_cites, new["cite"], strict=True) if _same_words(c) not in old_same
    ]
    dropped = [
        k for k, c in zip(old_cites, old["cite"], strict=True) if _same_words(c) not in new_same
    ]
    if not (fields or added or dropped):
        return None
    flags = []
    cited = bool(new_cites)  # an uncited line to take has no quotes to check again
    if cited and not added and not dropped and any(f.name in CLAIM_FIELDS for f in fields):
        flags.append(TRUST_FLAG)
    return ItemChange(
        new["id"], new["kind"], item_name(new), "changed", fields, added, dropped, flags
    )


def _fields(old: dict[str, Any], new: dict[str, Any], names: Any) -> list[FieldChange]:
    return [
        FieldChange(n, old.get(n), new.get(n))
        for n in names
        if old.get(n, _MISSING) != new.get(n, _MISSING) and old.get(n) != new.get(n)
    ]


def _sources(old: Manifest, new: Manifest) -> list[SourceChange]:
    """Sources cited on both sides whose file content differs, with the citations it affects."""
    out = []
    old_cites = {(i["id"], *_same_words(c)): c for i in _cited(old) for c in i["cite"]}
    for sid in sorted(set(old["sources"]) & set(new["sources"])):
        before, after = old["sources"][sid], new["sources"][sid]
        if before.get("sha256") == after.get("sha256"):
            continue
        change = SourceChange(sid, after.get("file"), before.get("sha256"), after.get("sha256"))
        for item in _cited(new):
            for cite in item["cite"]:
                was = old_cites.get((item["id"], *_same_words(cite)))
                if cite["source"] != sid or was is None:
                    continue
                moved = was.get("line") != cite.get("line") or was.get("column") != cite.get(
                    "column"
                )
                if moved or not cite.get("verified"):
                    change.citations.append(
                        CitationMove(
                            item["id"],
                            cite["quote"],
                            was.get("line"),
                            cite.get("line"),
                            bool(cite.get("verified")),
                            was.get("column"),
                            cite.get("column"),
                        )
                    )
        out.append(change)
    return out


def compare_sides(
    old: dict[str, Manifest], new: dict[str, Manifest], single: bool
) -> list[BriefChanges]:
    """Every brief on either side; two single briefs are compared whatever their file names."""
    if single and len(old) == 1 and len(new) == 1:
        ((_old_id, before),) = old.items()
        ((new_id, after),) = new.items()
        return [compare(before, after, new_id)]
    ids = list(dict.fromkeys([*new, *old]))
    return [compare(old.get(i), new.get(i), i) for i in ids]


def shown(value: Any) -> str:
    """A field's value in one line, as a reader writes it."""
    if value is None or value == "" or value == []:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= 160 else text[:157] + "..."


def as_text(changes: list[BriefChanges], old: str, new: str) -> list[str]:
    lines = [f"comparing {old} with {new}"]
    for brief in changes:
        if brief.change in ("added", "removed"):
            lines.append(f"brief {brief.id}: {brief.change}")
            continue
        if not brief.changed:
            lines.append(f"brief {brief.id}: no changes")
            continue
        lines.append(f"brief {brief.id}:")
        for f in brief.meta:
            lines.append(f"  {f.name}: {shown(f.old)} -> {shown(f.new)}")
        for item in brief.items:
            lines.append(f"  {item.change} {item.kind} {item.id} ({item.name})")
            for f in item.fields:
                lines.append(f"    {f.name}: {shown(f.old)} -> {shown(f.new)}")
            lines.extend(f"    + cite {c}" for c in item.cites_added)
            lines.extend(f"    - cite {c}" for c in item.cites_dropped)
            lines.extend(f"    ! {flag}" for flag in item.flags)
        for source in brief.sources:
            lines.append(
                f"  source {source.id} ({source.file}) changed: sha256 "
                f"{(source.old_sha256 or '?')[:12]} -> {(source.new_sha256 or '?')[:12]}"
            )
            lines.extend(f"    ! {_move(m)}" for m in source.citations)
    return lines


def _move(m: CitationMove) -> str:
    if not m.verified:
        return f'{m.item}: "{m.quote}" no longer verifies (was line {m.old_line})'
    if m.old_line == m.new_line:  # words added or taken out before it on its line
        return (
            f'{m.item}: "{m.quote}" moved on line {m.new_line}, from column {m.old_column} '
            f"to column {m.new_column}"
        )
    return f'{m.item}: "{m.quote}" moved from line {m.old_line} to line {m.new_line}'


def as_markdown(changes: list[BriefChanges], old: str, new: str) -> list[str]:
    lines = [f"# Changes from {_md(old)} to {_md(new)}"]
    for brief in changes:
        lines += ["", f"## {_md(brief.id)}: {brief.change if brief.changed else 'no changes'}"]
        if brief.meta:
            lines.append("")
            lines += [
                f"- **{f.name}:** {_md(shown(f.old))} → {_md(shown(f.new))}" for f in brief.meta
            ]
        for item in brief.items:
            lines += [
                "",
                f"### {item.change.capitalize()} {item.kind}: {_md(item.name)} (`{item.id}`)",
            ]
            body = [
                f"- **{f.name}:** {_md(shown(f.old))} → {_md(shown(f.new))}" for f in item.fields
            ]
            body += [f"- cite added: {_md(c)}" for c in item.cites_added]
            body += [f"- cite dropped: {_md(c)}" for c in item.cites_dropped]
            body += [f"- **Check:** {f}" for f in item.flags]
            lines += ["", *body] if body else []
        for source in brief.sources:
            lines += ["", f"### Source changed: {_md(source.id)} ({_md(source.file or '')})", ""]
            lines.append(f"- sha256 `{source.old_sha256}` → `{source.new_sha256}`")
            lines += [f"- {_md(_move(m))}" for m in source.citations]
    return lines


def _md(text: str) -> str:
    from briefgen.render import md_text

    return md_text(text)


def as_json(changes: list[BriefChanges], old: str, new: str) -> str:
    data = {
        "old": old,
        "new": new,
        "changed": any(b.changed for b in changes),
        "briefs": [{**asdict(b), "changed": b.changed} for b in changes],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)


def run(config_path: Any, old: str, new: str | None, fmt: str = "text") -> tuple[Any, bool]:
    """Compare OLD with NEW (default: the workspace); (Outcome, whether anything changed)."""
    from briefgen.commands import Outcome
    from briefgen.revisions import read_side, workspace_side

    before = read_side(old, config_path)
    after = read_side(new, config_path) if new is not None else None
    if after is None:
        only = tuple(before.briefs) if before.single else ()
        after = workspace_side(config_path, _existing(config_path, only))
    changes = compare_sides(before.briefs, after.briefs, before.single or after.single)
    if (before.single or after.single) and not (before.single and after.single):
        wanted = set(before.briefs if before.single else after.briefs)
        changes = [c for c in changes if c.id in wanted]
    outcome = Outcome()
    outcome.report.problems.extend([*before.problems, *after.problems])
    if fmt == "json":
        outcome.lines.extend(as_json(changes, before.name, after.name).splitlines())
    elif fmt == "md":
        outcome.lines.extend(as_markdown(changes, before.name, after.name))
    else:
        outcome.lines.extend(as_text(changes, before.name, after.name))
    return outcome, any(c.changed for c in changes)


def _existing(config_path: Any, ids: tuple[str, ...]) -> tuple[str, ...]:
    """Of the briefs named, those the workspace has (a missing one shows as removed)."""
    from briefgen.config import find_config, load_config
    from briefgen.errors import Report

    if not ids:
        return ()
    config = load_config(find_config(config_path), Report())
    return tuple(i for i in ids if (config.briefs_dir / f"{i}.yaml").is_file())
