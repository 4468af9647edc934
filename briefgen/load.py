"""YAML -> located nodes: every value keeps the file, line and column it came from.

The tree is built from the parser's event stream rather than PyYAML's composer, so
that aliases, explicit tags, duplicate keys, several documents and deep nesting are
caught at their exact place, and nothing is ever constructed from a tag.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import stat
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import Location, Report, quoted
from briefgen.paths import hard_link_problem, links_of, open_once, opened_within, read_checked
from briefgen.text import CONTROL, char_name, hidden, line_col, line_starts, newlines

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 50
MAX_SCALAR_CHARS = 100_000
# "[" and "<" a value may hold: Markdown's reading of links and tags takes time that grows
# with the square of their number (20,000 took 40 s); no brief's text has hundreds
MAX_MARKUP = 500
DEFAULT_MAX_YAML_BYTES = 5_000_000

_STD = "tag:yaml.org,2002:"
_ALLOWED_SCALAR_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_RESOLVER = yaml.resolver.Resolver()
_SURROGATE = re.compile("[\ud800-\udfff]")
_STR = f"{_STD}str"
# What text.newlines and text.hidden look for: scalars without any skip both.
_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]|&#")
# What sends a scalar down the full path: a _SUSPECT character or an unpaired surrogate
# (each of them is one str.isprintable refuses, which is far quicker to ask first).
_ODD = re.compile(f"{_SURROGATE.pattern}|{_SUSPECT.pattern}")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_MERGE_CITE_HINT = (  # two pasted `briefgen quote` entries: keeping only one drops a citation
    "to cite both, move this cite:'s  - source: ...  entries under the first cite: and "
    "delete this cite: line"
)
_NEW_ITEM_HINT = (
    'if this starts another citation, begin it with "- " as a new list item:  '
    "- source: ... then  quote: ... under it"
)


@dataclass
class Scalar:
    """A scalar with its resolved value and the text as written."""

    value: Any
    text: str
    plain: bool
    loc: Location
    cut: bool = False  # a plain value a " #" on its line ended (see _Builder.comments)


@dataclass
class Seq:
    items: list[Node]
    loc: Location


@dataclass
class Entry:
    key_loc: Location
    node: Node


@dataclass
class Map:
    entries: dict[str, Entry] = field(default_factory=dict)
    loc: Location = field(default_factory=lambda: Location(Path("?")))


Node = Scalar | Seq | Map


def describe(node: Node) -> str:
    """What a node is, in words a YAML author understands."""
    if isinstance(node, Map):
        return "a mapping (key: value lines)"
    if isinstance(node, Seq):
        return "a list (- items)"
    if node.value is None:
        return "an empty value"
    if isinstance(node.value, str):
        return quoted(node.text)
    if isinstance(node.value, bool):
        return f"{node.text} (which YAML reads as {str(node.value).lower()})"
    if isinstance(node.value, int | float):
        return f"the number {node.text}"
    return node.text


def _loc(path: Path, mark: Any, lines: list[int] | None = None) -> Location:
    """Where a parser's mark is, as an editor counts lines; `lines`, the offsets at which
    lines begin, is given for a text holding a character YAML takes for a line break and
    editors do not (U+2028, U+2029, U+0085)."""
    if lines is None:
        return Location(path, mark.line + 1, mark.column + 1)
    return Location(path, *line_col(lines, mark.index))


_YAML_ONLY_BREAKS = ("\u2028", "\u2029", "\x85")


def _editor_lines(text: str) -> list[int] | None:
    """Where the text's lines begin as an editor counts them, if YAML counts otherwise."""
    return line_starts(text) if any(c in text for c in _YAML_ONLY_BREAKS) else None


def read_text(path: Path, report: Report, where: Location, max_bytes: int, what: str) -> str | None:
    """Read a UTF-8 text file, reporting at `where` anything that stops it being read."""
    data = read_bytes(path, report, where, max_bytes, what)
    return None if data is None else text_of(data, path, report, where, what)


