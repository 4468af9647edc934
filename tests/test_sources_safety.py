"""Source catalogue `file:` entries that must be refused: paths out of sources/, odd files, bad text.

Each is refused with an error at the catalogue line (exit 1, no traceback), nothing is written,
and no input file is touched.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.cache import FOLDER as CACHE_FOLDER
from conftest import MINIMAL_CATALOGUE, build_tree, minimal_files, run_cli, run_subprocess

# The extra catalogue entry starts at line 6; its `file:` value at line 7, column 9.
BAD_ENTRY = "- id: bad\n  file: {file}\n  publisher: Example\n  title: A bad entry\n"
FILE_LINE = "sources/sources.yaml:7:9"
SECRET = "The vault combination is 4-8-15-16-23-42."

Setup = Callable[[Path, Path], None]


def make_workspace(tmp_path: Path, file_yaml: str, **overrides: str | bytes) -> tuple[Path, Path]:
    """A minimal workspace with one extra catalogue entry, plus a folder outside it."""
    outside = build_tree(tmp_path / "outside", {"secret.txt": SECRET + "\n"})
    root = build_tree(
        tmp_path / "ws",
        minimal_files(
            sources__sources_yaml=MINIMAL_CATALOGUE + BAD_ENTRY.format(file=file_yaml),
            **overrides,
        ),
    )
    return root, outside


def snapshot(*roots: Path) -> dict[str, tuple[int, int, int, bytes | None]]:
    """Mode, size, mtime and (for regular files) bytes of everything under the roots but
    the cache (which only ever saves time)."""
    state: dict[str, tuple[int, int, int, bytes | None]] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != CACHE_FOLDER]
            for name in [*dirs, *files]:
                path = Path(folder) / name
                st = os.lstat(path)
                data = path.read_bytes() if stat.S_ISREG(st.st_mode) else None
                state[str(path)] = (st.st_mode, st.st_size, st.st_mtime_ns, data)
    return state


def diagnostics(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line or ": warning: " in line]


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


def assert_refused(exit_code: int, stdout: str, stderr: str, expected: str) -> None:
    assert exit_code == 1, stderr
    assert "Traceback" not in stdout + stderr
    assert "internal error" not in stdout + stderr
    assert errors(stderr) == [expected]
    assert SECRET not in stdout + stderr


# --- paths that leave sources/ ----------------------------------------------------------------


def _nothing(root: Path, outside: Path) -> None:
    pass


def _sub(root: Path, outside: Path) -> None:
    (root / "sources/sub").mkdir()


def _link_to_secret(root: Path, outside: Path) -> None:
    os.symlink(outside / "secret.txt", root / "sources/link.txt")


def _relative_link_to_config(root: Path, outside: Path) -> None:
    os.symlink("../config.yaml", root / "sources/link.txt")


def _link_to_outside_folder(root: Path, outside: Path) -> None:
    os.symlink(outside, root / "sources/docs")


def _link_chain(root: Path, outside: Path) -> None:
    os.symlink(outside / "secret.txt", root / "sources/b.txt")
    os.symlink("b.txt", root / "sources/a.txt")


ABSOLUTE = "is an absolute path; give a path relative to the sources folder"
DOTDOT = 'contains ".."; the file must be inside the sources folder'
URL = 'is a URL; save the document into the sources folder, name the file here and put the URL in "url"'
LINK = "leads outside the sources folder (through a link); copy the document in instead"

PATH_CASES: list[tuple[str, str, Setup, str]] = [
    # (id, file as written in YAML, setup, message after `source file "<file>" `)
    ("absolute-outside", "{outside}/secret.txt", _nothing, ABSOLUTE),
    ("absolute-etc", "/etc/hostname", _nothing, ABSOLUTE),
    ("absolute-but-inside", "{root}/sources/news.txt", _nothing, ABSOLUTE),
    ("dotdot", "../config.yaml", _nothing, DOTDOT),
    ("dotdot-through-folder", "sub/../../config.yaml", _sub, DOTDOT),
    ("dotdot-to-outside", "../../outside/secret.txt", _nothing, DOTDOT),
    ("url-https", "https://example.com/report.txt", _nothing, URL),
    ("url-file", "file:///etc/passwd", _nothing, URL),
    ("symlink-to-outside-file", "link.txt", _link_to_secret, LINK),
    ("relative-symlink-to-config", "link.txt", _relative_link_to_config, LINK),
    ("symlink-folder-outside", "docs/secret.txt", _link_to_outside_folder, LINK),
    ("symlink-chain", "a.txt", _link_chain, LINK),
]


@pytest.mark.parametrize(
    "command", [("check",), ("build", "--format", "md")], ids=["check", "build"]
)
@pytest.mark.parametrize(
    ("file", "setup", "message"),
    [case[1:] for case in PATH_CASES],
    ids=[case[0] for case in PATH_CASES],
)
def test_source_path_leaving_sources_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    file: str,
    setup: Setup,
    message: str,
) -> None:
    file = file.format(outside=tmp_path / "outside", root=tmp_path / "ws")
    root, outside = make_workspace(tmp_path, file)
    setup(root, outside)
    before = snapshot(root, outside)
    monkeypatch.chdir(root)

    result = run_cli(*command)

    assert_refused(
        result.exit_code,
        result.stdout,
        result.stderr,
        f'{FILE_LINE}: error: source file "{file}" {message}',
    )
    assert not (root / "build").exists()
    assert snapshot(root, outside) == before


@pytest.mark.parametrize(
    "command", [("check",), ("build", "--format", "md")], ids=["check", "build"]
)
def test_source_path_with_nul_is_refused_and_shown_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    root, outside = make_workspace(tmp_path, '"news\\0.txt"')
    before = snapshot(root, outside)
    monkeypatch.chdir(root)

    result = run_cli(*command)

    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    [line] = errors(result.stderr)
    assert line.startswith(f"{FILE_LINE}: error: value contains the invisible control ")
    assert "U+0000 (NUL)" in line
    # A raw NUL is invisible in a terminal (the user would see "news.txt" and be baffled)
    # and corrupts logs: the name must be shown escaped.
    assert "\x00" not in result.stderr
    assert not (root / "build").exists()
    assert snapshot(root, outside) == before


def test_symlink_out_of_sources_never_shows_the_target_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # If the link were followed, a near-miss quote would print the secret as "nearest passage".
    root, outside = make_workspace(
        tmp_path,
        "link.txt",
        briefs__probe_yaml=(
            "title: Probe\n"
            "positions:\n"
            "  - id: probe\n"
            "    actor: Nobody\n"
            "    stance: Probe.\n"
            "    cite:\n"
            "      - source: bad\n"
            "        quote: The vault combination is 1-2-3-4-5-6.\n"
        ),
    )
    _link_to_secret(root, outside)
    before = snapshot(root, outside)
    monkeypatch.chdir(root)

    result = run_cli("check")

    assert result.exit_code == 1
    assert f'{FILE_LINE}: error: source file "link.txt" {LINK}' in result.stderr
    assert "4-8-15" not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert snapshot(root, outside) == before


# --- files that are not readable text ---------------------------------------------------------


def test_folder_as_source_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, outside = make_workspace(tmp_path, "sub")
    (root / "sources/sub").mkdir()
    (root / "sources/sub/inner.txt").write_text("inner\n", encoding="utf-8")
    before = snapshot(root, outside)
    monkeypatch.chdir(root)

    result = run_cli("check")

    assert_refused(
        result.exit_code,
        result.stdout,
        result.stderr,
        f'{FILE_LINE}: error: source file "sub" is not a regular file; name a text file',
    )
    assert snapshot(root, outside) == before


def test_fifo_as_source_is_refused_without_hanging(tmp_path: Path) -> None:
    root, outside = make_workspace(tmp_path, "pipe.txt")
    os.mkfifo(root / "sources/pipe.txt")
    before = snapshot(root, outside)

    # Opening a FIFO for reading blocks until a writer appears: a hang here fails on the timeout.
    proc = run_subprocess("check", cwd=root, timeout=30)

    assert_refused(
        proc.returncode,
        proc.stdout,
        proc.stderr,
        f'{FILE_LINE}: error: source file "pipe.txt" is not a regular file; name a text file',
    )
    assert snapshot(root, outside) == before


def test_fifo_as_source_does_not_hang_build(tmp_path: Path) -> None:
    root, outside = make_workspace(tmp_path, "pipe.txt")
    os.mkfifo(root / "sources/pipe.txt")
    before = snapshot(root, outside)

    proc = run_subprocess("build", "--format", "md", cwd=root, timeout=30)

    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f'{FILE_LINE}: error: source file "pipe.txt" is not a regular file' in proc.stderr
    assert not (root / "build").exists()
    assert snapshot(root, outside) == before


def test_device_as_source_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, outside = make_workspace(tmp_path, "device.txt")
    try:
        # The same device as /dev/null, but inside sources/ so that containment does not catch it.
        os.mknod(root / "sources/device.txt", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    before = snapshot(root, outside)
    monkeypatch.chdir(root)

    result = run_cli("check")

    assert_refused(
        result.exit_code,
        result.stdout,
        result.stderr,
        f'{FILE_LINE}: error: source file "device.txt" is not a regular file; name a text file',
    )
    assert snapshot(root, outside) == before


SMALL_SOURCE = 'The minister said the plan would cost "£2.5 billion" over five years.\n'
LIMITED_CONFIG = "organisation: Test Unit\nlimits: {max_source_bytes: 100}\n"


def test_source_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, outside = make_workspace(
        tmp_path,
        "big.txt",
        config_yaml=LIMITED_CONFIG,
        sources__news_txt=SMALL_SOURCE,
        sources__big_txt="x" * 101,
    )
    before = snapshot(root, outside)
    monkeypatch.chdir(root)

    result = run_cli("check")

    assert_refused(
        result.exit_code,
        result.stdout,
        result.stderr,
        f'{FILE_LINE}: error: source file "big.txt" is 101 bytes, over the limit of 100; '
        "split it or raise the limit in config.yaml",
    )
    assert snapshot(root, outside) == before


def test_source_at_the_size_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = make_workspace(
        tmp_path,
        "exact.txt",
        config_yaml=LIMITED_CONFIG,
        sources__news_txt=SMALL_SOURCE,
        sources__exact_txt="x" * 100,
    )
    monkeypatch.chdir(root)

    result = run_cli("check")

    assert result.exit_code == 0, result.stderr
    assert diagnostics(result.stderr) == [
        'sources/sources.yaml:6:3: warning: source "bad" is cited by no brief'
    ]


def test_source_not_utf8_is_refused_at_its_catalogue_line_naming_the_bad_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, outside = make_workspace(
        tmp_path, "word.txt", sources__word_txt=b"First line\nIt was \x93quoted\x94 here.\n"
    )
    before = snapshot(root, outside)
    monkeypatch.chdir(root)

    result = run_cli("check")

    assert_refused(
        result.exit_code,
        result.stdout,
        result.stderr,
        'sources/sources.yaml:7:9: error: source file "word.txt": file is not valid UTF-8 '
        "(byte 0x93); it looks like Windows-1252 or Latin-1: save it as UTF-8 (line 2, column 8)",
    )
    assert snapshot(root, outside) == before


def test_source_with_nul_bytes_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, outside = make_workspace(
        tmp_path, "binary.txt", sources__binary_txt=b"%PDF-1.7\nobj\x00\x01\x02\n"
    )
    before = snapshot(root, outside)
    monkeypatch.chdir(root)

    result = run_cli("check")

    assert_refused(
        result.exit_code,
        result.stdout,
        result.stderr,
        'sources/sources.yaml:7:9: error: source file "binary.txt": file contains a NUL byte; '
        "it is not a text file (line 2, column 4)",
    )
    assert snapshot(root, outside) == before


# --- what is allowed (so that the refusals above mean something) ------------------------------


def test_symlink_that_stays_inside_sources_is_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = make_workspace(tmp_path, "alias.txt")
    os.symlink("news.txt", root / "sources/alias.txt")
    monkeypatch.chdir(root)

    result = run_cli("check")

    assert result.exit_code == 0, result.stderr
    assert diagnostics(result.stderr) == [
        'sources/sources.yaml:6:3: warning: source "bad" is cited by no brief'
    ]


def test_file_in_a_subfolder_is_allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = make_workspace(
        tmp_path, "2025/march/notes.txt", sources__2025__march__notes_txt="x\n"
    )
    monkeypatch.chdir(root)

    result = run_cli("check")

    assert result.exit_code == 0, result.stderr
    assert diagnostics(result.stderr) == [
        'sources/sources.yaml:6:3: warning: source "bad" is cited by no brief'
    ]
