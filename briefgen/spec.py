"""The fields of every YAML file, declared once: the validator's allowed fields and the JSON Schemas
that editors use are both read from these tables."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.formats import NAMES
from briefgen.models import STATUSES

# Kinds: text, markdown, date, flag, id, choice, text_list, integer, number,
# object (fields), list (a list of objects), text_or_object (meeting), one_or_list (cite).


@dataclass(frozen=True)
class Field:
    """One field: its name, kind, whether it is required, and what it means."""

    name: str
    kind: str
    description: str
    required: bool = False
    example: str = ""
    choices: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None  # a regular expression the whole text must match


def names(fields: tuple[Field, ...]) -> tuple[str, ...]:
    """The allowed field names, in the order the README lists them."""
    return tuple(f.name for f in fields)


def field(fields: tuple[Field, ...], name: str) -> Field:
    """The field called `name` in a table."""
    return next(f for f in fields if f.name == name)


URL_PATTERN = r"^https?://[^\s<>\"'`]+$"
_AS_OF = Field(
    "as_of",
    "date",
    "The date the item is current to: 2025-03-02, or a month: 2025-03.",
    example="2025-03-02",
)
_KEY = Field("key", "flag", "true to show the item on the one-page meeting card.", example="true")
CITE = (
    Field("source", "id", "The id of a source in sources/sources.yaml.", True, "bbc-paris-talks"),
    Field(
        "quote",
        "text",
        "Words copied from the source file, in order and without gaps "
        "(quotes, dashes, spaces and case are matched loosely). Find them with: briefgen quote SOURCE WORDS",
        True,
        "a US security guarantee was the only way to effectively deter Russia",
    ),
)
_CITE = Field(
    "cite",
    "one_or_list",
    "The words the item rests on: a list of citations, each with source: and quote:.",
    fields=CITE,
)
POSITION = (
    Field(
        "id",
        "id",
        "Unique across the whole workspace: letters, digits, - and _.",
        True,
        "starmer-us-backstop",
    ),
    Field("actor", "text", "Who holds the view.", True, "Keir Starmer"),
    Field("role", "text", "The actor's role.", example="UK Prime Minister"),
    Field("topic", "text", "Positions are grouped by topic.", example="Security guarantees"),
    Field(
        "stance",
        "text",
        "The view, in one line.",
        True,
        "A peace deal needs a US security backstop.",
    ),
    Field("detail", "markdown", "More detail, in Markdown."),
    _AS_OF,
    _KEY,
    _CITE,
)
PROPOSAL = (
    Field(
        "id",
        "id",
        "Unique across the whole workspace: letters, digits, - and _.",
        True,
        "coalition-of-the-willing",
    ),
    Field(
        "title", "text", "What is proposed, as a title.", True, "European-led peacekeeping force"
    ),
    Field(
        "proposed_by",
        "text_list",
        "Who proposed it: a list, or one name.",
        example="[Keir Starmer, Emmanuel Macron]",
    ),
    Field("status", "choice", "Where it stands.", True, "under discussion", choices=STATUSES),
    Field("summary", "text", "The proposal in a sentence or two."),
    Field("detail", "markdown", "More detail, in Markdown."),
    _AS_OF,
    _KEY,
    _CITE,
)
FIGURE = (
    Field(
        "id",
        "id",
        "Unique across the whole workspace: letters, digits, - and _.",
        True,
        "uk-defence-spending",
    ),
    Field("label", "text", "What the number measures.", True, "UK defence spending"),
    Field(
        "value",
        "text",
        'The number as written in the source ("100,000", "two to three"); quote it: "2.3".',
        True,
        '"2.3"',
    ),
    Field("unit", "text", "The unit of the value.", example='"% of GDP"'),
    _AS_OF,
    Field("note", "text", "A note printed with the figure."),
    Field(
        "derived",
        "text",
        "How the value was worked out when the source does not state it outright.",
    ),
    _KEY,
    _CITE,
)
LINE = (
    Field("text", "markdown", "The line, in Markdown.", True, "The UK will play its full part."),
    _CITE,
)
MEETING = (
    Field("name", "text", "The meeting's name.", example="Leaders' summit on Ukraine"),
    Field(
        "date", "date", "The meeting's date: 2025-03-02, or a month: 2025-03.", example="2025-03-02"
    ),
    Field("place", "text", "Where it is held.", example="Lancaster House, London"),
)
BRIEF = (
    Field("title", "text", "The brief's title.", True, "Ukraine and European security"),
    Field("subtitle", "text", "A line under the title.", example="Brief for the London summit"),
    Field(
        "meeting",
        "text_or_object",
        "The meeting the brief is for: name:, date: and place:.",
        fields=MEETING,
    ),
    Field("audience", "text", "Who the brief is for.", example="Prime Minister"),
    Field("marking", "text", "Protective marking; overrides config.yaml.", example="OFFICIAL"),
    Field(
        "as_of",
        "date",
        "The date the content is current to: 2025-03-02, or a month: 2025-03.",
        example="2025-03-02",
    ),
    Field(
        "purpose", "markdown", "Why the meeting, and what we want from it (Markdown).", example=""
    ),
    Field("summary", "markdown", "The key messages, read first (Markdown)."),
    Field("objectives", "text_list", "What we want from the meeting: a list (Markdown)."),
    Field(
        "lines_to_take",
        "text_or_object_list",
        "What to say: a list of lines (Markdown), each a text or text: with cite: like an item.",
        fields=LINE,
    ),
    Field("background", "markdown", "What the reader needs to know (Markdown)."),
    Field("handling", "markdown", "Sensitivities, and who else is there (Markdown)."),
    Field("asks", "markdown", "What the other side may ask, with suggested replies (Markdown)."),
    Field(
        "template",
        "text",
        "The layout: brief (default), card, or a layout of your own in templates/.",
        example="brief",
    ),
    Field(
        "group_by",
        "choice",
        "Group positions by topic (default) or actor.",
        example="topic",
        choices=("topic", "actor"),
    ),
    Field(
        "since",
        "text",
        "Mark what changed since this version: a git revision (HEAD~1, a tag, @{2025-03-01}), "
        "a brief file or a manifest; as build --since.",
        example="HEAD~1",
    ),
    Field("positions", "list", "Who holds what view.", fields=POSITION),
    Field("proposals", "list", "Who proposed what, and where it stands.", fields=PROPOSAL),
    Field("figures", "list", "Numbers with units.", fields=FIGURE),
)
SOURCE = (
    Field("id", "id", "The name citations use: letters, digits, - and _.", True, "bbc-paris-talks"),
    Field(
        "file",
        "text",
        'The file\'s path inside sources/; no absolute paths, "..", URLs or links out.',
        True,
        "001_article.txt",
    ),
    Field("publisher", "text", "Who published the document.", True, "BBC News"),
    Field(
        "title",
        "text",
        "The document's headline, or a descriptive title if it has none.",
        True,
        "Starmer says peace deal needs US backstop",
    ),
    Field(
        "published",
        "date",
        "When it was published: 2025-02-17, or a month: 2025-02.",
        example="2025-02-17",
    ),
    Field(
        "label",
        "text",
        "A short name for notes, e.g. BBC, 17 Feb. Default: the publisher and a short date.",
        example="BBC, 17 Feb",
    ),
    Field(
        "url",
        "text",
        "Where it was found: https://...",
        example="https://www.bbc.co.uk/news/...",
        pattern=URL_PATTERN,
    ),
)
LIMITS = (
    Field(
        "max_yaml_bytes",
        "integer",
        "Largest YAML file read (bytes). Default 5000000.",
        minimum=1,
        maximum=100_000_000,
    ),
    Field(
        "max_source_bytes",
        "integer",
        "Largest source file read (bytes). Default 20000000.",
        minimum=1,
        maximum=2_000_000_000,
    ),
    Field(
        "render_timeout",
        "number",
        "Seconds one brief may take to render (all its formats). Default 120.",
        minimum=1,
        maximum=3600,
    ),
    Field(
        "render_memory_mb",
        "integer",
        "Memory one brief's rendering may use (MB). Default 2048.",
        minimum=256,
        maximum=65536,
    ),
)
FORMATS = NAMES  # the output formats' registry
LAYOUTS = ("brief", "card")
SCHEMA_KINDS = ("brief", "sources", "config", "manifest")  # what `briefgen schema` prints
_FOLDER = "A folder inside the workspace."
CONFIG = (
    Field("title", "text", "A name for this set of briefs."),
    Field("organisation", "text", 'Printed on the brief as its author ("From").'),
    Field("organization", "text", "Another spelling of organisation."),
    Field(
        "marking",
        "text",
        "Protective marking printed at the top and bottom of every page. Default OFFICIAL.",
    ),
    Field(
        "formats",
        "text_list",
        "What build writes without --format: any of pdf, md, html, json, docx. Default [pdf, md].",
        choices=FORMATS,
    ),
    Field(
        "layouts",
        "text_list",
        "The layouts build writes for each brief: brief, card, or your own. Default [brief].",
    ),
    Field("strict", "flag", "true to treat warnings as failures, as --strict does."),
    Field("sources_dir", "text", f"{_FOLDER} Default sources."),
    Field("briefs_dir", "text", f"{_FOLDER} Default briefs."),
    Field("templates_dir", "text", f"{_FOLDER} Default templates."),
    Field("output_dir", "text", "Where build writes. Default build."),
    Field(
        "stale_after_days",
        "integer",
        "Items whose as_of is more than this many days before the meeting are flagged.",
        minimum=0,
    ),
    Field("limits", "object", "Limits on what is read and rendered.", fields=LIMITS),
)