def read_bytes(
    path: Path,
    report: Report,
    where: Location,
    max_bytes: int,
    what: str,
    name: str | None = None,
    inside: Path | None = None,
    workspace: Path | None = None,
) -> bytes | None:
    """A file's bytes, after the checks every input passes (there, a regular file of its own,
    within the size limit, and inside the folder `inside` and the folder `workspace` if
    given: `inside` itself may have been made a link out since it was checked); what stops
    it being read is reported at `where`, naming the file as `name` if given (as the
    catalogue writes it, sub/file.txt), else by its own name.

    The file is opened once (a link followed: a link inside the folder is allowed) and
    checked and read through that descriptor, so the bytes are those of the file checked
    even if something else (a link out, a FIFO, a larger file) takes its name meanwhile."""
    try:
        fd = open_once(path, follow_links=True)
    except FileNotFoundError:
        shown = quoted(name or path.name)
        report.error(f"{what} {shown} does not exist{_folder_hint(path, name)}", where)
        return None
    except OSError as exc:
        report.error(_not_opened(path, exc, max_bytes, what), where)
        return None
    try:
        st = os.fstat(fd)
        problem = _refusal(path, st, max_bytes, what)
        if problem is None and inside is not None and not opened_within(fd, st, path, inside):
            problem = (
                f"{what} {quoted(name or path.name)} leads outside the {inside.name}/ folder "
                "(through a link); copy the file in instead"
            )
        if problem is None and workspace is not None and not opened_within(fd, st, path, workspace):
            problem = (
                f"{what} {quoted(name or path.name)} leads outside the workspace (a folder "
                "holding it is a link); make the folder a real one inside the workspace"
            )
        if problem is None:
            data = read_checked(fd, st.st_size, max_bytes)
            if len(data) <= max_bytes:
                return data
            size = max(len(data), os.fstat(fd).st_size)  # it grew past the limit meanwhile
            problem = _too_large(path, size, max_bytes, what)
        report.error(problem, where)
        return None
    except OSError as exc:
        report.error(f"cannot read {what} {quoted(path.name)}: {exc.strerror}", where)
        return None
    finally:
        os.close(fd)


def _refusal(path: Path, st: os.stat_result, max_bytes: int, what: str) -> str | None:
    """Why the file `st` describes (named `path`) is not read, if it is not."""
    if not stat.S_ISREG(st.st_mode):
        return f"{what} {quoted(path.name)} is not a regular file; name a text file"
    if links_of(st):  # another name for the same file may be outside the workspace
        return f"{what} {quoted(path.name)} {hard_link_problem(path, st.st_nlink)}"
    if st.st_size > max_bytes:
        return _too_large(path, st.st_size, max_bytes, what)
    return None


def _too_large(path: Path, size: int, max_bytes: int, what: str) -> str:
    return (
        f"{what} {quoted(path.name)} is {size:,} bytes, over the limit of {max_bytes:,}; "
        "split it or raise the limit in config.yaml"
    )


def _not_opened(path: Path, exc: OSError, max_bytes: int, what: str) -> str:
    """Why a file that cannot be opened is not read: what the checks say of it by name, if
    they refuse it (a socket is not a regular file), else the error opening it. Nothing is
    read by name."""
    try:
        problem = _refusal(path, path.stat(), max_bytes, what)
    except OSError:
        problem = None
    return problem or f"cannot read {what} {quoted(path.name)}: {exc.strerror}"


def text_of(data: bytes, path: Path, report: Report, where: Location, what: str) -> str | None:
    """The bytes of `path` as UTF-8 text; why not is reported (at its place if `where` is it)."""
    text, problem, line, col = decode_text(data)
    if problem:
        if where.path == path:
            report.error(problem, Location(path, line, col))
        else:
            report.error(
                f"{what} {quoted(path.name)}: {problem} (line {line}, column {col})", where
            )
    return text


def _folder_hint(path: Path, name: str | None = None) -> str:
    """A file of the folder with a name like the missing one's, or what to do."""
    if not path.parent.is_dir():
        written = Path(name).parent if name else Path(".")
        folder = written.as_posix() if written != Path(".") else path.parent.name
        return f"; there is no folder {folder}/ either: copy the document in or fix the name"
    try:
        names = sorted(
            p.name for p in path.parent.iterdir() if p.is_file() and not p.name.startswith(".")
        )
    except OSError:
        return ""
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.6)
    if close:
        return f' (did you mean "{close[0]}"?)'
    return f"; copy the document into {path.parent.name}/ or fix the name"


def decode_text(data: bytes) -> tuple[str | None, str | None, int, int]:
    """(text, None, 0, 0), or (None, problem, line, column) for text that is not UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        return None, "file is UTF-16 encoded; save it as UTF-8", 1, 1
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        problem = (
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); it looks like "
            f"{_guess_encoding(data)}: save it as UTF-8"
        )
        return None, problem, before.count(b"\n") + 1, col
    nul = text.find("\x00")
    if nul >= 0:
        line, col = line_col(line_starts(text), nul)
        return None, "file contains a NUL byte; it is not a text file", line, col
    return text, None, 0, 0


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: ASCII characters leave a NUL byte in every other place
    (only there), and the bytes read as UTF-16 give text."""
    sample = data[: 4096 - len(data[:4096]) % 2]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    for encoding, nuls, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls.count(0) < 0.2 * len(nuls) or other.count(0) > 0.02 * len(other):
            continue
        text = sample.decode(encoding, errors="replace")
        readable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
        if readable >= 0.9 * len(text):
            return True
    return False


def _guess_encoding(data: bytes) -> str:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "a binary file or an unknown encoding"
    return "Windows-1252 or Latin-1"


def load_yaml_file(
    path: Path, report: Report, max_bytes: int = DEFAULT_MAX_YAML_BYTES
) -> Node | None:
    """Read and parse one YAML file; problems go to `report` and give None."""
    text = read_text(path, report, Location(path), max_bytes, "YAML file")
    if text is None:
        return None
    return parse_yaml(text, path, report)


