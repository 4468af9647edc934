"""Hardening, round two: line breaks and controls in text, linked inputs, interrupts,
temporary files, absurd limits, terminal escapes and messages that used to be poor.

Every test checks an outcome through the command line (or a real process), not a code path.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_hostile import files_mentioning

from briefgen import collector
from conftest import MINIMAL_BRIEF, build_tree, minimal_files, run_cli

# What may never reach a terminal or an output raw: C0 (but tab and newline), DEL, C1, bidi.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CANARY = "CANARY-5d1e-outside-the-workspace"
ALL_FORMATS = ("--format", "md", "--format", "html", "--format", "pdf")
EXTENDS = '{% extends "builtin:brief.html.j2" %}\n'
SLOW = (
    EXTENDS + "{% block titleblock %}{% for i in range(100000) %}{% for j in range(3000) %}"
    "{% endfor %}{% endfor %}{{ super() }}{% endblock %}\n"
)


def make(root: Path, **files: str | bytes) -> Path:
    tree = minimal_files()
    tree.update(files)
    return build_tree(root, tree)


def cli_in(root: Path, *args: str) -> tuple[int, str, str]:
    """briefgen in-process in `root`."""
    cwd = Path.cwd()
    os.chdir(root)
    try:
        result = run_cli(*args)
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout, result.stderr


def process(
    root: Path, *args: str, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.Popen[str]:
    """briefgen as a real process, in a session of its own (so it has its own process group)."""
    return subprocess.Popen(
        [sys.executable, "-m", "briefgen", *args],
        cwd=root,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
        text=True,
        start_new_session=True,
        **kwargs,  # type: ignore[call-overload]
    )


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    proc = process(root, *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, out, err


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def render_children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def wait_for_child(proc: subprocess.Popen[str], limit: float = 60) -> int:
    """The pid of the build's render child, once it renders: the build waits for it while
    it works, for a few looks in a row. (The child is started before the check, to load
    the templates and the PDF engine meanwhile; on a slow machine the check may still be
    running half a second after it appears, and a child killed before it has its work is
    replaced, not reported.)"""
    deadline = time.monotonic() + limit
    rendering = 0
    while time.monotonic() < deadline and proc.poll() is None:
        children = render_children(proc.pid)
        if children and _state(proc.pid) == "S" and _state(children[0]) == "R":
            rendering += 1
            if rendering >= 3:
                return children[0]
        else:
            rendering = 0
        time.sleep(0.1)
    raise AssertionError("the render child never started rendering")


def _state(pid: int) -> str:
    """A process's state as Linux shows it: R running, S sleeping, ..."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[0]


# ---------------------------------------------------------------------------------------------
# 5. Carriage returns and control characters in text


def test_carriage_returns_in_text_fields_do_not_become_structure(tmp_path: Path) -> None:
    brief = MINIMAL_BRIEF.replace(
        "stance: The plan is affordable.",
        'stance: "Backstop needed.\\r\\r# brief withdrawn\\r    code block\\r\\nend"\n'
        '    role: "Minister\\rfor\\u2028Costs"',
    )
    root = make(tmp_path / "ws", **{"briefs/test.yaml": brief})
    code, _, err = cli_in(root, "build", *ALL_FORMATS)
    assert code == 0, err
    md = (root / "build" / "test.md").read_text(encoding="utf-8")
    html = (root / "build" / "test.html").read_text(encoding="utf-8")
    pdf = pdf_text((root / "build" / "test.pdf").read_bytes())
    for text in (md, html, pdf):
        assert "\r" not in text and "\u2028" not in text
    assert "Minister for Costs" in pdf.replace("\n", " ")
    assert not re.search(r"^\s*#+ brief withdrawn", md, re.M)
    assert not re.search(r"^ {4}code block", md, re.M)
    assert re.search(r"Backstop needed\.\s+\\?# brief withdrawn\s+code block end", md)
    assert "<h1>brief withdrawn" not in html and "<pre>" not in html


