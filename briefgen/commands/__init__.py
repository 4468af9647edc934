"""One module per authoring command; cli.py holds only thin wrappers that print their outcome."""

from __future__ import annotations

from dataclasses import dataclass, field

from briefgen.errors import Report


@dataclass
class Outcome:
    """What a command found or made: lines for standard output, problems, and whether it failed."""

    lines: list[str] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    failed: bool = False

    def say(self, line: str = "") -> None:
        self.lines.append(line)
