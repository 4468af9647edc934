"""briefgen init: a new workspace that `briefgen check` passes at once."""

from __future__ import annotations

import json
import os
from pathlib import Path

from briefgen.commands import Outcome
from briefgen.commands.files import modeline, refuse_existing, schema_files, write_file
from briefgen.errors import Location, display_path
from briefgen.paths import within

KEEP = (
    "init writes nothing over existing files: move them away, init another folder, "
    "or rerun with --force to write only the files that are missing"
)
CONFIG = """\
# Workspace settings. Every field is optional; the README lists them all.
# title: Europe and Ukraine briefs       # a name for this set of briefs
# organisation: Europe Directorate       # printed as the brief's author ("From")
marking: OFFICIAL                        # protective marking on every page; a brief may set its own
formats: [pdf, md]                       # what `briefgen build` writes without --format (pdf, md, html, json, docx)
# stale_after_days: 30                   # warn when an item's as_of is this much older than the meeting
"""
CATALOGUE = """\
# The source catalogue: one entry per document in this folder, kept exactly as received.
# Add a document with  briefgen sources add FILE  (it copies the file here and appends
# an entry below), or write the entry by hand:
#
# - id: bbc-paris-talks                  # the name citations use: letters, digits, - and _
#   file: 001_article.txt                # the file's path inside sources/
#   publisher: BBC News
#   title: Starmer says any Ukraine peace deal needs a US backstop
#   published: 2025-02-17                # a date, or a month: 2025-02
#   url: https://www.bbc.co.uk/news/...  # optional
"""
EXTRA_CSS = """\
/* templates/extra.css: rules added after the built-in stylesheet, in HTML and PDF.
   Remove the comment marks to use them. An image (a logo) must be a file inside
   templates/, named relative to this file; the README shows an example.

.titleblock h1 { color: #1d4f91; }
.titleblock { border-top: 4pt solid #1d4f91; padding-top: 3mm; }
*/
"""
BRIEF_OVERRIDE = """\
{#- templates/brief.html.j2: a workspace override of the built-in brief layout.
    It extends the built-in template, so everything stays as it is until you override a block.
    Blocks: style, titleblock, key_messages, positions, proposals, figures, notes, appendix.
    To try it, move the block below out of this comment. -#}
{% extends "builtin:brief.html.j2" %}
{#
{% block titleblock %}
<header class="titleblock">
<h1>{{ brief.title }}</h1>
<p class="subtitle">Prepared by {{ organisation or "the department" }}</p>
</header>
{% endblock %}
#}
"""
GITIGNORE = (
    "# what briefgen build writes\n/build/\n"
    "# text read from sources, kept to save time: safe to delete\n/.briefgen-cache/\n"
)
VSCODE = {
    "yaml.schemas": {
        "./schemas/brief.schema.json": ["briefs/*.yaml", "briefs/*.yml"],
        "./schemas/sources.schema.json": ["sources/sources.yaml"],
        "./schemas/config.schema.json": ["config.yaml"],
    }
}


def workspace_files(root: Path) -> dict[Path, str]:
    """Every file init writes, by path."""
    config, catalogue = root / "config.yaml", root / "sources" / "sources.yaml"
    return {
        config: modeline(config, root, "config") + CONFIG,
        catalogue: modeline(catalogue, root, "sources") + CATALOGUE,
        root / "templates" / "extra.css": EXTRA_CSS,
        root / "templates" / "brief.html.j2": BRIEF_OVERRIDE,
        root / ".gitignore": GITIGNORE,
        root / ".vscode" / "settings.json": json.dumps(VSCODE, indent=2) + "\n",
        **schema_files(root),
    }


def init(directory: Path, force: bool) -> Outcome:
    """Create the workspace's files and folders; nothing at all if any file is already there.

    With --force, the files that are missing are written and the editor schemas made anew;
    every other file already there is kept as it is: it may hold the user's work (a source
    catalogue, settings, a template).
    """
    out = Outcome()
    if directory.exists() and not directory.is_dir():
        out.report.error(
            "is a file, not a folder; name a new or existing folder for the workspace",
            Location(directory),
        )
        return out
    files = workspace_files(directory)
    there = [path for path in files if path.exists() or path.is_symlink()]
    config, catalogue = directory / "config.yaml", directory / "sources" / "sources.yaml"
    if there and not force and config in there and catalogue in there:
        out.report.error(
            "this folder is already a briefgen workspace, and init writes nothing over it; "
            "check it with  briefgen check  (briefgen init --force only adds the files of a "
            "new workspace that are missing, and keeps every file that is there)",
            Location(config),
        )
        return out
    refuse_existing(there, force, out.report, KEEP)
    for path in files:
        if not within(path.parent, directory):
            out.report.error(
                f"{path.parent.name}/ leads outside {display_path(directory)} (it is a link); "
                "make it a real folder",
                Location(path.parent),
            )
    if out.report.errors:
        return out
    schemas = set(schema_files(directory))
    kept = [path for path in there if path not in schemas]
    for path, text in files.items():
        if path in kept:
            continue
        try:
            write_file(path, text.encode("utf-8"), overwrite=path in schemas)
        except FileExistsError:  # made since it was looked for: left as it is
            out.report.error(f"{path.name} already exists; {KEEP}", Location(path))
    if out.report.errors:
        return out
    (directory / "briefs").mkdir(exist_ok=True)
    if (outer := _enclosing_input_folder(directory)) is not None:
        out.report.warning(
            f"{display_path(directory)} is inside the {outer.name}/ folder of another "
            f"workspace ({os.path.relpath(outer.parent)}{os.sep}), which reads none of it as "
            "a workspace (briefs in a folder below briefs/ are not read); if you meant a "
            "workspace of its own, make it in a folder outside that one"
        )
    where = display_path(directory)
    folder = f"{where}{os.sep if where != '.' else ''}"
    added = [path for path in files if path not in kept and path not in schemas]
    if not kept:
        out.say(f"created a briefgen workspace in {folder}")
    elif added:
        out.say(f"completed the briefgen workspace in {folder}: added {_names(added)}")
    else:  # --force on a whole workspace: only the editor schemas are made anew
        out.say(f"the briefgen workspace in {folder} had every file; its schemas were made anew")
    if kept:
        out.say(f"kept as they were: {_names(kept)}")
    into = "" if where == "." else f"cd {where} && "
    out.say("next steps:")
    out.say(f"  1. {into}briefgen sources add ~/Downloads/article.txt --publisher 'BBC News'")
    out.say("  2. briefgen new my-brief --title 'Ukraine: where things stand'")
    out.say(
        "  3. briefgen quote SOURCE-ID words from the article   "
        "(paste the cite: it prints into the brief, then briefgen check and briefgen build)"
    )
    return out


def _names(paths: list[Path]) -> str:
    return ", ".join(display_path(path) for path in paths)


def _enclosing_input_folder(directory: Path) -> Path | None:
    """The briefs/, sources/ or templates/ folder of another workspace that `directory` is
    inside, if any."""
    inner = directory.resolve()
    for folder in inner.parents:
        if (folder / "config.yaml").is_file() and (folder / "briefs").is_dir():
            for name in ("briefs", "sources", "templates"):
                if inner.is_relative_to(folder / name):
                    return folder / name
            return None
    return None