HIDDEN = {
    "ESC": ("\\e[31m", "U+001B"),
    "NUL": ("\\0", "U+0000"),
    "BEL": ("\\a", "U+0007"),
    "C1-CSI": ("\\x9b", "U+009B"),
    "DEL": ("\\x7f", "U+007F"),
    "RLO": ("\\u202e", "U+202E"),
    "RLI": ("\\u2067", "U+2067"),
    "LRE": ("\\u202a", "U+202A"),
}


@pytest.mark.parametrize("escape, code", HIDDEN.values(), ids=HIDDEN.keys())
@pytest.mark.parametrize("field", ["stance", "actor", "summary", "publisher", "key"])
def test_control_characters_in_yaml_are_refused_at_their_line(
    tmp_path: Path, field: str, escape: str, code: str
) -> None:
    files: dict[str, str | bytes] = {}
    if field == "publisher":
        files["sources/sources.yaml"] = minimal_files()["sources/sources.yaml"].replace(  # type: ignore[union-attr]
            "publisher: Example News", f'publisher: "Example{escape} News"'
        )
        where = "sources/sources.yaml:3:14"
    elif field == "key":
        files["briefs/test.yaml"] = MINIMAL_BRIEF.replace(
            "title: Test brief", f'title: Test brief\n"sub{escape}title": x'
        )
        where = "briefs/test.yaml:2:1"
    else:
        old = {"stance": "stance: The plan", "actor": "actor: The", "summary": "summary: |"}[field]
        new = {
            "stance": f'stance: "Hidden{escape} The plan',
            "actor": f'actor: "The{escape}"\n    role: The',
            "summary": f'summary: "One{escape}" # |',
        }[field]
        brief = MINIMAL_BRIEF.replace(old, new)
        if field == "stance":
            brief = brief.replace("is affordable.", 'is affordable."')
        if field == "summary":
            brief = brief.replace("  - One key message.\n", "")
        files["briefs/test.yaml"] = brief
        line = next(n for n, t in enumerate(brief.splitlines(), 1) if escape in t)
        where = f"briefs/test.yaml:{line}:"
    root = make(tmp_path / "ws", **files)
    status, out, err = cli_in(root, "build", *ALL_FORMATS)
    assert status == 1, err
    assert re.search(
        rf"^{re.escape(where)}\S*: error: .*control character {re.escape(code)}", err, re.M
    ), err
    assert not (root / "build").exists()
    assert not RAW_CONTROL.search(out + err)


@pytest.mark.parametrize("reference", ["&#x202E;", "&#8238;", "&#x1b;", "&#27", "&#0;"])
@pytest.mark.parametrize("field", ["stance", "detail"])
def test_character_references_to_controls_are_refused(
    tmp_path: Path, field: str, reference: str
) -> None:
    brief = MINIMAL_BRIEF.replace(
        "stance: The plan is affordable.",
        f"stance: Plan {reference}ylno"
        if field == "stance"
        else f"stance: x\n    detail: a {reference}b",
    )
    root = make(tmp_path / "ws", **{"briefs/test.yaml": brief})
    status, _, err = cli_in(root, "build", *ALL_FORMATS)
    assert status == 1
    line = 9 if field == "stance" else 10
    assert re.search(
        rf"^briefs/test\.yaml:{line}:\d+: error: .*written as {re.escape(reference)}", err, re.M
    ), err
    assert not (root / "build").exists()


def test_raw_control_character_in_a_yaml_file_is_located(tmp_path: Path) -> None:
    brief = MINIMAL_BRIEF.replace("actor: The minister", "actor: The mi\x1bnister")
    root = make(tmp_path / "ws", **{"briefs/test.yaml": brief.encode("utf-8")})
    status, out, err = cli_in(root, "check")
    assert status == 1
    assert re.search(r"^briefs/test\.yaml:7:18: error: .*U\+001B \(ESC\)", err, re.M), err
    assert not RAW_CONTROL.search(out + err)


