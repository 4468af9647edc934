"""Fuzzing `briefgen check` with malformed YAML: it may refuse, it must never crash.

Every run, whatever the input, must end with exit status 0 or 1, no traceback, no
"internal error", and every line of stderr a well-formed problem report.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import (
    MINIMAL_BRIEF,
    MINIMAL_CATALOGUE,
    minimal_files,
    run_cli,
    run_subprocess,
)

PROBLEM_LINE = re.compile(r"^(\S.*?:\d+:\d+: (error|warning): .+|briefgen: error: .+)$")
BRIEF, CATALOGUE, CONFIG = "briefs/test.yaml", "sources/sources.yaml", "config.yaml"
FULL_CONFIG = """\
title: Test briefs
organisation: Test Unit
marking: OFFICIAL
formats: [pdf, md]
stale_after_days: 30
limits:
  max_yaml_bytes: 100000
  render_timeout: 10
"""
BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)
POSITION_ALL_WRONG = """\
title: Test brief
positions:
  - id: [x]
    actor: 12
    role: {a: b}
    topic: yes
    stance: [a, b]
    detail: 3.5
    as_of: no
    key: maybe
    cite: some text
"""

# name -> (file it replaces, its content, the exit status the design requires or None)
CASES: dict[str, tuple[str, str | bytes, int | None]] = {
    # syntax
    "unclosed-flow-sequence": (BRIEF, "title: [Test brief\nas_of: 2025-03-02\n", 1),
    "unclosed-flow-mapping": (BRIEF, "title: {a: 1\n", 1),
    "unclosed-double-quote": (BRIEF, 'title: "Test brief\nas_of: 2025-03-02\n', 1),
    "unclosed-single-quote": (BRIEF, "title: 'Test brief\n", 1),
    "bad-indentation": (BRIEF, "title: x\n  as_of: 2025-03-02\n positions: []\n", 1),
    "tab-indentation": (BRIEF, MINIMAL_BRIEF.replace("    actor:", "\tactor:"), 1),
    "tab-after-colon": (BRIEF, "title:\tTest brief\n", None),
    "colon-colon": (BRIEF, ": :\n", 1),
    "dash-dash-dash": (BRIEF, "- - -\n", 1),
    "complex-key": (BRIEF, "? complex key\n: value\ntitle: x\n", 1),
    "complex-key-sequence": (BRIEF, "? [a, b]\n: value\ntitle: x\n", 1),
    "anchor-and-alias": (BRIEF, "title: &t Test\nsubtitle: *t\n", 1),
    "merge-key": (BRIEF, "base: &b {title: x}\n<<: *b\n", 1),
    "billion-laughs": (BRIEF, BILLION_LAUGHS, 1),
    "python-tag": (BRIEF, 'title: !!python/object/apply:os.system ["touch PWNED"]\n', 1),
    "python-name-tag": (CONFIG, "organisation: !!python/name:os.system\n", 1),
    "local-tag": (BRIEF, "title: !custom x\n", 1),
    "binary-tag": (BRIEF, "title: !!binary aGVsbG8=\n", 1),
    "set-tag": (BRIEF, "title: x\npositions: !!set {a, b}\n", 1),
    "float-overflow": (BRIEF, MINIMAL_BRIEF.replace('value: "2.5"', "value: 1.0e+309"), None),
    "exponent-without-dot": (BRIEF, MINIMAL_BRIEF.replace('value: "2.5"', "value: 1e309"), None),
    "not-a-number": (BRIEF, MINIMAL_BRIEF.replace('value: "2.5"', "value: .nan"), None),
    "huge-int": (BRIEF, MINIMAL_BRIEF.replace('value: "2.5"', "value: " + "9" * 5000), None),
    "control-character": (BRIEF, "title: bell\x07here\n", 1),
    "escaped-escape-in-key": (BRIEF, 'title: x\n"\\x1b[31mred": 1\n', 1),
    "lone-surrogate": (BRIEF, 'title: "\\ud800"\n', 1),
    "surrogate-in-key": (BRIEF, 'title: x\n"\\udc80x": 1\n', 1),
    "bom-in-the-middle": (BRIEF, MINIMAL_BRIEF.replace("as_of:", "\ufeffas_of:", 1), None),
    "bom-inside-a-value": (BRIEF, MINIMAL_BRIEF.replace("Test brief", "Test\ufeffbrief"), None),
    "only-comments": (BRIEF, "# nothing\n# here either\n", 1),
    "only-document-start": (BRIEF, "---\n", 1),
    "only-document-end": (BRIEF, "...\n", 1),
    "two-documents": (BRIEF, MINIMAL_BRIEF + "---\ntitle: again\n", 1),
    "crlf-line-ends": (BRIEF, MINIMAL_BRIEF.replace("\n", "\r\n"), 0),
    "cr-line-ends": (BRIEF, MINIMAL_BRIEF.replace("\n", "\r"), None),
    "next-line-character": (BRIEF, "title: a\x85as_of: 2025-03-02\n", None),
    "line-separator": (BRIEF, "title: a\u2028b\n", None),
    "empty-file": (BRIEF, "", 1),
    "only-whitespace": (BRIEF, "   \n\n  \n", 1),
    "top-level-list": (BRIEF, "- title: x\n", 1),
    "top-level-scalar": (BRIEF, "just some text\n", 1),
    "nul-byte": (BRIEF, b"title: a\x00b\n", 1),
    "invalid-utf8": (BRIEF, b"title: caf\xe9\n", 1),
    "utf16": (BRIEF, "title: x\n".encode("utf-16"), 1),
    "deep-flow-nesting": (BRIEF, "title: " + "[" * 5000 + "]" * 5000 + "\n", 1),
    "deep-block-nesting": (
        BRIEF,
        "title: x\n" + "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v\n",
        1,
    ),
    "over-long-value": (BRIEF, "title: " + "x" * 200_000 + "\n", 1),
    "duplicate-keys": (BRIEF, "title: a\ntitle: b\n", 1),
    # every field of the brief given the wrong type
    "title-list": (BRIEF, MINIMAL_BRIEF.replace("title: Test brief", "title: [a, b]"), 1),
    "title-mapping": (BRIEF, MINIMAL_BRIEF.replace("title: Test brief", "title: {a: 1}"), 1),
    "title-null": (BRIEF, MINIMAL_BRIEF.replace("title: Test brief", "title:"), 1),
    "as-of-boolean": (BRIEF, MINIMAL_BRIEF.replace("as_of: 2025-03-02", "as_of: yes"), 1),
    "as-of-impossible": (BRIEF, MINIMAL_BRIEF.replace("as_of: 2025-03-02", "as_of: 2025-13-45"), 1),
    "as-of-number": (BRIEF, MINIMAL_BRIEF.replace("as_of: 2025-03-02", "as_of: 20250302"), 1),
    "summary-number": (BRIEF, "title: x\nsummary: 42\n", None),
    "summary-list": (BRIEF, "title: x\nsummary: [a, {b: c}]\n", 1),
    "meeting-scalar": (BRIEF, "title: x\nmeeting: tomorrow\n", None),
    "meeting-fields-wrong": (BRIEF, "title: x\nmeeting: {date: [x], name: {a: b}, place: 3}\n", 1),
    "extra-fields-wrong": (BRIEF, "title: x\ntemplate: [x]\ngroup_by: 3\nmarking: {}\n", 1),
    "positions-scalar": (BRIEF, "title: x\npositions: some text\n", 1),
    "positions-mapping": (BRIEF, "title: x\npositions: {id: x}\n", 1),
    "positions-nested-list": (BRIEF, "title: x\npositions: [[1, 2], null, 3]\n", 1),
    "position-all-wrong": (BRIEF, POSITION_ALL_WRONG, 1),
    "cite-all-wrong": (
        BRIEF,
        MINIMAL_BRIEF.replace(
            '      - source: news\n        quote: the plan would cost "£2.5 billion" over',
            "      - source: [news]\n        quote: {a: b}\n      - 5\n      - null\n      - x: over",
            1,
        ),
        1,
    ),
    "proposal-all-wrong": (
        BRIEF,
        "title: x\nproposals:\n  - {id: 1, title: null, proposed_by: {a: b}, status: maybe, summary: [x], cite: 3}\n",
        1,
    ),
    "figure-all-wrong": (
        BRIEF,
        "title: x\nfigures:\n  - {id: x y, label: [1], value: {a: 1}, unit: [], note: 1:30, as_of: 0755}\n",
        1,
    ),
    "id-path": (BRIEF, MINIMAL_BRIEF.replace("id: minister-plan", 'id: "../../x"'), 1),
    # the catalogue
    "catalogue-mapping": (CATALOGUE, "id: news\nfile: news.txt\n", 1),
    "catalogue-scalar": (CATALOGUE, "news.txt\n", 1),
    "catalogue-empty": (CATALOGUE, "", 1),
    "catalogue-fields-wrong": (
        CATALOGUE,
        "- id: [news]\n  file: {a: b}\n  publisher: 3\n  title: []\n  published: yes\n  url: {x: 1}\n",
        1,
    ),
    "catalogue-file-number": (
        CATALOGUE,
        MINIMAL_CATALOGUE.replace("file: news.txt", "file: 123"),
        1,
    ),
    "catalogue-file-nul": (
        CATALOGUE,
        MINIMAL_CATALOGUE.replace("file: news.txt", 'file: "news.txt\\0"'),
        1,
    ),
    "catalogue-file-outside": (
        CATALOGUE,
        MINIMAL_CATALOGUE.replace("file: news.txt", "file: ../config.yaml"),
        1,
    ),
    "catalogue-date-impossible": (
        CATALOGUE,
        MINIMAL_CATALOGUE.replace("published: 2025-03-01", "published: 2025-02-30"),
        1,
    ),
    "catalogue-duplicate-ids": (CATALOGUE, MINIMAL_CATALOGUE * 2, 1),
    "catalogue-python-tag": (CATALOGUE, "- !!python/object:os.system {}\n", 1),
    "catalogue-alias": (
        CATALOGUE,
        MINIMAL_CATALOGUE.replace("- id: news", "- &s id: news") + "- *s\n",
        1,
    ),
    # config.yaml
    "config-list": (CONFIG, "- organisation: x\n", 1),
    "config-formats-scalar": (CONFIG, "formats: pdf\n", None),
    "config-formats-wrong": (CONFIG, "formats: [exe, {a: b}, 3]\n", 1),
    "config-limits-scalar": (CONFIG, "limits: big\n", 1),
    "config-limits-wrong": (
        CONFIG,
        "limits: {render_timeout: -1, render_memory_mb: .nan, max_yaml_bytes: 1.0e+309, max_source_bytes: [1]}\n",
        1,
    ),
    "config-dirs-wrong": (
        CONFIG,
        "sources_dir: [x]\nbriefs_dir: ../..\noutput_dir: {a: 1}\ntemplates_dir: 3\n",
        1,
    ),
    "config-stale-negative": (CONFIG, "stale_after_days: -5\n", 1),
    "config-tiny-yaml-limit": (CONFIG, "limits: {max_yaml_bytes: 1}\n", 1),
    "config-bom-crlf-tab": (CONFIG, "\ufefforganisation:\tTest\r\nmarking: SECRET\r\n", None),
    "config-invalid-utf8": (CONFIG, b"organisation: caf\xe9\n", 1),
}


def assert_survived(code: int, stdout: str, stderr: str, label: str) -> None:
    assert code in (0, 1), f"{label}: exit {code}\n{stderr}"
    assert "Traceback" not in stdout + stderr, f"{label}:\n{stderr}"
    assert "internal error" not in stderr, f"{label}:\n{stderr}"
    for line in stderr.splitlines():
        assert PROBLEM_LINE.match(line), f"{label}: malformed line {line!r}"


def workspace_with(root: Path, name: str, content: str | bytes) -> Path:
    files = minimal_files()
    files[name] = content
    for path, data in files.items():  # written as given: build_tree would dedent text
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(
            data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
        )
    return root


def assert_expected(case: str, code: int, stderr: str, root: Path) -> None:
    name, _content, expected = CASES[case]
    if expected is not None:
        assert code == expected, f"{case}: expected exit {expected}, got {code}\n{stderr}"
    if expected == 1:
        assert re.search(rf"^{re.escape(name)}:\d+:\d+: error: ", stderr, re.M) or (
            name != BRIEF and re.search(r": error: ", stderr)
        ), f"{case}: no error at {name}\n{stderr}"
    assert not (root / "PWNED").exists(), f"{case}: a YAML tag ran code"


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_yaml_in_process(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, content, _expected = CASES[case]
    root = workspace_with(tmp_path / "ws", name, content)
    monkeypatch.chdir(root)
    result = run_cli("check")
    assert_survived(result.exit_code, result.stdout, result.stderr, case)
    assert_expected(case, result.exit_code, result.stderr, root)


def test_malformed_yaml_in_real_processes(tmp_path: Path) -> None:
    """Each case in its own `python -m briefgen check`, four at a time, 30 s hard timeout each."""
    roots = {case: workspace_with(tmp_path / case, *CASES[case][:2]) for case in CASES}

    def run(case: str) -> tuple[str, int, str, str]:
        proc = run_subprocess("check", cwd=roots[case], timeout=30)
        return case, proc.returncode, proc.stdout, proc.stderr

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, sorted(CASES)))
    failures = []
    for case, code, stdout, stderr in results:
        try:
            assert_survived(code, stdout, stderr, case)
            assert_expected(case, code, stderr, roots[case])
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


# ---------------------------------------------------------------------------------------------
# Generated: the valid workspace's YAML, mutated.

YAML_SIGNIFICANT = [
    *":-?[]{},#&*!|>'\"%@`\\",
    "\t",
    " ",
    "\n",
    "\r",
    ": ",
    "- ",
    "\n  ",
    "\ufeff",
    "\x00",
    "\x07",
    "\x85",
    "\u2028",
    "é",
    "---",
    "...",
]
SCALARS = [
    "yes", "no", "on", "off", "~", "null", "", "''", '""', "1e309", "1.0e+309", ".inf", "-.nan",
    "0o17", "0x1F", "0755", "1:30", "3.10", "-0", "2025-13-40", "2025-02-30", "2025-03", "2025",
    "12:30:00", "2025-03-02T10:00:00Z", '"quoted"', "'single'", "!!str x", "!!int x",
    "!!binary aGk=", "!!python/none ''", "!local x", "&a x", "*a", "|", ">-", "|+\n", "- x",
    '"\\ud800"', '"\\x00"', '"\\t"', "x" * 300, "9" * 5000, "javascript:alert(1)", "../../etc",
    "/etc/passwd", "news", "minister-plan", "# comment",
]  # fmt: skip
KEYS = ["id", "title", "source", "quote", "value", "date", "file", "a", "cite", "as_of"]

scalars = st.one_of(
    st.sampled_from(SCALARS),
    st.lists(st.sampled_from([*"abc xyz019", *YAML_SIGNIFICANT]), max_size=8).map("".join),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=3).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"
        ),
    ),
    max_leaves=6,
)


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    """`base` after one to four edits: delete, duplicate, swap, insert characters, new value."""
    lines = base.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "value", "value"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            at = draw(st.integers(0, len(lines[i])))
            chars = "".join(
                draw(st.lists(st.sampled_from(YAML_SIGNIFICANT), min_size=1, max_size=4))
            )
            lines[i] = lines[i][:at] + chars + lines[i][at:]
        else:
            line = lines[i]
            head, sep, _rest = line.partition(":")
            value = draw(values)
            if sep:
                lines[i] = f"{head}: {value}\n"
            else:
                indent = len(line) - len(line.lstrip(" -"))
                lines[i] = f"{line[:indent]}{value}\n"
    return "".join(lines)


documents = st.one_of(
    st.tuples(st.just(BRIEF), mutated(MINIMAL_BRIEF)),
    st.tuples(st.just(BRIEF), mutated(MINIMAL_BRIEF)),
    st.tuples(st.just(BRIEF), mutated(MINIMAL_BRIEF)),
    st.tuples(st.just(CATALOGUE), mutated(MINIMAL_CATALOGUE)),
    st.tuples(st.just(CONFIG), mutated(FULL_CONFIG)),
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=False,  # new cases every run; a failure prints its seed (--hypothesis-seed)
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(documents)
def test_mutated_workspace_yaml_never_crashes_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, document: tuple[str, str]
) -> None:
    name, text = document
    root = tmp_path / "ws"
    workspace_with(root, name, text)
    monkeypatch.chdir(root)
    result = run_cli("check")
    assert_survived(result.exit_code, result.stdout, result.stderr, f"{name}:\n{text!r}")
