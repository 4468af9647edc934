"""Reading typed fields out of located YAML nodes, with messages that say what to write."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable

from briefgen import spec
from briefgen.errors import Location, Report, clip, quoted
from briefgen.load import Map, Node, Scalar, Seq, describe
from briefgen.models import PartialDate

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_YEAR_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_FULL_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASHED_DATE_RE = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}$")  # 03/12/2026, as often typed


def looks_like_date(text: str) -> bool:
    """Whether a value is written as a date (2025-03-20, 2025-03, 03/12/2026)."""
    text = text.strip()
    return any(p.match(text) for p in (_FULL_DATE_RE, _YEAR_MONTH_RE, _SLASHED_DATE_RE))


_NULLS = ("null", "Null", "NULL", "~")  # what YAML reads as no value


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' when a close match exists, else ''."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{match[0]}"?)' if match else ""


# fields that hold a name, a date or a choice, never words a "#1" could belong to
_NAMES = frozenset({"id", "source", "file", "template", "since", "status", "url"})
_MARKDOWN_FIELDS = frozenset(
    f.name
    for group in (spec.POSITION, spec.PROPOSAL, spec.FIGURE, spec.LINE, spec.BRIEF)
    for f in group
    if f.kind == "markdown"
)


class Fields:
    """The fields of one YAML mapping, read one at a time; problems go to the report."""

    def __init__(self, node: Map, what: str, known: Iterable[str], report: Report) -> None:
        self.node = node
        self.what = what
        self.report = report
        self.known = tuple(known)
        for name, entry in node.entries.items():
            if name not in self.known:
                first = name.split(maxsplit=1)[0] if name.strip() else name
                if first != name and first in self.known:  # "title 'Ukraine: where things stand'"
                    report.error(
                        f'unknown field "{name}" in {what}: a colon is missing after '
                        f'"{first}"; write  {first}: and the value after it, in quotes if it '
                        'holds ": "',
                        entry.key_loc,
                    )
                    continue
                bare = name.strip("“”‘’\"'„«» ")
                if bare != name and bare in self.known:  # pasted from a word processor
                    report.error(
                        f'unknown field "{name}" in {what}: its name is in quotation marks; '
                        f"write it without them:  {bare}:",
                        entry.key_loc,
                    )
                    continue
                placed = (
                    "; a quote belongs to a citation: write it under  cite:  as  - source: "
                    'ID  and  quote: "..."  on the next line'
                    if name in ("quote", "source") and "cite" in self.known
                    else ""
                )
                report.error(
                    f'unknown field "{name}" in {what}{did_you_mean(name, self.known)}; '
                    f"allowed fields: {', '.join(self.known)}{placed}",
                    entry.key_loc,
                )

    def get(self, name: str) -> Node | None:
        entry = self.node.entries.get(name)
        return entry.node if entry else None

    def loc(self, name: str) -> Location:
        node = self.get(name)
        return node.loc if node is not None else self.node.loc

    def _refused(self, node: Node) -> bool:
        """Whether an error was reported at the node as it was read."""
        return any(p.is_error and p.location == node.loc for p in self.report.problems)

    def _missing(self, name: str, required: bool, example: str) -> None:
        if required:
            self.report.error(
                f'{self.what} has no "{name}"; add a line such as  {name}: {example}', self.node.loc
            )

    def text(self, name: str, required: bool = False, example: str = "...") -> str | None:
        node = self.get(name)
        if node is not None and not (isinstance(node, Scalar) and node.value is None):
            return self.as_text(node, name)
        if not (required and isinstance(node, Scalar)):
            self._missing(name, required, example)
        elif node.text.strip() in _NULLS and node.plain:
            self.report.error(
                f'"{name}": YAML reads {node.text.strip()} as no value; if you mean the word, '
                f'put it in quotes:  {name}: "{node.text.strip()}"',
                node.loc,
            )
        elif not self._refused(node):  # (a value refused as it was read is said there)
            self.report.error(
                f'"{name}" is empty; write a value, for example  {name}: {example}', node.loc
            )
        return None

    def as_text(self, node: Node, name: str) -> str | None:
        if not isinstance(node, Scalar):
            seq = node.items if isinstance(node, Seq) else []
            items = [i.text for i in seq if isinstance(i, Scalar)]
            if isinstance(node, Seq) and name in _MARKDOWN_FIELDS:
                advice = (
                    f"; to keep the lines as they are (Markdown list and all), write  {name}: |  "
                    "and indent the lines under it"
                )
            elif items and len(items) == len(seq):
                advice = f"; write one value:  {name}: {clip(', '.join(items), 60)}"
            else:
                advice = "; write the words on the same line, after the colon"
            self.report.error(f'"{name}" should be text, not {describe(node)}{advice}', node.loc)
            return None
        if isinstance(node.value, bool):
            self.report.error(
                f'"{name}": YAML reads {node.text} as {str(node.value).lower()}; '
                f'put the text in quotes:  {name}: "{node.text}"',
                node.loc,
            )
            return None
        text = node.value if isinstance(node.value, str) else node.text
        text = text.strip()
        if not text:
            self.report.error(f'"{name}" is empty; write a value or remove the line', node.loc)
            return None
        if node.cut and name not in _NAMES:  # words, where a "#1" would belong to them
            self.report.warning(
                f'the words after " #" on this line are a YAML comment, left out of "{name}" '
                f'(read as "{clip(text, 40)}"); if they belong to it, put the whole value '
                "in single quotes",
                node.loc,
            )
        return text

    def flag(self, name: str) -> bool:
        node = self.get(name)
        if node is None or (isinstance(node, Scalar) and node.value is None):
            return False
        if isinstance(node, Scalar) and isinstance(node.value, bool):
            return node.value
        self.report.error(f'"{name}" should be true or false, not {describe(node)}', node.loc)
        return False

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(name)
        if value is None:
            return default
        if value.lower() in choices:
            return value.lower()
        self.report.error(
            f'"{name}" {quoted(value)} is not one of: {", ".join(choices)}{did_you_mean(value.lower(), choices)}',
            self.loc(name),
        )
        return default

    def text_list(self, name: str) -> tuple[str, ...]:
        """A list of texts; a single text is taken as a list of one."""
        node = self.get(name)
        if node is None or (isinstance(node, Scalar) and node.value is None):
            return ()
        items = node.items if isinstance(node, Seq) else [node]
        texts = (self.as_text(item, name) for item in items)
        return tuple(t for t in texts if t)

    def identifier(self, name: str = "id") -> str | None:
        value = self.text(name, required=True, example="my-item-id")
        if value is not None and not ID_RE.match(value):
            self.report.error(
                f'"{name}" {value!r} may use only letters, digits, "-" and "_", '
                "and must start with a letter or digit",
                self.loc(name),
            )
            return None
        return value

    def date(self, name: str, required: bool = False) -> PartialDate | None:
        node = self.get(name)
        if node is None or (isinstance(node, Scalar) and node.value is None):
            self._missing(name, required, "2025-03-02")
            return None
        return parse_date(node, name, self.report)

    def integer(self, name: str, default: int | None, minimum: int = 0) -> int | None:
        node = self.get(name)
        if node is None:
            return default
        value = node.value if isinstance(node, Scalar) else None
        if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
            return value
        self.report.error(
            f'"{name}" should be a whole number of at least {minimum}, written in digits: '
            f"{name}: {30 if name.endswith('_days') else minimum}",
            node.loc,
        )
        return default

    def number(self, name: str, default: float) -> float:
        node = self.get(name)
        if node is None:
            return default
        value = node.value if isinstance(node, Scalar) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
        self.report.error(f'"{name}" should be a positive number', node.loc)
        return default

    def mapping(self, name: str) -> Map | None:
        node = self.get(name)
        if node is None or (isinstance(node, Scalar) and node.value is None):
            return None
        if not isinstance(node, Map):
            self.report.error(
                f'"{name}" should be a mapping of "key: value" lines, not {describe(node)}',
                node.loc,
            )
            return None
        return node

    def sequence(self, name: str) -> list[Node]:
        node = self.get(name)
        if node is None or (isinstance(node, Scalar) and node.value is None):
            return []
        if not isinstance(node, Seq):
            self.report.error(
                f'"{name}" should be a list of entries starting with "- ", not {describe(node)}',
                node.loc,
            )
            return []
        return node.items


def parse_date(node: Node, name: str, report: Report) -> PartialDate | None:
    """A full date (2025-03-02) or a year and month (2025-03); anything else is explained."""
    hint = f"write a date as {name}: 2025-03-02, or a month as {name}: 2025-03"
    if isinstance(node, Scalar):
        value = node.value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return PartialDate(value.year, value.month, value.day)
        if isinstance(value, str):
            text = value.strip()
            full = _FULL_DATE_RE.match(text)
            month = _YEAR_MONTH_RE.match(text)
            try:
                if full:
                    d = dt.date(int(full[1]), int(full[2]), int(full[3]))
                    return PartialDate(d.year, d.month, d.day)
                if month and 1 <= int(month[2]) <= 12:
                    return PartialDate(int(month[1]), int(month[2]))
            except ValueError as exc:
                report.error(f'"{name}": {text!r} is not a real date ({exc}); {hint}', node.loc)
                return None
    report.error(f'"{name}": {describe(node)} is not a date; {hint}', node.loc)
    return None
