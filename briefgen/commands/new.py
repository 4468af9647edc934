"""briefgen new: a brief with every section present, the optional ones explained in comments."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path

import yaml

from briefgen.commands import Outcome
from briefgen.commands.files import modeline, refuse_existing, schema_files, write_file
from briefgen.config import find_config, load_config
from briefgen.errors import Location, Report, UsageError, display_path
from briefgen.fields import ID_RE
from briefgen.validate import SUMMARY_PLACEHOLDER

_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
AGAIN = "choose another name, or rerun with --force to start it again"
BODY = """\
# A brief. Check it with  briefgen check {name}  and build it with  briefgen build {name}.
# Optional fields are commented out: remove the "# " to use one.
title: {title}
# subtitle: Brief for the London summit
meeting:                                   # the meeting the brief is for (or remove it)
  # name: Leaders' summit on Ukraine
{meeting_date}
  # place: Lancaster House, London
# audience: Prime Minister                 # who the brief is for
# marking: OFFICIAL                        # overrides config.yaml
as_of: {as_of}                          # the date the content is current to
# template: brief                          # brief (default), card, or a layout of your own
# group_by: topic                          # group positions by topic (default) or actor
# purpose: |                              # Markdown: why the meeting, what we want from it
#   Agree the next steps.
summary: |                                 # Markdown: the key messages, read first
  - {placeholder}
# objectives:                              # what we want from the meeting
#   - Secure support for the plan.
# lines_to_take:                           # what to say; a line may cite sources like an item
#   - The UK will play its full part.
#   - text: A deal needs a US backstop.
#     cite:
#       - source: bbc-paris-talks
#         quote: a US security guarantee was the only way to effectively deter Russia
# background: |                            # Markdown: what the reader needs to know
#   The US has paused military aid.
# handling: |                              # Markdown: sensitivities, who else is there
#   President Zelensky attends.
# asks: |                                  # Markdown: what they may ask, with suggested replies
#   - *Will the UK send troops?* We are ready to, with a US backstop.

positions:                                 # who holds what view
  # - id: starmer-us-backstop              # unique across the whole workspace
  #   actor: Keir Starmer
  #   role: UK Prime Minister
  #   topic: Security guarantees
  #   stance: A peace deal needs a US security backstop to deter Russia.
  #   as_of: 2025-02-17
  #   key: true                            # show it on the meeting card
  #   cite:                                # find the words with  briefgen quote SOURCE WORDS
  #     - source: bbc-paris-talks
  #       quote: a US security guarantee was the only way to effectively deter Russia

proposals:                                 # who proposed what, and where it stands
  # - id: coalition-of-the-willing
  #   title: European-led peacekeeping force
  #   proposed_by: [Keir Starmer, Emmanuel Macron]
  #   status: under discussion             # proposed | under discussion | agreed | rejected | withdrawn
  #   summary: A multinational force to keep the peace in Ukraine.
  #   cite:
  #     - source: daily-mail-aid-pause
  #       quote: a developing 'coalition of the willing'

figures:                                   # numbers with units
  # - id: uk-defence-spending
  #   label: UK defence spending
  #   value: "2.3"                         # as written in the source, in quotes
  #   unit: "% of GDP"                     # a scale or currency here must match the quote's
  #   # derived: two-fifths of 100,000     # for a calculated figure: the working, from quoted numbers
  #   cite:
  #     - source: bbc-paris-talks
  #       quote: The UK currently spends around 2.3% of its total economic output on defence
"""


def scalar(value: str) -> str:
    """A value as one YAML scalar, quoted when YAML would otherwise misread it."""
    text = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_style=None)
    return text.removesuffix("\n...\n").removesuffix("\n")


def check_date(value: str, option: str) -> str:
    """A date or month given on the command line, as written; a usage error otherwise."""
    match = _DATE.match(value.strip())
    try:
        if match:
            dt.date(int(match[1]), int(match[2]), int(match[3] or 1))
            return value.strip()
    except ValueError:
        pass
    raise UsageError.single(
        f'{option} "{value}" is not a date; write 2025-03-02, or a month: 2025-03'
    )


def new(
    config_path: str | Path | None,
    name: str,
    title: str | None,
    meeting_date: str | None,
    force: bool,
) -> Outcome:
    out = Outcome()
    stem = name.removesuffix(".yaml")
    if not ID_RE.match(stem):
        raise UsageError.single(
            f'brief name "{name}" may use only letters, digits, "-" and "_" '
            "(it names the file and the outputs); for example  briefgen new london-summit"
        )
    date = check_date(meeting_date, "--meeting-date") if meeting_date else None
    setup = Report()
    config = load_config(find_config(config_path), setup)
    out.report.problems.extend(p for p in setup.problems if p.is_error)
    path = config.briefs_dir / f"{stem}.yaml"
    refuse_existing(
        [path, path.with_suffix(".yml")],
        force,
        out.report,
        AGAIN,
    )
    if out.report.errors:
        return out
    text = BODY.format(
        name=stem,
        title=scalar(
            " ".join((title or stem.replace("-", " ").replace("_", " ").capitalize()).split())
        ),
        meeting_date=f"  date: {date}" if date else "  # date: 2025-03-02",
        as_of=dt.date.today().isoformat(),
        placeholder=SUMMARY_PLACEHOLDER,
    )
    try:
        write_file(path, (modeline(path, config.root, "brief") + text).encode("utf-8"), force)
    except FileExistsError:  # made since it was looked for
        out.report.error(f"{path.name} already exists; {AGAIN}", Location(path))
        return out
    out.say(f"wrote {display_path(path)}")
    for schema_path, schema in schema_files(config.root).items():
        if not schema_path.exists():
            with contextlib.suppress(FileExistsError):  # (then another command wrote it)
                write_file(schema_path, schema.encode("utf-8"), overwrite=False)
                out.say(f"wrote {display_path(schema_path)} (for editors)")
    out.say(f"next: add positions, proposals and figures, then  briefgen check {stem}")
    return out
