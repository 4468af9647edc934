"""One brief's outputs: its view in each layout, through each format's writer.

This is what a render child runs (under the limits of bounded.py), kept apart from the
rest of the pipeline so that a child loads only what rendering needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import Location, Problem
from briefgen.models import Brief, Workspace
from briefgen.paths import BUILTIN_TEMPLATES

if TYPE_CHECKING:
    from briefgen.assets import Assets
    from briefgen.commands.diff import BriefChanges
    from briefgen.origins import Origins
    from briefgen.render import View


def output_name(brief: Brief, layout: str, fmt: str) -> str:
    """london-summit.pdf for the brief layout, london-summit.card.pdf for the card, and so on."""
    return f"{brief.id}.{fmt}" if layout == "brief" else f"{brief.id}.{layout}.{fmt}"


def render_brief(
    brief: Brief,
    workspace: Workspace,
    out_dir: Path,
    formats: Sequence[str],
    layouts: Sequence[str],
    changes: BriefChanges | None = None,
    located: Callable[[View, str], tuple[str, Origins]] | None = None,
) -> tuple[dict[str, bytes], list[Problem]]:
    """Every requested output of one brief, as file name -> bytes, rendered before any is
    written, and warnings about what was rendered (a card longer than a page). `located`
    runs an HTML page's template, if not render.render_located here."""
    from briefgen import render  # templates and their libraries: loaded only to render
    from briefgen.formats import WRITERS, Job

    config = workspace.config
    own = render.own_templates(config)
    kept: list[Assets] = []

    def assets() -> Assets:  # what HTML and PDF may load; a Markdown output loads nothing
        if not kept:
            from briefgen.assets import Assets

            folders = [own, BUILTIN_TEMPLATES] if own is not None else [BUILTIN_TEMPLATES]
            kept.append(Assets(folders, Location(brief.path)))
        return kept[0]

    base = own or BUILTIN_TEMPLATES
    outputs: dict[str, bytes] = {}
    warnings: list[Problem] = []
    for layout in dict.fromkeys(layouts):
        view = render.build_view(brief, workspace.sources, config, out_dir, layout, changes)
        for fmt in dict.fromkeys(formats):
            name = output_name(brief, layout, fmt)
            made = WRITERS[fmt].write(Job(view, assets, base, name, workspace.sources, located))
            outputs[name] = made.data
            warnings.extend(made.problems)
    return outputs, warnings