def parse_yaml(text: str, path: Path, report: Report) -> Node | None:
    """Parse one YAML document into located nodes, or report why not."""
    if text.startswith("\ufeff"):
        report.warning(
            "file starts with a byte-order mark; it is ignored (to be rid of this warning, "
            "save the file as UTF-8 without one: in Notepad, Save As with Encoding UTF-8)",
            Location(path),
        )
        text = text[1:]
    builder = _Builder(path, report, _editor_lines(text), text)
    loader = _Loader(text)
    try:
        if not builder.run(loader):
            return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if exc.context_mark is not None and (
            "end of stream" in (exc.problem or "")
            or exc.context == "while scanning a simple key"
            or _left_open(text, exc)
        ):
            # point at what was left open (a quote, a "[" or "{" not closed), or at the key
            # with no colon, not at the line after
            mark = exc.context_mark
        mark = _dash_without_space(text, mark, exc.problem or "")
        message, mark = _syntax_message(exc, text, mark)
        if opened := _quote_left_open(text, mark, exc.problem or ""):
            mark, message = opened
        if message == _TAB_MESSAGE and (tabs := _tab_indented(text)):
            for line, advice in tabs:  # every one of them, not one a run
                report.error(f"{_TAB_MESSAGE}: {advice}", Location(path, line, 1))
            return None
        where = _loc(path, mark, builder.lines) if mark else Location(path)
        report.error(message, where)
        return None
    except yaml.reader.ReaderError as exc:
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        at = max(text.find(char), 0)  # the C reader counts bytes, not characters
        report.error(
            f"file contains the character {char_name(char)}, which YAML does not allow; remove it",
            Location(path, *line_col(line_starts(text), at)),
        )
        return None
    except yaml.YAMLError as exc:
        report.error(f"YAML cannot be read: {exc}", Location(path))
        return None
    finally:
        loader.dispose()
    if builder.root is None:
        report.error(
            "file is empty; write the YAML content described in the README", Location(path)
        )
    return builder.root


class _Mark:
    """A place in the text as PyYAML's marks give one: 0-based line and column, and the
    character offset."""

    def __init__(self, line: int, column: int, index: int) -> None:
        self.line, self.column, self.index = line, column, index


_DASH_NO_SPACE = re.compile(r"( *)-[A-Za-z_][\w-]*:(?:\s|$)")  # "-id: a", not "-2.1%"


def _dash_without_space(text: str, mark: Any, problem: str) -> Any:
    """The start of a list entry written "-id:" (no space after the dash) on the line above
    a "mapping values are not allowed" error, which is where the mistake is; else `mark`."""
    if mark is None or "mapping values are not allowed" not in problem:
        return mark
    lines = text.split("\n")
    for row in range(min(mark.line, len(lines) - 1), max(mark.line - 3, -1), -1):
        dash = _DASH_NO_SPACE.match(lines[row])
        if dash:
            index = sum(len(line) + 1 for line in lines[:row]) + len(dash[1])
            return _Mark(row, len(dash[1]), index)
    return mark


# a line of the file that starts with a key: a quoted value holding one took it in
_SWALLOWED_KEY = re.compile(r"\n[ \t]*(?:- +)?[A-Za-z_][\w-]*:(?:[ \t]|$)", re.MULTILINE)


def _quote_left_open(text: str, mark: Any, problem: str) -> tuple[Any, str] | None:
    """A quoted value left open on its line, read on over the keys below it to the next
    quotation mark, with the error at what follows that mark: its place and what to write."""
    if mark is None or not ("expected key" in problem or "expected <block end>" in problem):
        return None
    last = None
    with contextlib.suppress(yaml.YAMLError):
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.index >= mark.index:
                break
            last = token
    if not (
        isinstance(last, yaml.ScalarToken)
        and last.style in ("'", '"')
        and last.end_mark.line > last.start_mark.line
        and _SWALLOWED_KEY.search(text, last.start_mark.index, last.end_mark.index)
    ):
        return None
    start, quote = last.start_mark, last.style
    starts = line_starts(text)  # lines as an editor counts them (see _loc)
    opened, closed = (line_col(starts, m.index)[0] for m in (start, last.end_mark))
    return start, (
        f"YAML syntax error: the quotation mark ({quote}) that starts this value is not closed "
        f"on its line, so YAML reads on to the next {quote} (line {closed}) and takes "
        f"the keys between as part of the value: end the value with {quote} on line {opened}"
    )


_TOO_DEEP = f"YAML is nested more than {MAX_DEPTH} levels deep; flatten the structure"


def _too_deep_at(text: str, mark: Any) -> Any:
    """Where the text's nesting first goes deeper than MAX_DEPTH, as the builder finds it,
    when libyaml's own limit (1,000 levels, met while it reads ahead) came first: the
    text before libyaml's mark is read again, and holds that place."""
    depth = 0
    loader = _Loader(text[: mark.index])
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.StreamEndEvent):
                break
    except yaml.YAMLError:
        pass
    return mark


