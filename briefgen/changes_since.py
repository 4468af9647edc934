"""What `build --since OLD` (or a brief's since:) marks: each brief compared with its old version."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import Problem, Report, UsageError
from briefgen.models import Brief, Workspace

if TYPE_CHECKING:  # a build with no since: never loads the manifest, diff and git machinery
    from briefgen.commands.diff import BriefChanges
    from briefgen.revisions import Side


class Olds:
    """Old versions read once per OLD however many briefs ask for them."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self.sides: dict[str, Side] = {}

    def changes(
        self, brief: Brief, workspace: Workspace, since: str | None, report: Report
    ) -> BriefChanges | None:
        """The brief's changes since OLD: --since when given, else the brief's since:, else none.

        A bad --since is a usage error; a bad since: is an error at that line of the brief.
        """
        spec = since or brief.since
        if not spec:
            return None
        try:
            side = self.side(spec)
        except UsageError as exc:
            if since:
                raise
            for problem in exc.problems:
                report.problems.append(
                    Problem("error", f"since: {problem.message}", brief.since_loc)
                )
            return None
        from briefgen import manifest
        from briefgen.commands.diff import compare

        new = manifest.manifest(brief, workspace.sources)
        old = side.briefs.get(brief.id)
        if old is None and side.single and len(side.briefs) == 1:
            old = next(iter(side.briefs.values()))
        if old is None:  # the brief is new: every item in it is too
            old = {**new, "items": [], "sources": {}}
        changes = compare(old, new, brief.id)
        changes.since = spec
        return changes

    def side(self, spec: str) -> Side:
        if spec not in self.sides:
            from briefgen.revisions import read_side

            self.sides[spec] = read_side(spec, self.config_path)
        return self.sides[spec]
