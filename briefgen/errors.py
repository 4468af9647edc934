"""Problems found in a workspace, and the one error type the CLI prints without a traceback."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from briefgen.paths import BUILTIN_TEMPLATES

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: 1-based line and column."""

    path: Path
    line: int = 1
    col: int = 1

    def display(self, start: Path | None = None) -> str:
        return f"{display_path(self.path, start)}:{self.line}:{self.col}"


def printable(text: str) -> str:
    """Text safe to show on a terminal: control, format (bidi) and surrogate characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def quoted(text: str) -> str:
    """Text in double quotes with control characters made visible."""
    return f'"{printable(text)}"'


def display_path(path: Path, start: Path | None = None) -> str:
    """The path as the user should read it: relative to the current folder (or `start`)
    when inside it, and a built-in template by its template name (builtin:brief.html.j2)."""
    if path.is_absolute() and path.is_relative_to(BUILTIN_TEMPLATES):
        return f"builtin:{path.relative_to(BUILTIN_TEMPLATES).as_posix()}"
    try:
        rel = os.path.relpath(path, start)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in the user's data."""

    severity: Severity
    message: str
    location: Location | None = None

    def format(self, start: Path | None = None) -> str:
        """path:line:col: severity: message, the path relative to the current folder (or
        to `start`, such as the workspace a preview shows)."""
        where = self.location.display(start) if self.location else "briefgen"
        return f"{where}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        """The problem for a program to read (check --output-format json): the path as
        printed, 1-based line and column (null without a place), severity and message."""
        loc = self.location
        return {
            "path": display_path(loc.path) if loc else None,
            "line": loc.line if loc else None,
            "column": loc.col if loc else None,
            "severity": self.severity,
            "message": self.message,
        }

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass
class Report:
    """Problems gathered across a whole run, so that all of them are shown at once."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, message: str, location: Location | None = None) -> None:
        self.problems.append(Problem("error", message, location))

    def warning(self, message: str, location: Location | None = None) -> None:
        self.problems.append(Problem("warning", message, location))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def failed(self, strict: bool) -> bool:
        """Whether the run failed: any error, or with `strict` any warning."""
        return bool(self.errors or (strict and self.warnings))

    def sorted(self) -> list[Problem]:
        """Problems in file order, so the output reads top to bottom."""

        def key(p: Problem) -> tuple[str, int, int]:
            loc = p.location
            return (str(loc.path), loc.line, loc.col) if loc else ("", 0, 0)

        return sorted(self.problems, key=key)


class BriefgenError(Exception):
    """A problem in the user's data or environment; the CLI prints it and exits 1."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))

    @classmethod
    def single(cls, message: str, location: Location | None = None) -> BriefgenError:
        return cls([Problem("error", message, location)])


class UsageError(BriefgenError):
    """A command-line value that cannot be used (the CLI exits 2)."""


class DataError(BriefgenError):
    """The workspace has errors (YAML, schema, citations); nothing was written."""


class RenderError(BriefgenError):
    """A template or the PDF engine failed for one brief."""


class RenderDied(RenderError):
    """A render's child ended without a result (killed, or out of memory): unlike a template
    that fails, the same render may well succeed when asked for again."""


class Superseded(RenderError):
    """A render stopped because the files it was made from changed meanwhile: the same
    output, made from them as they are now, is what is wanted instead."""


class OutputError(BriefgenError):
    """An output could not be written where it was asked for."""


def clip(text: str, limit: int = 160) -> str:
    """Text cut to about `limit` characters at a word, so that no message line runs on for pages."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return (cut[: cut.rfind(" ")] if " " in cut[limit // 2 :] else cut) + " …"