def _syntax_message(exc: yaml.MarkedYAMLError, text: str, mark: Any) -> tuple[str, Any]:
    """The message for a syntax error at `mark`, and the place to name: `mark`, or the
    start of the line's text when the message tells how to indent it."""
    problem = exc.problem or "invalid YAML"
    if "maximum nesting depth" in problem:  # libyaml's own guard, hit before ours in flow style
        return _TOO_DEEP, _too_deep_at(text, mark)
    starts = line_starts(text)  # the lines as an editor shows them (see _loc)
    lines = [
        text[a:b].rstrip("\r\n") for a, b in zip(starts, [*starts[1:], len(text)], strict=True)
    ]
    row = line_col(starts, mark.index)[0] - 1 if mark else len(lines)
    at = lines[row] if row < len(lines) else ""  # the line the mark is on
    if "\t" in problem or "\t" in at[: mark.column + 1 if mark else 0]:
        return _TAB_MESSAGE, mark
    context = f" {exc.context}" if exc.context else ""
    about_line: list[str] = []  # advice on how to indent the line, if the hint is that

    def advise(advice: Callable[[list[str], int], str]) -> Callable[[], str]:
        def hint() -> str:
            about_line.append(found := advice(lines, row))
            return found

        return hint

    hint = _hint(problem, at, exc.context or "", advise(_indent_advice), advise(_block_advice))
    message = f"YAML syntax error: {problem}{context}{hint}"
    if hint and hint in about_line:  # named where the line's text starts: what to move
        lead = len(lines[row]) - len(lines[row].lstrip(" "))
        mark = _Mark(mark.line, lead, starts[row] + lead)
    return message, mark


_KEYED = re.compile(r"( *)(- +)?([A-Za-z_][\w-]*):(?:[ \t]|$)")


def _indent_advice(lines: list[str], at: int) -> str:
    """How to indent the key line `lines[at]`, if it is a space or two off the nearest key
    line above of its kind (a list entry's "- " lines up with the dash of the entries
    above; a field with the fields above); "" when no such line is close."""
    if at >= len(lines) or not (here := _KEYED.match(lines[at])):
        return ""
    lead, dash = len(here[1]), here[2] is not None
    # the nearest key line above a space or two off; for a list entry, the nearest entry
    # that starts with the same key, if there is one before a line in line with it
    found: tuple[int, str, int] | None = None
    for row in range(at - 1, max(at - 200, -1), -1):
        above = _KEYED.match(lines[row])
        if above is None:
            continue
        if not dash and above[2] and len(above[1]) == lead:  # at the dash of the entries
            return (
                f'; this line starts where the list entries above do ("- {above[3]}" on line '
                f'{row + 1}): if it starts another entry, write "- " before "{here[3]}"; if it '
                f"belongs to the entry above, indent it {lead + len(above[2])} spaces"
            )
        if dash and above[2] is None:
            continue
        column = len(above[1]) + (0 if dash else len(above[2] or ""))
        if column == lead:  # in line with a key line above: not this one that is off
            return ""
        if column < lead - 2:  # a level above: nothing nearer
            break
        if column <= lead + 2:
            found = found or (column, above[3], row)
            if not dash or above[3] == here[3]:  # a field, or an entry of the same kind
                found = (column, above[3], row)
                break
    if found is None:
        return ""
    column, key, row = found
    what = f'the "- {key}"' if dash else f'"{key}"'
    return (
        f"; this line is indented {lead} space{'s' if lead != 1 else ''}: indent it "
        f"{column}, to line up with {what} on line {row + 1}"
    )


_KEY_LINE = re.compile(r" +(?:- +)?[A-Za-z_][\w-]*:(?: .*)?\s*")
_TAB_MESSAGE = "tab character in indentation; YAML needs spaces"
_INDENTED = re.compile(r"(?P<lead>[ \t]*)(?P<dash>- +)?(?P<key>[A-Za-z_][\w-]*:)?(?P<rest>.*)")


def _tab_indented(text: str) -> list[tuple[int, str]]:
    """Each line indented with a tab (1-based), and how many spaces to write instead: as
    many as line it up with the key above it, or two more under a key that opens a block."""
    found: list[tuple[int, str]] = []
    above: tuple[int, int, str, bool] | None = None  # line, content column, key, opens a block
    for n, line in enumerate(text.split("\n"), 1):
        parts = _INDENTED.match(line.rstrip("\r"))
        if parts is None or not (parts["dash"] or parts["key"] or parts["rest"].strip()):
            continue  # a blank line
        if parts["rest"].lstrip().startswith("#") and not (parts["dash"] or parts["key"]):
            continue  # a comment
        key = parts["key"] or ""
        if "\t" in parts["lead"]:
            if above is None:
                spaces, why = 0, "this line starts the file's content"
            else:
                at, column, over, opens = above
                spaces = column + 2 if opens else column
                placed = (
                    f'sits two spaces in under "{over}"' if opens else f'lines up with "{over}"'
                )
                why = f'so that "{key or parts["rest"].strip()[:20]}" {placed} on line {at}'
            found.append((n, f"replace it with {spaces} space{'s' if spaces != 1 else ''}, {why}"))
            lead = spaces
        else:
            lead = len(parts["lead"])
        column = lead + len(parts["dash"] or "")
        if key:
            opens = not parts["rest"].strip() or parts["rest"].strip().startswith("#")
            above = (n, column, key, opens)
    return found


