"""Freshness: items whose as_of is too old for the meeting are flagged and warned about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from briefgen.errors import Report
from briefgen.models import Brief, Config, Item, PartialDate

T = TypeVar("T", bound=Item)


def mark_stale(briefs: Sequence[Brief], config: Config, report: Report) -> list[Brief]:
    """Flag items whose as_of is more than stale_after_days before the meeting (or the brief's date)."""
    if config.stale_after_days is None:
        return list(briefs)
    marked = []
    for brief in briefs:
        meeting_date = brief.meeting.date if brief.meeting else None
        reference = meeting_date or brief.as_of
        if reference is None:
            marked.append(brief)
            continue
        check = _Staleness(
            reference,
            "the meeting" if meeting_date else "the brief's as_of date",
            config.stale_after_days,
            report,
        )
        marked.append(
            replace(
                brief,
                positions=tuple(check(p) for p in brief.positions),
                proposals=tuple(check(p) for p in brief.proposals),
                figures=tuple(check(p) for p in brief.figures),
            )
        )
    return marked


class _Staleness:
    """Marks (and warns about) items dated more than `limit` days before `reference`."""

    def __init__(self, reference: PartialDate, what: str, limit: int, report: Report) -> None:
        self.reference, self.what, self.limit, self.report = reference, what, limit, report

    def __call__(self, item: T) -> T:
        if item.as_of is None:
            return item
        age = (self.reference.latest() - item.as_of.latest()).days
        if age <= self.limit:
            return item
        self.report.warning(
            f'{item.kind} "{item.id}" may be out of date: as of {item.as_of.human()}, {age} days before '
            f"{self.what} (stale_after_days is {self.limit}); check it is still true and update as_of",
            item.loc,
        )
        return replace(item, stale=True)
