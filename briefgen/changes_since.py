"""What `build --since OLD` (or a brief's since:) marks: each brief compared with its old version."""

from __future__ import annotations

import os
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
            if not since:
                self.inside_workspace(spec)
            side = self.side(spec)
        except UsageError as exc:
            if since:
                raise
            for problem in exc.problems:
                # at the since: line, saying where in OLD the problem is
                at = f" {problem.location.display()}:" if problem.location else ""
                report.problems.append(
                    Problem("error", f"since:{at} {problem.message}", brief.since_loc)
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

    def inside_workspace(self, spec: str) -> None:
        """Refuse a brief's since: naming a file outside the workspace. A brief is written by
        many hands, and its old version's words are printed in the brief: since: may not
        read what the workspace does not hold (--since, given by whoever builds, may)."""
        path = Path(spec)
        if not (path.exists() or path.is_symlink()):
            return  # a git revision of the workspace's own repository
        root = Path(os.path.realpath(os.path.abspath(self.config_path))).parent
        if not Path(os.path.realpath(path)).is_relative_to(root):
            raise UsageError.single(
                f"{spec} is outside the workspace; a brief's since: names a git revision or a "
                "brief or manifest inside the workspace (give --since on the command line to "
                "compare with a file elsewhere)"
            )

    def side(self, spec: str) -> Side:
        if spec not in self.sides:
            from briefgen.revisions import read_side

            self.sides[spec] = read_side(spec, self.config_path)
        return self.sides[spec]