def test_control_characters_in_a_source_are_shown_visibly_in_every_output(
    tmp_path: Path,
) -> None:
    source = (
        "Intro here.\r\r# withdrawn\r"
        "The \x1b[31mminister\u202e said the plan would cost “£2.5 billion” over five years\x07.\n"
        "Critics called it “too little, too late” — and said so \x1b]0;x\x07 loudly.\n"
    )
    root = make(tmp_path / "ws", **{"sources/news.txt": source.encode("utf-8")})
    status, _, err = cli_in(root, "build", *ALL_FORMATS)
    assert status == 0, err
    md = (root / "build" / "test.md").read_text(encoding="utf-8")
    html = (root / "build" / "test.html").read_text(encoding="utf-8")
    pdf = pdf_text((root / "build" / "test.pdf").read_bytes())
    for text in (md.replace("\\[", "[").replace("\\]", "]"), html, pdf):
        assert not RAW_CONTROL.search(text)
        assert "\r" not in text
        assert "[U+001B][31mminister[U+202E] said" in text.replace("\n", " ")
        assert "[U+0007]" in text
    assert not re.search(r"^#+ withdrawn", md, re.M)


# ---------------------------------------------------------------------------------------------
# 6. Linked config.yaml and hard-linked inputs


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    return outside


def assert_canary_nowhere(root: Path, out: str, err: str) -> None:
    assert CANARY not in out + err
    assert files_mentioning(root / "build", CANARY) == []


@pytest.mark.parametrize("target", ["outside", "inside"])
def test_config_that_is_a_symlink_is_refused(tmp_path: Path, canary: Path, target: str) -> None:
    root = make(tmp_path / "ws")
    real = canary / "config.yaml" if target == "outside" else root / "settings.yaml"
    real.write_text(f"organisation: {CANARY}\n")
    (root / "config.yaml").unlink()
    (root / "config.yaml").symlink_to(real)
    status, out, err = cli_in(root, "build", *ALL_FORMATS)
    assert status == 1
    assert re.search(r"^config\.yaml:1:1: error: config\.yaml is a link; make it a real file", err)
    assert_canary_nowhere(root, out, err)
    assert not (root / "build").exists()
    status, _, err = cli_in(tmp_path, "check", "--config", "ws")
    assert status == 1 and "is a link; make it a real file" in err


def test_hard_linked_inputs_are_refused_and_leak_nothing(tmp_path: Path, canary: Path) -> None:
    secret = canary / "secret.txt"
    secret.write_text(f"The minister said the plan would cost {CANARY}.\n")
    root = make(
        tmp_path / "ws",
        **{
            "sources/sources.yaml": minimal_files()["sources/sources.yaml"]  # type: ignore[operator]
            + "- id: leak\n  file: leak.txt\n  publisher: P\n  title: T\n",
        },
    )
    os.link(secret, root / "sources" / "leak.txt")
    config = canary / "config.yaml"
    config.write_text(f"organisation: {CANARY}\n")
    (root / "config.yaml").unlink()
    os.link(config, root / "config.yaml")
    status, out, err = cli_in(root, "build", *ALL_FORMATS)
    assert status == 1
    assert re.search(
        r'^sources/sources\.yaml:7:9: error: source file "leak\.txt" is a hard link', err, re.M
    ), err
    assert re.search(
        r'^config\.yaml:1:1: error: config file "config\.yaml" is a hard link', err, re.M
    )
    assert "cp leak.txt leak.txt.copy && mv leak.txt.copy leak.txt" in err
    assert_canary_nowhere(root, out, err)


@pytest.mark.parametrize("name", ["briefs/test.yaml", "sources/sources.yaml"])
def test_hard_linked_yaml_files_are_refused(tmp_path: Path, canary: Path, name: str) -> None:
    root = make(tmp_path / "ws")
    outside = canary / Path(name).name
    outside.write_bytes((root / name).read_bytes().replace(b"Test brief", CANARY.encode()))
    (root / name).unlink()
    os.link(outside, root / name)
    status, out, err = cli_in(root, "build", *ALL_FORMATS)
    assert status == 1
    assert re.search(
        rf"^{re.escape(name)}:1:1: error: YAML file \"\S+\" is a hard link", err, re.M
    ), err
    assert_canary_nowhere(root, out, err)


