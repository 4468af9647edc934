"""Dates that must make sense together: nothing in the future, no item newer than its
brief, no item newer than everything it cites."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from briefgen.epoch import source_date_epoch
from briefgen.errors import Location, Report
from briefgen.models import Brief, PartialDate, Source

_HINTS = {
    "published": "write the date it was published",
    "as_of": "write the date the content is current to",
}


def today() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH when it is set (ValueError if it is not valid)."""
    epoch = source_date_epoch()
    return dt.date.today() if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.UTC).date()


def after_today(date: str) -> bool:
    """Whether a date or month written 2025-03-02 or 2025-03 begins after today (False when
    SOURCE_DATE_EPOCH is not valid: check_dates says so)."""
    year, month, *day = (int(part) for part in date.strip().split("-"))
    try:
        return dt.date(year, month, day[0] if day else 1) > today()
    except ValueError:
        return False


def check_dates(briefs: Sequence[Brief], sources: dict[str, Source], report: Report) -> None:
    """Report dates in the future (errors) and items dated after what they rest on (warnings)."""
    try:
        now = today()
    except ValueError as exc:
        report.error(str(exc))
        now = dt.date.today()
    for source in sources.values():
        _not_future(source.published, "published", source.published_loc or source.loc, now, report)
    for brief in briefs:
        _not_future(brief.as_of, "as_of", brief.as_of_loc or brief.loc, now, report)
        for item in brief.items:
            where = item.as_of_loc or item.loc
            if item.as_of is None or not _not_future(item.as_of, "as_of", where, now, report):
                continue
            if brief.as_of and item.as_of.earliest() > brief.as_of.latest():
                report.warning(
                    f'{item.kind} "{item.id}" is as of {item.as_of.human()}, after the brief\'s '
                    f"as_of ({brief.as_of.human()}); move the brief's as_of to {item.as_of.iso()} "
                    "or later",
                    where,
                )
            cited = [sources.get(c.source_id) for c in item.cite]
            published = [(s.published, s.id) for s in cited if s is not None and s.published]
            if published and len(published) == len(cited):  # an undated source could be newer
                newest, newest_id = max(published, key=lambda p: p[0].latest())
                if item.as_of.earliest() > newest.latest():
                    report.warning(
                        f'{item.kind} "{item.id}" is as of {item.as_of.human()}, later than '
                        f'anything it cites was published (newest: "{newest_id}", '
                        f"{newest.human()}); check the as_of date, or cite the source that "
                        "reports it",
                        where,
                    )


def _not_future(
    date: PartialDate | None, name: str, where: Location, now: dt.date, report: Report
) -> bool:
    """False (and an error) when `date` is after today."""
    if date is None or date.earliest() <= now:
        return True
    report.error(
        f'"{name}" {date.iso()} is in the future (today is {now.isoformat()}); {_HINTS[name]}',
        where,
    )
    return False