_NO_COLON = re.compile(
    r"(?P<lead> *(?:- +)?)(?P<key>[A-Za-z_][\w-]*)(?:(?P<glued>:)(?=\S)| +|$)(?P<rest>.*)"
)
_FLOW = {"while parsing a flow sequence": "]", "while parsing a flow mapping": "}"}


def _left_open(text: str, exc: yaml.MarkedYAMLError) -> bool:
    """Whether a "[" or "{" is not closed before the end of a later line with the error:
    a list or mapping left open (one closed there has a mistake inside, told where it is)."""
    start, problem = exc.context_mark, exc.problem_mark
    if exc.context not in _FLOW or start is None or problem is None or problem.line <= start.line:
        return False
    end = text.find("\n", problem.index)
    return _FLOW[exc.context] not in text[start.index : end if end >= 0 else None]


_RESERVED_START = {
    "[": "a YAML list",
    "{": "a YAML mapping",
    "*": "a YAML alias",
    "&": "a YAML anchor",
    "!": "a YAML tag",
    "%": "a YAML directive",
}


def _hint(
    problem: str,
    line: str,
    context: str = "",
    indent: Callable[[], str] = lambda: "",
    block: Callable[[], str] = lambda: "",
) -> str:
    """What to write instead, for the mistakes people make most often; `indent` tells how
    to indent the line, if that is known, and `block` how to indent it as the text of a
    block ("key: |") above it, if it is that."""
    value = line.split(": ", 1)[1].lstrip() if ": " in line else ""
    indent_problem = _INDENT_PROBLEM.search(problem) or context == "while scanning a simple key"
    if indent_problem and (advice := block()):  # text under "key: |" not indented under it
        return advice
    if value[:1] in (*_RESERVED_START, "@", "`", "]", "}", ",") and not _whole_flow(value):
        key = _key_of(line)
        read = _RESERVED_START.get(value[0])
        what = (
            f'a value that starts with "{value[0]}" is read as {read}'
            if read
            else f'"{value[0]}" cannot start a plain value in YAML'
        )
        if value[0] in "[{":  # a list or mapping meant, and written wrong, or words
            close = "]" if value[0] == "[" else "}"
            what += (
                f': if it is one, end it with "{close}" and write nothing after it; if it is text'
            )
        example = "'" + value.strip().replace("'", "''") + "'"
        shown = f", e.g.  {key}: {example}" if len(example) <= 60 else ""
        return f"; {what}: put the whole value in single quotes (doubling any ' inside){shown}"
    if context in _FLOW:  # "[" or "{" inside a value, or a list entry, never closed
        opener = "[" if _FLOW[context] == "]" else "{"
        what = "list" if opener == "[" else "mapping"
        if opener not in line:  # inside one opened on a line above, and closed
            return (
                f'; this line is inside a YAML {what} (from "{opener}" to "{_FLOW[context]}"): '
                'separate its entries with ", " and put any entry that holds ": " or "," in '
                "quotes"
            )
        return (
            f'; the "{opener}" on this line starts a YAML {what} that is not closed: end it with '
            f'"{_FLOW[context]}", or, if the value is text, put the whole value in single quotes '
            "(doubling any ' inside)"
        )
    if context == "while scanning a quoted scalar":  # so the rest of the file is in it
        opening = next((c for c in line if c in "'\""), '"')
        closed = value.rstrip() + opening
        shown = (
            f", e.g.  {_key_of(line)}: {closed}"
            if value[:1] == opening and len(closed) <= 60
            else ""
        )
        inside = "' inside is written ''" if opening == "'" else '" inside is written \\"'
        return (
            f"; the quotation mark ({opening}) that starts this value is not closed, so YAML "
            f"reads on to the end of the file: end the value with {opening} (a {inside}){shown}"
        )
    if context == "while scanning a simple key":  # a key with no ":" after it, or no space
        found = _NO_COLON.fullmatch(line.rstrip())
        if found:
            fixed = f"{found['key']}: {_clip_hint(found['rest']) or '…'}"
            if found["glued"]:
                return f"; put a space after the colon:  {fixed}"
            return f'; "{found["key"]}" needs a colon and a space after it:  {fixed}'
    if _DASH_NO_SPACE.match(line):
        return '; a list entry starts with "- " (a dash and a space): put a space after the "-"'
    if (
        value[:1] in ("'", '"')
        and ("expected key" in problem or "expected <block end>" in problem)
        and not _WHOLE_QUOTED.fullmatch(value.rstrip())  # else the quotes are not the mistake
    ):
        return _closed_too_soon(line, value.rstrip())
    if "mapping values are not allowed" in problem:
        if _KEY_LINE.fullmatch(line) and ": " not in value:  # `  key:` or `  key: value`
            return (
                indent()
                or "; check the indentation: this line should line up with the keys above it"
            )
        key = _key_of(line) or "stance"
        if '"' in value:  # double quotes inside: single quotes around it, each ' doubled
            quoted_value = "'" + value.strip().replace("'", "''") + "'"
            return (
                '; a value that contains ": " must be in quotes, and one with " inside in '
                f"single quotes (doubling any ' inside):  {key}: {_clip_hint(quoted_value, 60)}"
            )
        return f'; a value that contains ": " must be in quotes:  {key}: "{_clip_hint(value, 60)}"'
    if "expected '-' indicator" in problem:
        return indent() or (
            '; every entry of a list starts with "- " at the same indentation, and the fields '
            "of one entry line up under its first field"
        )
    if (
        "could not find expected ':'" in problem
        or "expected <block end>" in problem
        or "expected key" in problem
    ):
        return indent() or "; check the indentation of this line and the one above"
    return ""