TEMPLATE_LINKS = {
    "layout": (
        "templates/brief.html.j2",
        EXTENDS + "{% block titleblock %}" + CANARY + "{% endblock %}\n",
        None,
    ),
    "included-css": ("templates/extra.css", f"/* {CANARY} */ body {{ color: black; }}\n", None),
    "font": (
        "templates/face.woff",
        f"{CANARY}",
        EXTENDS
        + '{% block style %}{{ super() }}<style>@font-face { font-family: F; src: url("face.woff"); }'
        " body { font-family: F; }</style>{% endblock %}\n",
    ),
    "image": (
        "templates/logo.svg",
        f'<svg xmlns="http://www.w3.org/2000/svg"><text>{CANARY}</text></svg>',
        EXTENDS + '{% block titleblock %}<img src="logo.svg" alt="logo">{% endblock %}\n',
    ),
}


@pytest.mark.parametrize("fmt", ["html", "pdf"])
@pytest.mark.parametrize("case", TEMPLATE_LINKS.keys())
def test_hard_linked_template_files_are_refused(
    tmp_path: Path, canary: Path, case: str, fmt: str
) -> None:
    name, content, layout = TEMPLATE_LINKS[case]
    outside = canary / Path(name).name
    outside.write_text(content)
    files = {"templates/brief.html.j2": layout} if layout else {}
    root = make(tmp_path / "ws", **files)
    (root / "templates").mkdir(exist_ok=True)
    os.link(outside, root / name)
    status, out, err = cli_in(root, "build", "--format", fmt)
    assert status == 1, err
    assert re.search(r"^\S+:\d+:\d+: error: .*is a hard link.*copy of its own", err, re.M), err
    assert_canary_nowhere(root, out, err)


# ---------------------------------------------------------------------------------------------
# 8. Interrupts


