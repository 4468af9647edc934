"""build --topic/--actor: a brief holding only the matching items, its title saying so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from briefgen.errors import UsageError
from briefgen.fields import did_you_mean
from briefgen.models import Brief, Item, Position, Proposal


@dataclass(frozen=True)
class Selection:
    """The topics and actors asked for (each repeatable; an item must match both kinds given)."""

    topics: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.topics or self.actors)

    def label(self) -> str:
        parts = [f"topic {t}" for t in self.topics] + [f"actor {a}" for a in self.actors]
        return "filtered: " + ", ".join(parts)


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _mentions(names: Sequence[str], *texts: str | None) -> bool:
    """Whether any name appears (as words, any case) in any of the texts."""
    hay = [f" {_fold(t)} " for t in texts if t]
    return any(f" {_fold(n)} " in h for n in names for h in hay)


def _topic_ok(item: Item, topics: Sequence[str]) -> bool:
    if not topics:
        return True
    if isinstance(item, Position):
        return _fold(item.topic) in {_fold(t) for t in topics}
    # proposals and figures have no topic: they match when their words name it
    return _mentions(topics, *_words(item))


def _actor_ok(item: Item, actors: Sequence[str]) -> bool:
    if not actors:
        return True
    wanted = {_fold(a) for a in actors}
    if isinstance(item, Position):
        return _fold(item.actor) in wanted
    if isinstance(item, Proposal):
        return any(_fold(p) in wanted for p in item.proposed_by)
    return _mentions(actors, *_words(item))


def _words(item: Item) -> tuple[str | None, ...]:
    if isinstance(item, Proposal):
        return (item.title, item.summary)
    return (getattr(item, "label", None), getattr(item, "note", None))


def keeps(item: Item, selection: Selection) -> bool:
    return _topic_ok(item, selection.topics) and _actor_ok(item, selection.actors)


def select(briefs: Sequence[Brief], selection: Selection) -> tuple[Brief, ...]:
    """Each brief cut down to the matching items; a topic or actor no brief has is an error."""
    selection = _known(briefs, selection)
    chosen = []
    for brief in briefs:
        chosen.append(
            replace(
                brief,
                title=f"{brief.title} ({selection.label()})",
                positions=tuple(p for p in brief.positions if keeps(p, selection)),
                proposals=tuple(p for p in brief.proposals if keeps(p, selection)),
                figures=tuple(f for f in brief.figures if keeps(f, selection)),
            )
        )
    return tuple(chosen)


def _known(briefs: Sequence[Brief], selection: Selection) -> Selection:
    """The selection with each name spelled as the briefs spell it; unknown names refused."""
    topics = sorted({p.topic for b in briefs for p in b.positions if p.topic})
    actors = sorted(
        {p.actor for b in briefs for p in b.positions}
        | {a for b in briefs for p in b.proposals for a in p.proposed_by}
    )
    problems = []
    spelled: list[tuple[str, ...]] = []
    for option, asked, known in (
        ("--topic", selection.topics, topics),
        ("--actor", selection.actors, actors),
    ):
        folded = {_fold(k): k for k in known}
        field = "topic" if option == "--topic" else "actor"
        for name in asked:
            if _fold(name) not in folded and not known:
                problems.append(
                    f'{option} "{name}" matches nothing: no position of the briefs has '
                    f"a {field}: yet; give the positions one ({field}: {name}), or leave "
                    f"{option} out"
                )
            elif _fold(name) not in folded:
                problems.append(
                    f'{option} "{name}" matches nothing{did_you_mean(name, known)}; '
                    f"use one of: {', '.join(known)}"
                )
        spelled.append(tuple(dict.fromkeys(folded.get(_fold(n), n) for n in asked)))
    if problems:
        raise UsageError([UsageError.single(p).problems[0] for p in problems])
    return Selection(*spelled)