_INDENT_PROBLEM = re.compile(r"expected key|expected <block end>|expected '-' indicator")
# a value that is one quoted string and nothing more (but a comment)
_WHOLE_QUOTED = re.compile(r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')(?:\s+#.*)?""")


def _whole_flow(value: str) -> bool:
    """Whether `value` is a "[...]" or "{...}" closed at its end: then not the mistake."""
    value = value.rstrip()
    close = {"[": "]", "{": "}"}.get(value[:1])
    if close is None:
        return False
    return value.endswith(close) and value.count(value[0]) == value.count(close)


_BLOCK_START = re.compile(r"( *)(- +)?([A-Za-z_][\w-]*): *[|>][-+0-9]*[ \t]*(?:#.*)?")


def _block_advice(lines: list[str], at: int) -> str:
    """How to indent `lines[at]` as the text of a block ("key: |") just above it: a first
    line of text not indented under its key, or a line of it less indented than the
    block's first line; "" when the line is not that."""
    if at >= len(lines) or not lines[at].strip():
        return ""
    lead = len(lines[at]) - len(lines[at].lstrip(" "))
    first = None  # the indentation of the block's first line of text, once one is seen
    for row in range(at - 1, max(at - 1000, -1), -1):
        line = lines[row]
        if not line.strip():
            continue
        start = _BLOCK_START.fullmatch(line)
        if start:
            key_at = len(start[1]) + len(start[2] or "")
            block = f'"{start[3]}: {line.split(":", 1)[1].strip()}" on line {row + 1}'
            if first is None and lead == key_at:  # text pasted in line with its key
                return (
                    f"; this line reads as the text of {block}, which must be indented more "
                    f'than "{start[3]}": indent it, and the lines of text after it, '
                    f"{key_at + 2} spaces"
                )
            if first is not None and key_at < lead < first:  # a line of the text, out
                return (
                    f"; this line is in the text of {block}, whose lines are indented {first} "
                    f"spaces: indent it {first} spaces"
                )
            return ""
        first = len(line) - len(line.lstrip(" "))
        if first <= lead:  # not a block's text above: the line is not in one
            return ""
    return ""


def _closed_too_soon(line: str, value: str) -> str:
    """What to write for a quoted value that a quotation mark inside it closed early."""
    closed = len(value) > 1 and value[-1] == value[0]
    # "…" around it all: quotes to drop; else a text that begins with a quotation: kept
    words = value[1:-1] if closed else value[1:] if value[0] == "'" else value
    fixed = "'" + words.replace("'", "''") + "'"
    if value[0] == "'":
        why = "inside single quotes, an apostrophe or ' is written twice ('')"
    else:
        why = "to keep the \" inside, put the whole value in single quotes, doubling any ' inside"
    example = f", e.g.  {_key_of(line)}: {fixed}" if ": " in line and len(fixed) <= 60 else ""
    return (
        "; the value ends at the second quotation mark, and YAML cannot read what follows: "
        f"{why}{example}"
    )


def _key_of(line: str) -> str:
    return line.split(":", 1)[0].strip().removeprefix("- ").strip()


def _clip_hint(text: str, limit: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_tag(tag: str | None) -> str:
    return "!!" + tag.removeprefix(_STD) if tag and tag.startswith(_STD) else str(tag)


def _markup_count(text: str) -> int:
    return text.count("[") + text.count("<")


def _date_or_text(text: str) -> Any:
    """A YAML timestamp as a date, or as its text when it is not a real date (checked later)."""
    node = yaml.ScalarNode(f"{_STD}timestamp", text)
    try:
        return _CONSTRUCTOR.construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError):
        return text


class _Everything:
    def __contains__(self, _item: object) -> bool:
        return True


# spaces, then a "#" with a number straight after it: "spending #1 priority" (a comment
# written to be one has a space or a word after its "#": "# check", "#TODO")
_GLUED_COMMENT = re.compile(r"(?<=[^\s#])[ \t]+#(?=\d)")


class _Builder:
    """Builds nodes from parser events with an explicit stack (no recursion)."""

    def __init__(
        self, path: Path, report: Report, lines: list[int] | None = None, text: str = ""
    ) -> None:
        self.path = path
        self.report = report
        self.lines = lines  # see _loc
        self.text = text  # the file's text, where a character refused in a value is found
        # where a comment starts with a number after its "#", after a value on its line: in
        # "stance: spending #1 priority", "#1 priority" is not part of the value (the text
        # fields that read such a value warn of it)
        self.comments = {m.start() for m in _GLUED_COMMENT.finditer(text)} if "#" in text else set()
        self.root: Node | None = None
        self.stack: list[Seq | Map] = []
        self.pending_key: list[tuple[str, Location] | None] = []
        self.documents = 0
        # First characters of plain scalars the resolver may read as other than strings
        # (all of them if some resolver looks at every scalar).
        resolvers = _RESOLVER.yaml_implicit_resolvers
        self.resolved_first: Container[str] = (
            _Everything() if None in resolvers else {*resolvers, ""}
        )

    def run(self, loader: Any) -> bool:
        """Feed every event of `loader` (a PyYAML parser); False when the file is refused.

        The common event, a plain or quoted string scalar with no tag, anchor or odd
        character, is handled here in line; every other event goes through `feed`, which
        handles any event (this loop only saves the calls).
        """
        get_event = loader.get_event
        stack, pending, path, lines = self.stack, self.pending_key, self.path, self.lines
        resolved_first, odd, resolve = self.resolved_first, _ODD.search, _RESOLVER.resolve
        comments = self.comments
        starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        while True:
            event = get_event()
            kind = type(event)
            if kind is not yaml.ScalarEvent or event.anchor is not None or event.tag:
                if kind in ends:
                    done = stack.pop()
                    pending.pop()
                    if not self.attach(done, event.start_mark):
                        return False
                    continue
                if kind in starts and event.anchor is None:
                    if not self.start_collection(event):
                        return False
                    continue
                if event is None or kind is yaml.StreamEndEvent:
                    return True
                if not self.feed(event):
                    return False
                continue
            text, style = event.value, event.style
            if (
                len(text) > MAX_SCALAR_CHARS
                or (not (text.isprintable() and "&#" not in text) and odd(text))
                or (len(text) > MAX_MARKUP and _markup_count(text) > MAX_MARKUP)
            ):
                if not self.scalar(event):
                    return False
                continue
            if not (style or text[:1] not in resolved_first) and (
                resolve(yaml.ScalarNode, text, event.implicit) != _STR  # type: ignore[no-untyped-call]
            ):
                if not self.scalar(event):  # a value the resolver reads as other than text
                    return False
                continue
            mark: Any = event.start_mark
            loc = (
                Location(path, mark.line + 1, mark.column + 1) if lines is None else self.loc(mark)
            )
            cut = bool(comments) and not style and event.end_mark.index in comments
            node = Scalar(text, text, not style, loc, cut)
            if not stack:
                self.root = node
                continue
            parent = stack[-1]
            if isinstance(parent, Seq):
                parent.items.append(node)
                continue
            key = pending[-1]
            if key is None:
                pending[-1] = (text, loc)
                continue
            if key[0] in parent.entries:  # a duplicate: reported by attach
                if not self.attach(node, mark):
                    return False
                continue
            pending[-1] = None
            parent.entries[key[0]] = Entry(key[1], node)

    def loc(self, mark: Any) -> Location:
        return _loc(self.path, mark, self.lines)

    def fail(self, message: str, mark: Any) -> bool:
        self.report.error(message, self.loc(mark))
        return False

    def feed(self, event: yaml.Event) -> bool:
        if type(event) is yaml.ScalarEvent and event.anchor is None:  # most events: the fast way
            return self.scalar(event)
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                return self.fail(
                    "file holds more than one YAML document ('---'); keep one document per file",
                    event.start_mark,
                )
            return True
        if isinstance(event, yaml.AliasEvent):
            return self.fail(
                f"YAML alias '*{event.anchor}' is not supported; write the value out in full",
                event.start_mark,
            )
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            return self.fail(
                f"YAML anchor '&{event.anchor}' is not supported; write values out in full",
                event.start_mark,
            )
        if isinstance(event, yaml.CollectionStartEvent):
            return self.start_collection(event)
        if isinstance(event, yaml.CollectionEndEvent):
            node = self.stack.pop()
            self.pending_key.pop()
            return self.attach(node, event.start_mark)
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event)
        return True

    def start_collection(self, event: yaml.CollectionStartEvent) -> bool:
        if len(self.stack) >= MAX_DEPTH:
            return self.fail(_TOO_DEEP, event.start_mark)
        is_map = isinstance(event, yaml.MappingStartEvent)
        expected = f"{_STD}map" if is_map else f"{_STD}seq"
        if event.tag not in (None, "!", expected):
            return self.fail(
                f"YAML tag {_short_tag(event.tag)} is not allowed; remove it", event.start_mark
            )
        loc = self.loc(event.start_mark)
        node: Seq | Map = Map(loc=loc) if is_map else Seq([], loc)
        if self.stack and isinstance(self.stack[-1], Map) and self.pending_key[-1] is None:
            return self.fail("a key must be a plain name, not a list or mapping", event.start_mark)
        self.stack.append(node)
        self.pending_key.append(None)
        return True

    def scalar(self, event: yaml.ScalarEvent) -> bool:
        loc = self.loc(event.start_mark)
        text = event.value
        if _SUSPECT.search(text):  # a line-break form, a control or a character reference
            text = self.without_controls(newlines(text), loc, event)
        return self.attach(
            Scalar(self.construct(event, text, loc), text, not event.style, loc), event.start_mark
        )

    def without_controls(self, text: str, loc: Location, event: Any = None) -> str:
        """Refuse invisible controls; later checks see the text without them (nothing is built)."""
        found = hidden(text)
        if found is None:
            return text
        at, name = found
        written = self.written_at(event, name)  # at the character itself, or at the value
        where = "" if written else f" at character {at + 1}"
        self.report.error(
            f"value contains the invisible control character {name}{where}; "
            "remove it (it could hide or reorder text)",
            written or loc,
        )
        return CONTROL.sub("", text)

    def written_at(self, event: Any, name: str) -> Location | None:
        """Where in the file the value's first invisible control is written, when it is
        there as itself (an escape such as \\u202e in quotes is told at the value)."""
        if event is None or not self.text:
            return None
        start, end = event.start_mark.index, event.end_mark.index
        found = hidden(self.text[start:end])
        if found is None or found[1] != name:
            return None
        return Location(
            self.path, *line_col(self.lines or line_starts(self.text), start + found[0])
        )

    def construct(self, event: yaml.ScalarEvent, text: str, loc: Location) -> Any:
        """The scalar's value; a value that cannot be constructed is reported and kept as text."""
        if len(text) > MAX_SCALAR_CHARS:
            self.report.error(
                f"value is {len(text):,} characters long, over the limit of "
                f"{MAX_SCALAR_CHARS:,}; shorten it",
                loc,
            )
            return None
        if _markup_count(text) > MAX_MARKUP:
            self.report.error(
                f'value holds {_markup_count(text):,} "[" and "<" (at most {MAX_MARKUP:,}); '
                "that many would make its Markdown take minutes to read: remove the stray ones",
                loc,
            )
            return None
        if _SURROGATE.search(text):
            self.report.error(
                "value contains an invalid character (an unpaired \\u escape); remove it", loc
            )
            return None
        tag = event.tag
        if tag is None and (event.style or text[:1] not in self.resolved_first):
            return text  # quoted, or a first character no resolver looks at: a string
        if tag in (None, "!"):
            tag = _RESOLVER.resolve(yaml.ScalarNode, text, event.implicit)  # type: ignore[no-untyped-call]
        if tag == _STR:
            return text
        if tag == f"{_STD}merge":
            self.report.error(
                "YAML merge keys (<<) are not supported; write the fields out in full", loc
            )
            return None
        if tag not in _ALLOWED_SCALAR_TAGS:
            self.report.error(
                f"YAML tag {_short_tag(event.tag)} is not allowed; write a plain value", loc
            )
            return None
        if tag == f"{_STD}timestamp":
            return _date_or_text(text)
        node = yaml.ScalarNode(tag, text)
        try:
            return _CONSTRUCTOR.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            self.report.error(f"{quoted(text)} is not a valid {tag.removeprefix(_STD)}", loc)
            return None

    def duplicate_hint(self, name: str) -> str:
        """What to do about a key set twice in one mapping."""
        if self.in_citations(name):
            return _NEW_ITEM_HINT
        return _MERGE_CITE_HINT if name == "cite" else "keep only one"

    def in_citations(self, name: str) -> bool:
        """Whether a key of this name is being set inside a cite: list or entry."""
        keys = [key[0] for key in self.pending_key[:-1] if key is not None]
        return name in ("source", "quote") and "cite" in keys[-2:]

    def attach(self, node: Node, mark: Any) -> bool:
        if not self.stack:
            self.root = node
            return True
        parent = self.stack[-1]
        if isinstance(parent, Seq):
            parent.items.append(node)
            return True
        key = self.pending_key[-1]
        if key is None:
            if not isinstance(node, Scalar):  # pragma: no cover - caught at collection start
                return self.fail("a key must be a plain name", mark)
            self.pending_key[-1] = (node.text, node.loc)
            return True
        name, key_loc = key
        self.pending_key[-1] = None
        if name in parent.entries:
            first = parent.entries[name].key_loc
            self.report.error(
                f"duplicate key {name!r}: it is also set at line {first.line}; "
                + self.duplicate_hint(name),
                key_loc,
            )
            return True
        parent.entries[name] = Entry(key_loc, node)
        return True