@pytest.mark.parametrize("times", [1, 3], ids=["once", "repeated"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupting_a_pdf_build_prints_one_line(
    tmp_path: Path, sig: signal.Signals, times: int
) -> None:
    root = make(tmp_path / "ws", **{"templates/brief.html.j2": SLOW})
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = process(
        root, "build", "--format", "pdf", env={"TMPDIR": str(temp)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        child = wait_for_child(proc)
        for _ in range(times):
            os.killpg(proc.pid, sig)
            time.sleep(0.02)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert err == "briefgen: interrupted\n"
    assert proc.returncode == 130
    assert out == ""
    assert (
        not Path(f"/proc/{child}").exists() or "zombie" in Path(f"/proc/{child}/status").read_text()
    )
    assert list(temp.iterdir()) == []
    assert not (root / "build" / "test.pdf").exists()


# ---------------------------------------------------------------------------------------------
# 9. Each render's temporary files go into a folder briefgen removes


def test_renders_leave_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {"TMPDIR": str(temp)}
    root = make(
        tmp_path / "ws",
        **{
            "briefs/other.yaml": MINIMAL_BRIEF.replace("minister-plan", "o1").replace(
                "plan-cost", "o2"
            )
        },
    )
    status, _, err = run(root, "build", *ALL_FORMATS, env=env)
    assert status == 0, err
    assert list(temp.iterdir()) == []
    # a render that fails, and one that times out
    (root / "templates").mkdir()
    (root / "templates" / "broken.html.j2").write_text(
        EXTENDS + "{% block titleblock %}{{ nothing }}{% endblock %}\n"
    )
    (root / "templates" / "slow.html.j2").write_text(SLOW.replace("3000", "100000"))
    (root / "config.yaml").write_text("limits: {render_timeout: 2}\n")
    for name, layout in (("test", "broken"), ("other", "slow")):
        path = root / "briefs" / f"{name}.yaml"
        path.write_text(f"template: {layout}\n" + path.read_text())
    status, _, err = run(root, "build", "--format", "pdf", env=env)
    assert status == 1
    assert "took longer than 2 seconds" in err and "nothing" in err
    assert list(temp.iterdir()) == []


def test_a_killed_render_child_leaves_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    root = make(tmp_path / "ws", **{"templates/brief.html.j2": SLOW})
    proc = process(
        root, "build", "--format", "pdf", env={"TMPDIR": str(temp)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        os.kill(wait_for_child(proc), signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 1
    assert re.search(
        r"^briefs/test\.yaml:1:1: error: rendering was stopped by signal SIGKILL", err, re.M
    ), err
    assert "Traceback" not in err
    assert list(temp.iterdir()) == []


def test_temporary_folders_of_killed_builds_are_removed_by_the_next(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    (temp / "briefgen-render-999999999-abc").mkdir(parents=True)  # no such process
    (temp / "briefgen-render-999999999-abc" / "font.otf").write_bytes(b"x")
    (temp / "unrelated").mkdir()
    root = make(tmp_path / "ws")
    status, _, err = run(root, "build", "--format", "md", env={"TMPDIR": str(temp)})
    assert status == 0, err
    assert [p.name for p in temp.iterdir()] == ["unrelated"]


# ---------------------------------------------------------------------------------------------
# 10. Limits


BAD_LIMITS = [
    "render_timeout: .inf",
    "render_timeout: -.inf",
    "render_timeout: .nan",
    "render_timeout: 1.0e+10",
    "render_timeout: 1e10",
    "render_timeout: 0",
    "render_timeout: 0.5",
    "render_timeout: true",
    "render_timeout: 3601",
    "render_memory_mb: 1.0e+29",
    "render_memory_mb: 100000000000000000000000000000",
    "render_memory_mb: 64",
    "render_memory_mb: 512.5",
    "render_memory_mb: false",
    "max_yaml_bytes: 1.0e+309",
    "max_yaml_bytes: 0",
    "max_yaml_bytes: 100000000000",
    "max_source_bytes: -1",
    "max_source_bytes: [1]",
    "max_source_bytes: 99999999999999999999",
]


@pytest.mark.parametrize("limit", BAD_LIMITS)
def test_absurd_limits_are_refused_at_their_line(tmp_path: Path, limit: str) -> None:
    root = make(tmp_path / "ws", **{"config.yaml": f"organisation: X\nlimits:\n  {limit}\n"})
    status, out, err = cli_in(root, "build", *ALL_FORMATS)
    assert status == 1, err
    name = limit.split(":")[0]
    assert re.search(
        rf'^config\.yaml:3:\d+: error: "{name}" should be .* from \S+ to \S+', err, re.M
    ), err
    assert "Traceback" not in out + err and "internal error" not in err
    assert not (root / "build").exists()


def test_limits_inside_their_range_are_used(tmp_path: Path) -> None:
    config = "limits: {render_timeout: 1.5, render_memory_mb: 1024, max_yaml_bytes: 100000}\n"
    root = make(tmp_path / "ws", **{"config.yaml": config})
    status, _, err = cli_in(root, "build", "--format", "md")
    assert status == 0, err


def _raise(kind: type[BaseException]) -> None:
    raise kind()


def _allocate() -> bytes:
    return b"x" * (1 << 34)


def _crash(sig: int) -> None:
    os.kill(os.getpid(), sig)
    time.sleep(10)


def _no_library() -> None:
    import errno

    raise OSError(errno.ENOMEM, "cannot load library 'libpango-1.0.so.0': Cannot allocate memory")


@pytest.mark.parametrize(
    "fn, args, memory",
    [
        (_raise, (SystemError,), 512),
        (_raise, (MemoryError,), 512),
        (_allocate, (), 1),
        (_crash, (signal.SIGSEGV,), 512),
        (_crash, (signal.SIGTRAP,), 512),
        (_no_library, (), 512),
    ],
    ids=["SystemError", "MemoryError", "too-little-to-start", "SIGSEGV", "SIGTRAP", "dlopen"],
)
def test_a_render_out_of_memory_says_so(
    fn: object, args: tuple[object, ...], memory: int, capfd: pytest.CaptureFixture[str]
) -> None:
    from briefgen.bounded import run_bounded
    from briefgen.errors import Location, RenderError

    with pytest.raises(RenderError) as caught:
        run_bounded(fn, args, 30, memory, Location(Path("b.yaml")))  # type: ignore[arg-type]
    message = caught.value.problems[0].message
    assert "out of memory" in message and f"limit {memory} MB" in message
    assert "render_memory_mb" in message
    assert capfd.readouterr().err == ""


def test_a_render_stopped_from_outside_is_not_called_out_of_memory() -> None:
    from briefgen.bounded import run_bounded
    from briefgen.errors import Location, RenderError

    with pytest.raises(RenderError) as caught:
        run_bounded(_crash, (signal.SIGTERM,), 30, 512, Location(Path("b.yaml")))
    message = caught.value.problems[0].message
    assert "signal SIGTERM from outside briefgen" in message and "memory" not in message


# ---------------------------------------------------------------------------------------------
# 11. Terminal escapes never reach the terminal raw

HOSTILE = "\x1b[2J\x1b]0;owned\x07\r\u202e\u2066x\x9b31m"


def test_nothing_briefgen_prints_holds_a_raw_control_character(tmp_path: Path) -> None:
    root = make(
        tmp_path / "ws",
        **{
            f"briefs/{HOSTILE}.yaml": MINIMAL_BRIEF.replace("minister-plan", "b1").replace(
                "plan-cost", "b2"
            ),
            "briefs/quoted.yaml": MINIMAL_BRIEF.replace("minister-plan", "c1")
            .replace("plan-cost", "c2")
            .replace("source: news", 'source: "\\e[31mnews\\u202e"', 1)
            .replace("stance: The plan", 'stance: "\\e]0;t\\a\\r"\n    role: The plan'),
        },
    )
    runs = [
        run(root, "check"),
        run(root, "build", "--format", "md", "--out", f"out{HOSTILE}"),
        run(root, "build", HOSTILE, "--format", "md"),
        run(root, "build", "--format", HOSTILE),
        run(root, "build", f"--{HOSTILE}"),
        run(root, f"{HOSTILE}"),
        run(root, "check", "--config", HOSTILE),
    ]
    (root / f"briefs/{HOSTILE}.yaml").unlink()
    (root / "briefs/quoted.yaml").unlink()
    runs.append(run(root, "build", "--format", "md", "--out", f"out{HOSTILE}"))
    for status, out, err in runs:
        assert status in (0, 1, 2), err
        assert out + err
        assert not RAW_CONTROL.search(out + err), (out, err)
    wrote = runs[-1][1]
    assert "wrote out\\x1b[2J\\x1b]0;owned\\x07\\r\\u202e\\u2066x\\x9b31m/test.md" in wrote


# ---------------------------------------------------------------------------------------------
# 12. Messages that used to be poor


@pytest.mark.parametrize(
    "epoch", ["abc", "1e9", "-5", "1.5", "99999999999999", "253402300800", "١٢٣", "12 34"]
)
def test_bad_source_date_epoch_is_named(
    tmp_path: Path, epoch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    root = make(tmp_path / "ws")
    status, _, err = cli_in(root, "build", *ALL_FORMATS)
    assert status == 1
    assert err.startswith("briefgen: error: the environment variable SOURCE_DATE_EPOCH is ")
    assert "set it to a plain integer such as SOURCE_DATE_EPOCH=1700000000, or unset it" in err
    assert "ValueError" not in err and "briefs/" not in err
    assert not (root / "build").exists()


# (an epoch before the brief's as_of would make that date "in the future", an error)
@pytest.mark.parametrize("epoch", ["1750000000", " 1750000000 ", "253402300799", ""])
def test_good_source_date_epoch_builds(
    tmp_path: Path, epoch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    root = make(tmp_path / "ws")
    status, _, err = cli_in(root, "build", "--format", "html")
    assert status == 0, err


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("language", ["english", "russian"])
def test_utf16_source_without_bom_is_named_as_utf16(
    tmp_path: Path, encoding: str, language: str
) -> None:
    text = minimal_files()["sources/news.txt"]
    assert isinstance(text, str)
    if language == "russian":
        text = "Министр заявил, что план обойдётся в 2,5 миллиарда фунтов за пять лет.\n" * 3
    root = make(tmp_path / "ws", **{"sources/news.txt": text.encode(encoding)})
    status, _, err = cli_in(root, "check")
    assert status == 1
    assert re.search(
        r'^sources/sources\.yaml:2:9: error: source file "news\.txt": file is UTF-16', err, re.M
    ), err
    assert "1252" not in err


def test_binary_with_nul_bytes_is_still_not_text(tmp_path: Path) -> None:
    root = make(tmp_path / "ws", **{"sources/news.txt": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" * 50})
    status, _, err = cli_in(root, "check")
    assert status == 1 and "UTF-16" not in err


@pytest.mark.parametrize("command", ["check", "build"])
def test_standard_output_on_a_full_device(tmp_path: Path, command: str) -> None:
    root = make(tmp_path / "ws")
    with open("/dev/full", "w") as full:
        proc = (
            process(root, command, "--format", "md", stdout=full, stderr=subprocess.PIPE)
            if command == "build"
            else process(root, command, stdout=full, stderr=subprocess.PIPE)
        )
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err == "briefgen: error: cannot write to standard output: No space left on device\n"


@pytest.mark.parametrize(
    "yaml_text",
    [
        "<<: {subtitle: Merged}\n",
        "meeting:\n  <<: {name: Summit}\n  date: 2025-03-02\n",
        "!!merge x: y\n",
    ],
)
def test_merge_keys_are_named_as_unsupported(tmp_path: Path, yaml_text: str) -> None:
    root = make(tmp_path / "ws", **{"briefs/test.yaml": MINIMAL_BRIEF + yaml_text})
    status, _, err = cli_in(root, "check")
    assert status == 1
    assert re.search(
        r"^briefs/test\.yaml:\d+:\d+: error: YAML merge keys \(<<\) are not supported; write the fields out in full",
        err,
        re.M,
    ), err


def test_a_failure_after_sigterm_is_reported_as_the_interruption(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A SIGTERM inside an import leaves that module half made; code cleaning up after it
    may then fail to import it. That must end as an interruption, not a traceback."""
    from briefgen import cli

    def stopped(**_kwargs: object) -> None:
        try:
            cli._terminate(signal.SIGTERM, None)
        except KeyboardInterrupt:
            raise ImportError("cannot import name 'Extracted' (partially initialized)") from None

    monkeypatch.setattr(cli.cli, "main", stopped)
    monkeypatch.setattr(cli, "_TERMINATED", False)
    monkeypatch.setattr(cli, "_AS_PROCESS", False)  # main() sets it; put back after
    monkeypatch.setattr(collector._Policy, "freeze", False)  # main() sets it too
    monkeypatch.setattr(signal, "signal", lambda *_args: None)  # the test keeps its own
    with pytest.raises(SystemExit) as stop:
        cli.main([])
    assert stop.value.code == 130
    assert capsys.readouterr().err == "briefgen: interrupted\n"


def test_a_failure_without_sigterm_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen import cli

    def broken(**_kwargs: object) -> None:
        raise ImportError("a real bug")

    monkeypatch.setattr(cli.cli, "main", broken)
    monkeypatch.setattr(cli, "_TERMINATED", False)
    monkeypatch.setattr(cli, "_AS_PROCESS", False)  # main() sets it; put back after
    monkeypatch.setattr(collector._Policy, "freeze", False)  # main() sets it too
    monkeypatch.setattr(signal, "signal", lambda *_args: None)
    with pytest.raises(ImportError, match="a real bug"):
        cli.main([])


def test_a_temporary_file_a_killed_build_left_is_removed_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.write import STALE_TEMP_SECONDS, TEMP_PREFIX
    from conftest import build_tree, minimal_files, run_cli

    root = build_tree(tmp_path / "ws", minimal_files())
    monkeypatch.chdir(root)
    out = root / "build"
    out.mkdir()
    left = out / f"{TEMP_PREFIX}killed.tmp"  # half an output, as a kill leaves it
    under_way = out / f"{TEMP_PREFIX}another.tmp"  # another build's, a moment old
    left.write_bytes(b"%PDF-1.7 half")
    under_way.write_bytes(b"%PDF-1.7 being written")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(left, (old, old))
    assert run_cli("build", "--format", "md").exit_code == 0
    assert not left.exists() and under_way.exists()
    assert (out / "test.md").is_file()
