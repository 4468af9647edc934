"""Output formats: one registry of writers, each turning a rendered view into file bytes.

The command line's --format choices, config.yaml's formats: and the schema all read
NAMES; `build` asks a writer for each output. A writer's library is imported only when
that format is asked for (a Markdown-only build never loads the PDF engine).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.epoch import source_date_epoch
from briefgen.errors import Location, Problem

if TYPE_CHECKING:
    from briefgen.assets import Assets
    from briefgen.models import Source
    from briefgen.origins import Origins
    from briefgen.render import View

CONTENTS_AFTER = 4  # a PDF longer than this many pages gets a contents list on paper


@dataclass(frozen=True)
class Job:
    """One output to make: the view of a brief in one layout, and where assets come from."""

    view: View
    assets_of: Callable[[], Assets]  # made when a writer first needs it (never for Markdown)
    base: Path
    name: str  # the output file's name
    sources: dict[str, Source] = field(default_factory=dict)
    # how the HTML page's template is run (render.render_located, or that in a child)
    located: Callable[[View, str], tuple[str, Origins]] | None = None

    @property
    def assets(self) -> Assets:
        return self.assets_of()


@dataclass(frozen=True)
class Output:
    data: bytes
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Writer:
    name: str
    description: str
    write: Callable[[Job], Output]
    module: str | None = None  # the library the writer needs, if not always installed

    def available(self) -> bool:
        return self.module is None or importlib.util.find_spec(self.module) is not None


def _markdown(job: Job) -> Output:
    from briefgen import render

    return Output(render.render(job.view, "md").encode("utf-8"))


def _html(job: Job) -> Output:
    from briefgen import render

    view = replace(job.view, contents=True)  # on screen the contents list is always there
    text, origins = (job.located or render.render_located)(view, "html")
    return Output(job.assets.inline(text, job.base, origins).encode("utf-8"))


def _pdf(job: Job) -> Output:
    """The PDF, with a contents list when it runs past CONTENTS_AFTER pages without one.

    It is laid out with the list first (page numbers by target-counter in the CSS): a long
    brief is then laid out once. Only a brief near the limit or under it, cheap to lay out,
    is laid out again without the list, and keeps the shorter layout if it fits the limit.
    """
    from briefgen import pdf, render

    text, origins = render.render_located(replace(job.view, contents=True), "pdf")
    document = pdf.lay_out(text, job.base, job.assets, origins)
    if len(document.pages) <= CONTENTS_AFTER + 1:  # the list itself may be the extra page
        plain, plain_origins = render.render_located(job.view, "pdf")
        if plain != text:  # a layout without a contents list needs no second layout
            shorter = pdf.lay_out(plain, job.base, job.assets, plain_origins)
            if len(shorter.pages) <= CONTENTS_AFTER:
                document = shorter
    (data, missing), pages = pdf.write_pdf(document, job.assets), len(document.pages)
    problems = [_boxes(missing, job)] if missing else []
    if job.view.layout == "card" and pages > 1:
        brief = job.view.brief
        problems.append(
            Problem(
                "warning",
                f"the meeting card {job.name} runs to {pages} pages, not one; mark fewer "
                "items key: true or shorten the summary",
                brief.template_loc or Location(brief.path),
            )
        )
    return Output(data, problems)


def _boxes(missing: list[str], job: Job) -> Problem:
    """A warning that the PDF shows characters as empty boxes, at the first of them in the
    brief file (or in a source it cites, whose passages the PDF shows)."""
    brief = job.view.brief
    shown = ", ".join(f'"{c}"' for c in missing[:5]) + (", ..." if len(missing) > 5 else "")
    where = Location(brief.path)
    for path in (brief.path, *(s.path for s in job.sources.values())):
        found = _first_of(missing, path)
        if found is not None:
            where = found
            break
    many = len(missing) > 1
    return Problem(
        "warning",
        f"the PDF {job.name} shows {len(missing)} character{'s' if many else ''} as empty "
        f"boxes, no installed font having {'them' if many else 'it'} ({shown}); install a "
        f"font that has {'them' if many else 'it'} (for Chinese, Japanese or Korean: "
        "fonts-noto-cjk) and build again",
        where,
    )


def _first_of(chars: list[str], path: Path) -> Location | None:
    """Where the first of `chars` stands in a text file, if it is one that holds any."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    from briefgen.text import line_col, line_starts

    at = min((i for c in chars if (i := text.find(c)) >= 0), default=-1)
    return Location(path, *line_col(line_starts(text), at)) if at >= 0 else None


def _manifest(job: Job) -> Output:
    from briefgen import manifest

    data = manifest.manifest(job.view.brief, job.sources, job.view.layout)
    return Output(manifest.dumps(data).encode("utf-8"))


def _docx(job: Job) -> Output:
    """Word, converted by pandoc from the Markdown: real footnotes, heading styles, tables."""
    import os
    import tempfile

    from briefgen import render

    text = render.render(job.view, "md")
    brief = job.view.brief
    meta = [f"--metadata=title:{brief.title}", "--metadata=lang:en-GB"]
    if job.view.config.organisation:
        meta.append(f"--metadata=author:{job.view.config.organisation}")
    before = os.environ.get("SOURCE_DATE_EPOCH")
    if job.view.created and source_date_epoch() is None:  # pandoc dates the zip by it
        import datetime as dt

        stamp = dt.datetime.strptime(job.view.created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp.timestamp()))
    try:
        with tempfile.TemporaryDirectory() as folder:
            target = os.path.join(folder, "out.docx")
            _pandoc([*PANDOC_ARGS, f"--output={target}", *meta], text)
            with open(target, "rb") as f:
                data = f.read()
    finally:  # the process's environment is left as it was
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
    from briefgen.wordmark import add_marking

    return Output(add_marking(data, job.view.marking))


# Markdown in, Word out. The sandbox: pandoc reads and fetches nothing but its input (no
# image from a file or the network, whatever a template writes); no YAML metadata block
# (its escapes could hide an image from the Markdown check) and no bare URI made a link
# (only the links the Markdown check admitted are links).
PANDOC_ARGS = (
    "--from=gfm+footnotes-yaml_metadata_block-autolink_bare_uris",
    "--to=docx",
    "--sandbox",
)


def _pandoc(args: list[str], text: str) -> None:
    """Run pandoc on `text`; it dies with this process (a render stopped for taking too
    long leaves no pandoc behind)."""
    import subprocess

    import pypandoc  # type: ignore[import-untyped]

    from briefgen.bounded import death_with_parent

    done = subprocess.run(
        [pypandoc.get_pandoc_path(), *args],
        input=text.encode("utf-8"),
        capture_output=True,
        preexec_fn=death_with_parent(),  # loaded before the fork: it only makes one call
        check=False,
    )
    if done.returncode != 0:
        problem = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"pandoc could not make the Word file: {problem}")


WRITERS: dict[str, Writer] = {
    w.name: w
    for w in (
        Writer("pdf", "A4 PDF, printed from the HTML", _pdf, "weasyprint"),
        Writer("md", "GitHub-flavoured Markdown with footnotes", _markdown),
        Writer("html", "one self-contained HTML file", _html),
        Writer(
            "json", "the provenance manifest: every item and citation, with file hashes", _manifest
        ),
        Writer("docx", "a Word copy with real footnotes", _docx, "pypandoc"),
    )
}
NAMES = tuple(WRITERS)
