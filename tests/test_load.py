"""Unit tests of briefgen.load: located nodes, hostile YAML and unreadable files."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

import briefgen.load
from briefgen.errors import Location, Problem, Report
from briefgen.load import Map, Scalar, Seq, decode_text, load_yaml_file, parse_yaml, read_text
from conftest import build_tree, minimal_files, run_cli, run_subprocess

P = Path("f.yaml")


def parse(text: str) -> tuple[Map | Seq | Scalar | None, list[str]]:
    """Parse text as f.yaml; the node and every problem as the CLI would print it."""
    report = Report()
    node = parse_yaml(text, P, report)
    return node, [p.format() for p in report.problems]


def decode(data: bytes) -> tuple[str | None, list[str]]:
    text, problem, line, col = decode_text(data)
    if problem is None:
        return text, []
    return text, [Problem("error", problem, Location(P, line, col)).format()]


def load_in_child(tmp_path: Path, text: str) -> list[str]:
    """Load a YAML file in a separate process with a hard timeout: a hang or a crash fails."""
    (tmp_path / "in.yaml").write_text(text, encoding="utf-8")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from briefgen.errors import Report\n"
        "from briefgen.load import load_yaml_file\n"
        "r = Report()\n"
        "node = load_yaml_file(Path('in.yaml'), r)\n"
        "print(type(node).__name__)\n"
        "for p in r.problems:\n"
        "    print(p.format())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "RecursionError" not in proc.stdout + proc.stderr
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


# --- located nodes ---------------------------------------------------------------------------


def test_nodes_keep_one_based_line_and_column() -> None:
    node, problems = parse(
        "# a comment line\n"
        "title: Hello\n"
        "items:\n"
        "  - id: one\n"
        "    tags: [a, \"b\", 'c']\n"
        "  -   id: two\n"
        "nested:\n"
        "  deeper:\n"
        "    x: 1\n"
    )
    assert problems == []
    assert isinstance(node, Map)
    assert node.loc == Location(P, 2, 1)
    title = node.entries["title"]
    assert title.key_loc == Location(P, 2, 1)
    assert isinstance(title.node, Scalar)
    assert (title.node.value, title.node.loc) == ("Hello", Location(P, 2, 8))

    items = node.entries["items"].node
    assert isinstance(items, Seq)
    assert items.loc == Location(P, 4, 3)
    first, second = items.items
    assert isinstance(first, Map) and isinstance(second, Map)
    assert first.loc == Location(P, 4, 5)
    assert first.entries["id"].key_loc == Location(P, 4, 5)
    assert first.entries["id"].node.loc == Location(P, 4, 9)
    tags = first.entries["tags"].node
    assert isinstance(tags, Seq)
    assert tags.loc == Location(P, 5, 11)
    assert [(t.value, t.loc.line, t.loc.col) for t in tags.items] == [
        ("a", 5, 12),
        ("b", 5, 15),
        ("c", 5, 20),
    ]
    assert second.entries["id"].key_loc == Location(P, 6, 7)
    assert second.entries["id"].node.loc == Location(P, 6, 11)

    deeper = node.entries["nested"].node
    assert isinstance(deeper, Map)
    x = deeper.entries["deeper"].node
    assert isinstance(x, Map)
    assert x.entries["x"].key_loc == Location(P, 9, 5)
    assert x.entries["x"].node.loc == Location(P, 9, 8)


def test_scalar_records_text_and_whether_it_was_quoted() -> None:
    node, problems = parse("a: plain\nb: \"double\"\nc: 'single'\nd: |\n  block\n")
    assert problems == []
    assert isinstance(node, Map)
    scalars = {k: e.node for k, e in node.entries.items()}
    assert all(isinstance(s, Scalar) for s in scalars.values())
    assert [(s.text, s.plain) for s in scalars.values()] == [  # type: ignore[union-attr]
        ("plain", True),
        ("double", False),
        ("single", False),
        ("block\n", False),
    ]


def test_line_numbers_from_a_file_match_the_editor(tmp_path: Path) -> None:
    path = (
        build_tree(tmp_path, {"b.yaml": "\n\n# comment\ntitle: T\nas_of: 2025-03-02\n"}) / "b.yaml"
    )
    report = Report()
    node = load_yaml_file(path, report)
    assert report.problems == []
    assert isinstance(node, Map)
    assert node.entries["as_of"].key_loc == Location(path, 5, 1)
    assert node.entries["as_of"].node.loc == Location(path, 5, 8)


# --- python object tags ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "title: !!python/object/apply:os.system ['touch {marker}']\n",
        "!!python/object/apply:os.system ['touch {marker}']\n",
        "title: !!python/object/apply:os.system\n  args: ['touch {marker}']\n",
        "title: !!python/object/new:os.system ['touch {marker}']\n",
        "title: !!python/object/apply:subprocess.check_call [[touch, '{marker}']]\n",
    ],
    ids=["value", "root", "mapping-form", "object-new", "subprocess"],
)
def test_python_object_tags_are_refused_and_nothing_runs(tmp_path: Path, template: str) -> None:
    marker = tmp_path / "pwned"
    node, problems = parse(template.format(marker=marker))
    assert not marker.exists(), "the YAML payload was executed"
    assert node is None
    assert len(problems) == 1
    assert problems[0].startswith("f.yaml:")
    assert ": error: YAML tag " in problems[0]
    assert "python/object/" in problems[0]
    assert "is not allowed" in problems[0]


def test_python_name_tag_on_a_scalar_is_refused() -> None:
    _, problems = parse("title: !!python/name:os.system\n")
    assert len(problems) == 1
    assert problems[0].startswith("f.yaml:1:8: error: YAML tag ")
    assert "python/name:os.system" in problems[0]
    assert "is not allowed" in problems[0]


def test_python_payload_in_a_brief_is_refused_by_the_cli(workspace: Path) -> None:
    marker = workspace.parent / "pwned"
    build_tree(
        workspace,
        {"briefs/test.yaml": f"title: !!python/object/apply:os.system ['touch {marker}']\n"},
    )
    result = run_cli("check")
    assert not marker.exists(), "the YAML payload was executed"
    assert result.exit_code == 1
    assert "briefs/test.yaml:1:8: error: YAML tag " in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_other_tags_are_refused_but_str_tag_is_allowed() -> None:
    node, problems = parse("a: !!str 123\n")
    assert problems == []
    assert isinstance(node, Map)
    assert node.entries["a"].node.value == "123"  # type: ignore[union-attr]
    _, problems = parse("a: !custom value\n")
    assert problems == ["f.yaml:1:4: error: YAML tag !custom is not allowed; write a plain value"]


# --- duplicate keys --------------------------------------------------------------------------


def test_duplicate_key_names_both_lines() -> None:
    node, problems = parse("title: First\nsummary: x\ntitle: Second\n")
    assert problems == [
        "f.yaml:3:1: error: duplicate key 'title': it is also set at line 1; keep only one"
    ]
    assert isinstance(node, Map)


def test_duplicate_key_in_a_nested_mapping_is_found_at_its_line() -> None:
    _, problems = parse("positions:\n  - id: a\n    actor: X\n    stance: S\n    actor: Y\n")
    assert problems == [
        "f.yaml:5:5: error: duplicate key 'actor': it is also set at line 3; keep only one"
    ]


def test_a_second_cite_under_one_item_is_told_to_join_the_first() -> None:
    # two `briefgen quote` outputs pasted under one item: keeping only one drops a citation
    text = (
        "positions:\n  - id: a\n    cite:\n      - source: s\n        quote: one two three\n"
        "    cite:\n      - source: t\n        quote: four five six\n"
    )
    _, problems = parse(text)
    assert problems == [
        "f.yaml:6:5: error: duplicate key 'cite': it is also set at line 3; to cite both, move "
        "this cite:'s  - source: ...  entries under the first cite: and delete this cite: line"
    ]


def test_same_key_in_different_mappings_is_not_a_duplicate() -> None:
    _, problems = parse("a: 1\nb:\n  a: 2\nc:\n  - a: 3\n  - a: 4\n")
    assert problems == []


# --- YAML 1.1 surprises ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("no", False),
        ("yes", True),
        ("on", True),
        ("off", False),
        ("0755", 0o755),
        ("1:30", 90),
        ("3.10", 3.1),
        ("2024-03-05", dt.date(2024, 3, 5)),
    ],
)
def test_yaml_1_1_values_keep_the_text_as_written(written: str, value: object) -> None:
    node, problems = parse(f"field: {written}\n")
    assert problems == []
    assert isinstance(node, Map)
    scalar = node.entries["field"].node
    assert isinstance(scalar, Scalar)
    assert scalar.value == value
    assert type(scalar.value) is type(value)
    assert scalar.text == written
    assert scalar.plain


def test_quoted_values_stay_text() -> None:
    node, problems = parse('a: "no"\nb: \'3.10\'\nc: "2024-03-05"\n')
    assert problems == []
    assert isinstance(node, Map)
    assert [e.node.value for e in node.entries.values()] == ["no", "3.10", "2024-03-05"]  # type: ignore[union-attr]


def test_impossible_date_is_kept_as_text_without_crashing() -> None:
    node, problems = parse("as_of: 2025-02-30\n")
    assert problems == []
    assert isinstance(node, Map)
    scalar = node.entries["as_of"].node
    assert isinstance(scalar, Scalar)
    assert scalar.text == "2025-02-30"


# --- alias bombs and deep nesting ------------------------------------------------------------

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    lines = load_in_child(tmp_path, BILLION_LAUGHS)
    assert lines == [
        "NoneType",
        "in.yaml:1:4: error: YAML anchor '&a' is not supported; write values out in full",
    ]


def test_alias_without_anchor_is_refused() -> None:
    node, problems = parse("title: *name\n")
    assert node is None
    assert problems == [
        "f.yaml:1:8: error: YAML alias '*name' is not supported; write the value out in full"
    ]


def test_billion_laughs_brief_is_refused_by_the_cli(workspace: Path) -> None:
    build_tree(workspace, {"briefs/test.yaml": BILLION_LAUGHS})
    proc = run_subprocess("check", cwd=workspace, timeout=30)
    assert proc.returncode == 1
    assert "briefs/test.yaml:1:4: error: YAML anchor '&a' is not supported" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "[" * 100_000 + "]" * 100_000 + "\n",
        "{a: " * 20_000 + "1" + "}" * 20_000 + "\n",
        "- " * 20_000 + "x\n",
        "".join(f"{' ' * i}k{i}:\n" for i in range(1_000)),
    ],
    ids=["open-brackets", "closed-brackets", "flow-maps", "dashes", "block-maps"],
)
def test_deep_nesting_is_refused_without_recursion_error(tmp_path: Path, text: str) -> None:
    lines = load_in_child(tmp_path, text)
    assert lines[0] == "NoneType"
    assert len(lines) == 2
    assert lines[1].startswith("in.yaml:")
    assert ": error: YAML is nested more than " in lines[1]
    assert "levels deep" in lines[1]


@pytest.mark.parametrize("levels", [60, 900, 1_000, 5_000])
def test_nesting_too_deep_is_named_where_it_passes_the_limit(levels: int) -> None:
    """Past 1,000 levels libyaml's own limit, met while it reads ahead, came first and was
    named at the 1,000th bracket; the place is where the 51st level opens either way."""
    text = "title: Deep\nsummary: " + "[" * levels + "]" * levels + "\n"
    _node, problems = parse(text)
    assert problems == [
        f"{P}:2:59: error: YAML is nested more than 50 levels deep; flatten the structure"
    ]


def test_moderate_nesting_is_fine() -> None:
    node, problems = parse("[" * 20 + "x" + "]" * 20 + "\n")
    assert problems == []
    assert isinstance(node, Seq)


# --- empty, several documents, tabs, syntax ---------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_is_reported(text: str) -> None:
    node, problems = parse(text)
    assert node is None
    assert problems == [
        "f.yaml:1:1: error: file is empty; write the YAML content described in the README"
    ]


def test_empty_file_on_disk_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    report = Report()
    assert load_yaml_file(path, report) is None
    assert [(p.severity, p.location) for p in report.problems] == [("error", Location(path, 1, 1))]
    assert "file is empty" in report.problems[0].message


def test_several_documents_are_refused_at_the_second() -> None:
    node, problems = parse("title: A\nsummary: x\n---\ntitle: B\n")
    assert node is None
    assert problems == [
        "f.yaml:3:1: error: file holds more than one YAML document ('---'); "
        "keep one document per file"
    ]


def test_a_single_leading_document_marker_is_fine() -> None:
    node, problems = parse("---\ntitle: A\n")
    assert problems == []
    assert isinstance(node, Map)
    assert node.entries["title"].key_loc == Location(P, 2, 1)


def test_tab_indentation_is_reported_at_its_line() -> None:
    node, problems = parse("title: A\npositions:\n\t- id: x\n")
    assert node is None
    assert problems == [
        "f.yaml:3:1: error: tab character in indentation; YAML needs spaces: "
        'replace it with 2 spaces, so that "id:" sits two spaces in under "positions:" on '
        "line 2"
    ]


def test_every_tab_indented_line_is_reported_in_one_run_with_spaces_that_fix_it() -> None:
    text = (
        "title: T\npositions:\n  - id: p1\n\tactor: A\n    topic: T\n    stance: S\n"
        "proposals:\n  - id: x1\n\ttitle: Z\n    status: agreed\n"
    )
    node, problems = parse(text)
    assert node is None
    assert problems == [
        "f.yaml:4:1: error: tab character in indentation; YAML needs spaces: replace it "
        'with 4 spaces, so that "actor:" lines up with "id:" on line 3',
        "f.yaml:9:1: error: tab character in indentation; YAML needs spaces: replace it "
        'with 4 spaces, so that "title:" lines up with "id:" on line 8',
    ]
    fixed = text.replace("\t", "    ")  # the advice, followed
    assert parse(fixed)[1] == []


def test_tab_inside_a_value_is_fine() -> None:
    node, problems = parse("title: A\tB\n")
    assert problems == []
    assert isinstance(node, Map)
    assert node.entries["title"].node.value == "A\tB"  # type: ignore[union-attr]


def test_colon_in_value_error_says_to_quote() -> None:
    node, problems = parse("title: A\nsubtitle: Talks: day one\n")
    assert node is None
    assert len(problems) == 1
    assert problems[0].startswith("f.yaml:2:")
    assert "YAML syntax error" in problems[0]
    assert problems[0].endswith(
        'a value that contains ": " must be in quotes:  subtitle: "Talks: day one"'
    )


def test_colon_in_a_value_with_double_quotes_is_told_to_use_single_ones() -> None:
    node, problems = parse('title: A\nstance: Healey said: "we cannot wait"\n')
    assert node is None
    advice = problems[0].split("in single quotes (doubling any ' inside):  ")[1]
    assert advice == "stance: 'Healey said: \"we cannot wait\"'"
    fixed, again = parse(f"title: A\n{advice}\n")  # the advice, followed
    assert again == [] and isinstance(fixed, Map)


def test_unterminated_quote_points_at_the_line_where_the_quote_opens() -> None:
    text = 'title: A\nsummary: "never closed\n' + "".join(f"k{i}: v\n" for i in range(50))
    node, problems = parse(text)
    assert node is None
    assert len(problems) == 1
    # The user must be sent to line 2, where the quote opens, not to the end of the file.
    assert problems[0].startswith("f.yaml:2:") or "line 2" in problems[0], problems[0]


# --- encodings, BOM, NUL ----------------------------------------------------------------------


def test_bom_gives_a_warning_and_still_parses(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: A\nsummary: B\n")
    report = Report()
    node = load_yaml_file(path, report)
    assert isinstance(node, Map)
    assert [(p.severity, p.location, p.message) for p in report.problems] == [
        (
            "warning",
            Location(path, 1, 1),
            "file starts with a byte-order mark; it is ignored (to be rid of this warning, save the file as UTF-8 without one: in Notepad, Save As with Encoding UTF-8)",
        )
    ]
    assert node.entries["title"].key_loc == Location(path, 1, 1)
    assert node.entries["title"].node.value == "A"  # type: ignore[union-attr]
    assert node.entries["summary"].key_loc == Location(path, 2, 1)


def test_invalid_utf8_names_line_column_and_windows_1252() -> None:
    text, problems = decode(b"title: Brief\nsummary: It was \x93quoted\x94\n")
    assert text is None
    assert problems == [
        "f.yaml:2:17: error: file is not valid UTF-8 (byte 0x93); it looks like "
        "Windows-1252 or Latin-1: save it as UTF-8"
    ]


def test_invalid_utf8_column_counts_characters_not_bytes() -> None:
    # "t: café " is 8 characters but 9 bytes: the editor shows the bad byte at column 9.
    text, problems = decode(b"ok: 1\nt: caf\xc3\xa9 \x93x\x94\n")
    assert text is None
    assert len(problems) == 1
    assert problems[0].startswith("f.yaml:2:9: error: file is not valid UTF-8 (byte 0x93)"), (
        problems[0]
    )


def test_invalid_utf8_that_is_not_windows_1252_says_so() -> None:
    _, problems = decode(b"ok: 1\nt: \x81\x8d\n")
    assert problems == [
        "f.yaml:2:4: error: file is not valid UTF-8 (byte 0x81); it looks like a binary file "
        "or an unknown encoding: save it as UTF-8"
    ]


def test_invalid_utf8_through_load_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.yaml"
    path.write_bytes("title: Brief\nsummary: “quoted”\n".encode("cp1252"))
    report = Report()
    assert load_yaml_file(path, report) is None
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert problem.location == Location(path, 2, 10)
    assert "not valid UTF-8" in problem.message
    assert "Windows-1252" in problem.message


def test_nul_byte_is_reported_at_its_line_and_column() -> None:
    text, problems = decode(b"title: A\nsummary: x\x00y\n")
    assert text is None
    assert problems == ["f.yaml:2:11: error: file contains a NUL byte; it is not a text file"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_refused(codec: str) -> None:
    data = "title: A\n".encode(codec)
    if codec != "utf-16":
        data = ("\ufeff" + "title: A\n").encode(codec)
    text, problems = decode(data)
    assert text is None
    assert problems == ["f.yaml:1:1: error: file is UTF-16 encoded; save it as UTF-8"]


def test_utf16_without_bom_is_refused() -> None:
    text, problems = decode("title: A\n".encode("utf-16-le"))
    assert text is None
    assert len(problems) == 1
    assert problems[0].startswith("f.yaml:1:")
    assert ": error: " in problems[0]


def test_valid_utf8_decodes() -> None:
    text, problems = decode("title: “Café” — ok\n".encode())
    assert problems == []
    assert text == "title: “Café” — ok\n"


# --- sizes and file kinds ---------------------------------------------------------------------


def test_oversized_file_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("title: [unclosed\n" + "x" * 200, encoding="utf-8")

    def must_not_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed a file over the size limit")

    monkeypatch.setattr(briefgen.load, "parse_yaml", must_not_parse)
    monkeypatch.setattr(briefgen.load.yaml, "parse", must_not_parse)
    report = Report()
    assert load_yaml_file(path, report, max_bytes=100) is None
    assert [(p.severity, p.location, p.message) for p in report.problems] == [
        (
            "error",
            Location(path, 1, 1),
            'YAML file "big.yaml" is 217 bytes, over the limit of 100; '
            "split it or raise the limit in config.yaml",
        )
    ]


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_bytes(b"title: A\n")
    report = Report()
    assert isinstance(load_yaml_file(path, report, max_bytes=9), Map)
    assert report.problems == []


def test_oversized_field_is_refused() -> None:
    _, problems = parse("title: " + "x" * 100_001 + "\n")
    assert problems == [
        "f.yaml:1:8: error: value is 100,001 characters long, over the limit of 100,000; shorten it"
    ]


@pytest.mark.parametrize("junk", ["[" * 20_000, "[a](" * 5_000, "<a " * 5_000, "![a" * 600])
def test_a_value_with_hundreds_of_brackets_is_refused_before_markdown_reads_it(
    junk: str,
) -> None:
    count = junk.count("[") + junk.count("<")
    _, problems = parse(f"summary: '{junk}'\n")
    assert problems == [
        f'f.yaml:1:10: error: value holds {count:,} "[" and "<" (at most 500); that many would '
        "make its Markdown take minutes to read: remove the stray ones"
    ]
    _, fine = parse("summary: '" + "[a](https://example.org) " * 100 + "'\n")  # 100 links
    assert fine == []


def test_max_yaml_bytes_from_config_applies_to_briefs(workspace: Path) -> None:
    build_tree(workspace, {"config.yaml": "limits:\n  max_yaml_bytes: 100\n"})
    result = run_cli("check")
    assert result.exit_code == 1
    size = (workspace / "briefs/test.yaml").stat().st_size
    assert (
        f'briefs/test.yaml:1:1: error: YAML file "test.yaml" is {size:,} bytes, '
        "over the limit of 100; split it or raise the limit in config.yaml"
    ) in result.stderr


def test_read_text_missing_file_is_reported_at_where(tmp_path: Path) -> None:
    report = Report()
    where = Location(Path("sources.yaml"), 7, 9)
    assert read_text(tmp_path / "gone.txt", report, where, 1000, "source file") is None
    assert [p.format() for p in report.problems] == [
        'sources.yaml:7:9: error: source file "gone.txt" does not exist; '
        f"copy the document into {tmp_path.name}/ or fix the name"
    ]


def test_a_missing_source_in_a_folder_is_named_as_the_catalogue_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = (
        "- id: a\n  file: sub/dir/gone.txt\n  publisher: P\n  title: T\n"
        '- id: b\n  file: "~/Downloads/x.txt"\n  publisher: P\n  title: T\n'
    )
    root = build_tree(tmp_path / "ws", minimal_files(sources__sources_yaml=catalogue))
    monkeypatch.chdir(root)
    errors = [line for line in run_cli("check").stderr.splitlines() if "error: source" in line]
    assert errors == [
        'sources/sources.yaml:2:9: error: source file "sub/dir/gone.txt" does not exist; '
        "there is no folder sub/dir/ either: copy the document in or fix the name",
        'sources/sources.yaml:6:9: error: source file "~/Downloads/x.txt" starts with "~", which '
        "is not read as your home folder here; copy the document into the sources folder and "
        "give its name",
    ], errors
    (root / "sources" / "~draft.txt").write_text("A draft.\n")  # a file named so is read
    (root / "sources" / "sources.yaml").write_text(
        catalogue.replace("sub/dir/gone.txt", "~draft.txt")
    )
    assert "~draft" not in run_cli("check").stderr


@pytest.mark.parametrize("kind", ["folder", "device"])
def test_read_text_refuses_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "folder" if kind == "folder" else Path("/dev/null")
    if kind == "folder":
        target.mkdir()
    report = Report()
    where = Location(Path("sources.yaml"), 3, 9)
    assert read_text(target, report, where, 1000, "source file") is None
    assert [p.format() for p in report.problems] == [
        f'sources.yaml:3:9: error: source file "{target.name}" is not a regular file; '
        "name a text file"
    ]


@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\x85"])
def test_lines_are_counted_as_an_editor_counts_them(brk: str) -> None:
    # YAML takes U+2028, U+2029 and NEL for line breaks; editors and grep -n do not
    _, problems = parse(f'stance: "A sta{brk}nce."\nrole: x\nlabel: a: b\n')
    _, plain = parse('stance: "A sta nce."\nrole: x\nlabel: a: b\n')
    assert problems == plain and plain[0].startswith("f.yaml:3:9: error: YAML syntax error")
    node, problems = parse(f'stance: "A sta{brk}nce."\nrole: x\nlabel: y\n')
    assert isinstance(node, Map) and not problems
    assert (node.entries["label"].key_loc.line, node.entries["label"].key_loc.col) == (3, 1)
    assert node.entries["label"].node.loc.line == 3


def test_a_dash_line_in_a_block_of_text_is_not_taken_for_a_list_entry() -> None:
    report = Report()
    parse_yaml("summary: |\n  GDP fell:\n  -2.1% in Q3\nstance: He said: yes\n", Path("b"), report)
    (problem,) = report.problems
    assert problem.location is not None and problem.location.line == 4
    assert (
        'a value that contains ": " must be in quotes:  stance: "He said: yes"' in problem.message
    )


def test_a_list_entry_without_its_space_in_a_file_with_a_yaml_only_line_break() -> None:
    report = Report()  # U+2028: lines are counted as an editor does, from the offset
    parse_yaml(
        "title: Test\u2028\nas_of: 2026-12-03\nfigures:\n-id: a\n  label: b\n", Path("b"), report
    )
    (problem,) = report.problems
    assert problem.location is not None and (problem.location.line, problem.location.col) == (4, 1)


@pytest.mark.parametrize(
    ("text", "where", "hint"),
    [
        (  # a key with no colon: at that key, not at the line after it
            "title: T\npositions:\n  - id: a\n    topic Defence spending\n    stance: S\n",
            (4, 5),
            '"topic" needs a colon and a space after it:  topic: Defence spending',
        ),
        ("title: T\npositions:\n  - id: a\n    quote the cost\n", (4, 5), "quote: the cost"),
        ("title: T\nmeeting\nas_of: 2025-01-01\n", (2, 1), '"meeting" needs a colon'),
        (
            "title: T\npositions:\n  - id: a\n    stance:Spending rises\n    topic: T\n",
            (4, 5),
            "put a space after the colon:  stance: Spending rises",
        ),
        (  # "-id:" with no space: at the dash
            "title: T\npositions:\n  -id: a\n    stance: S\n",
            (3, 3),
            'a list entry starts with "- " (a dash and a space)',
        ),
        (
            "title: T\npositions:\n  - id: a\n    stance: [Draft] spending will rise\n",
            (4, 21),
            'is read as a YAML list: if it is one, end it with "]" and write nothing after '
            "it; if it is text: put the whole value in single quotes (doubling any ' inside), "
            "e.g.  stance: '[Draft] spending will rise'",
        ),
        (  # a "[" left open: at the "[", not at the line after it
            "title: [Draft\naudience: PM\n",
            (1, 8),
            'if it is one, end it with "]" and write nothing after it; if it is text: put the '
            "whole value in single quotes (doubling any ' inside), e.g.  title: '[Draft'",
        ),
        (
            "title: T\ntags:\n  - {a: b\n  - c\n",
            (3, 5),
            'the "{" on this line starts a YAML mapping that is not closed: end it with "}", or, if the '
            "value is text, put the whole value in single quotes",
        ),
        (  # a field a space off the fields above it: how many spaces to write
            "title: T\npositions:\n  - id: a\n     actor: A\n    stance: S\n",
            (4, 6),  # where the line's text starts: what to move
            'this line is indented 5 spaces: indent it 4, to line up with "id" on line 3',
        ),
        (
            "title: T\nproposals:\n  - id: a\n    title: X\n   status: proposed\n",
            (5, 4),
            'this line is indented 3 spaces: indent it 4, to line up with "title" on line 4',
        ),
        (  # a list entry lines up with the dash of the entries above it
            "title: T\npositions:\n  - id: a\n    cite:\n      - source: s\n        quote: q\n"
            "     - source: t\n        quote: r\n",
            (7, 6),
            'this line is indented 5 spaces: indent it 6, to line up with the "- source" on line 5',
        ),
        (  # the same with Windows line ends
            "title: T\r\npositions:\r\n  - id: a\r\n     actor: A\r\n    stance: S\r\n",
            (4, 6),  # where the line's text starts: what to move
            'this line is indented 5 spaces: indent it 4, to line up with "id" on line 3',
        ),
        (  # and with old Mac line ends (a lone "\r"), which YAML and editors both break at
            "title: T\rpositions:\r  - id: a\r     actor: A\r    stance: S\r",
            (4, 6),
            'this line is indented 5 spaces: indent it 4, to line up with "id" on line 3',
        ),
        (  # lines counted as an editor counts them, not as YAML does (U+2028 breaks one)
            'summary: "a\u2028b"\npositions:\n  - id: a\n     actor: A\n    stance: S\n',
            (4, 6),  # where the line's text starts: what to move
            'this line is indented 5 spaces: indent it 4, to line up with "id" on line 3',
        ),
        (  # text pasted under "detail: |" in line with its key
            "title: T\npositions:\n  - id: a\n    detail: |\n    He added that it would cost more.\n",
            (5, 5),
            'this line reads as the text of "detail: |" on line 4, which must be indented more '
            'than "detail": indent it, and the lines of text after it, 6 spaces',
        ),
        (  # a line of a block's text less indented than the block's first line
            "title: T\nasks: |\n  - Will the UK send troops?\n - When will it reach 2.5%?\n",
            (4, 2),
            'this line is in the text of "asks: |" on line 2, whose lines are indented 2 spaces: '
            "indent it 2 spaces",
        ),
        (  # a quoted value on a line a space or two off: the indentation is the mistake
            'title: T\nfigures:\n  - id: a\n    unit: "% of GDP"\n      as_of: "2025-02"\n',
            (5, 7),
            'this line is indented 6 spaces: indent it 4, to line up with "unit" on line 4',
        ),
        (  # and a whole list as its value
            "title: T\nproposals:\n  - id: a\n    title: X\n   proposed_by: [A, B]\n",
            (5, 4),
            'this line is indented 3 spaces: indent it 4, to line up with "title" on line 4',
        ),
        (  # an entry lines up with the entries of its kind, not a nearer list's
            "title: T\npositions:\n  - id: a\n    cite:\n      - source: s\n        quote: q\n"
            "    - id: b\n",
            (7, 5),
            'this line is indented 4 spaces: indent it 2, to line up with the "- id" on line 3',
        ),
        (  # nothing close above: the general advice
            "title: T\npositions:\n  - id: a\n        actor: A\n",
            (4, 14),
            "check the indentation: this line should line up with the keys above it",
        ),
        (  # a list closed on the line of the error has the mistake there: told there
            "title: T\ntags: [alpha,\n  beta: x: y]\n",
            (3, 10),
            'this line is inside a YAML list (from "[" to "]"): separate its entries with ", " '
            'and put any entry that holds ": " or "," in quotes',
        ),
        (  # a quotation mark never closed: at it, with the value closed
            'title: T\nsummary: "Talks went well\n',
            (2, 10),
            'end the value with " (a " inside is written \\"), e.g.  summary: "Talks went well"',
        ),
        (
            "title: T\npositions:\n  - stance: 'UK view\n    topic: D\n",
            (3, 13),
            "end the value with ' (a ' inside is written ''), e.g.  stance: 'UK view'",
        ),
        (  # closed only by the next value's quotation mark: at the one left open
            'title: "Summit\naudience: PM\nsummary: "S"\n',
            (1, 8),
            'the quotation mark (") that starts this value is not closed on its line, so YAML '
            'reads on to the next " (line 3) and takes the keys between as part of the value: '
            'end the value with " on line 1',
        ),
        (  # the lines named as an editor counts them
            'summary: "a\u2028b"\ntitle: "Summit\naudience: PM\nstance: "S"\n',
            (2, 8),
            'reads on to the next " (line 4) and takes the keys between as part of the value: '
            'end the value with " on line 2',
        ),
        (  # an apostrophe closes a single-quoted value early
            "title: T\nstance: 'the UK's view'\n",
            (2, 17),
            "inside single quotes, an apostrophe or ' is written twice (''), e.g.  "
            "stance: 'the UK''s view'",
        ),
        (  # quotation marks inside a double-quoted value
            'title: T\nquote: "He said "no" today"\n',
            (2, 18),
            "to keep the \" inside, put the whole value in single quotes, doubling any ' inside, "
            "e.g.  quote: 'He said \"no\" today'",
        ),
        (  # words that begin with a quotation: the quotation marks are kept
            'title: T\nquote: "We can\'t," she said\n',
            (2, 20),
            "e.g.  quote: '\"We can''t,\" she said'",
        ),
        (
            "title: T\nquote: ]ensuring that\n",
            (2, 8),
            '"]" cannot start a plain value in YAML: put the whole value in single quotes '
            "(doubling any ' inside), e.g.  quote: ']ensuring that'",
        ),
        ("title: T\nsummary: *France* leads\n", (2, 17), "summary: '*France* leads'"),
        (
            "title: T\nsummary: @healey's view\n",
            (2, 10),
            '"@" cannot start a plain value in YAML: put the whole value in single quotes '
            "(doubling any ' inside), e.g.  summary: '@healey''s view'",
        ),
    ],
)
def test_common_yaml_mistakes_are_told_at_their_place_with_what_to_write(
    text: str, where: tuple[int, int], hint: str
) -> None:
    report = Report()
    assert parse_yaml(text, Path("b.yaml"), report) is None
    (problem,) = report.problems
    assert problem.location is not None
    assert (problem.location.line, problem.location.col) == where, problem.format()
    assert hint in problem.message, problem.message


def test_an_invisible_control_is_told_where_it_is_written() -> None:
    text = (
        "title: T\nsummary: |\n  First line\n  then \u202e here\n"
        'stance: Café \u202e spending\nquote: "a \\u202e b"\n'
    )
    report = Report()
    parse_yaml(text, Path("b.yaml"), report)
    found = [(p.location.line, p.location.col) for p in report.problems if p.location]
    assert found == [(4, 8), (5, 14), (6, 8)]  # the last written as an escape: at its value
    assert "at character" not in report.problems[0].message
    assert "at character 3" in report.problems[2].message


def test_a_value_cut_short_by_a_hash_is_marked_where_it_is_read() -> None:
    text = (
        "stance: Café — spending #1 priority\ntopic: T  # a comment\nrole: 'quoted #1'\n"
        "detail: |\n  block #1\nas_of: 2025-03 #2\nactor: France #TODO check\n"
    )
    root = parse_yaml(text, Path("b.yaml"), Report())
    assert isinstance(root, Map)
    cut = {name for name, entry in root.entries.items() if getattr(entry.node, "cut", False)}
    assert cut == {"stance", "as_of"}  # marked; only a text field read from it warns
