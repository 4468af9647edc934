"""The last stage: outputs written atomically into the output folder, and only there."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from briefgen.errors import OutputError
from briefgen.write import TEMP_PREFIX, replace_file, write_atomic


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_an_output_is_written_whole_readable_by_all_and_with_no_temporary_file_left(
    tmp_path: Path,
) -> None:
    old = os.umask(0o077)  # a strict umask: the output is still for others to read
    try:
        target = write_atomic(tmp_path, "b.md", b"new\n", set())
    finally:
        os.umask(old)
    assert target == tmp_path / "b.md" and target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert _leftovers(tmp_path) == []


def test_a_link_at_the_output_is_replaced_never_written_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(b"keep\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.md").symlink_to(elsewhere)
    write_atomic(out, "b.md", b"new\n", set())
    assert not (out / "b.md").is_symlink() and (out / "b.md").read_bytes() == b"new\n"
    assert elsewhere.read_bytes() == b"keep\n"


@pytest.mark.parametrize("name", ["../b.md", "sub/b.md", ".hidden", "a\\b.md"])
def test_an_output_name_that_could_leave_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError):
        write_atomic(tmp_path / "out", name, b"x", set())
    assert list(tmp_path.iterdir()) == []


def test_an_input_file_or_a_folder_at_the_output_is_refused(tmp_path: Path) -> None:
    brief = tmp_path / "b.yaml"
    brief.write_bytes(b"title: T\n")
    with pytest.raises(OutputError, match="refusing to overwrite"):
        write_atomic(tmp_path, "b.yaml", b"x", {brief.resolve()})
    (tmp_path / "d.md").mkdir()
    with pytest.raises(OutputError, match="refusing to overwrite"):
        write_atomic(tmp_path, "d.md", b"x", set())
    assert brief.read_bytes() == b"title: T\n" and _leftovers(tmp_path) == []


def test_a_file_kept_from_being_overwritten_is_left_as_it_is(tmp_path: Path) -> None:
    target = tmp_path / "b.yaml"
    target.write_bytes(b"theirs\n")
    with pytest.raises(FileExistsError):
        replace_file(target, b"ours\n", overwrite=False)
    assert target.read_bytes() == b"theirs\n" and _leftovers(tmp_path) == []
    replace_file(tmp_path / "new.yaml", b"ours\n", overwrite=False)
    assert (tmp_path / "new.yaml").read_bytes() == b"ours\n"
    assert (tmp_path / "new.yaml").stat().st_nlink == 1


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "b.md"
    target.write_bytes(b"old\n")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OutputError, match=r"cannot write .*No space left on device"):
        write_atomic(tmp_path, "b.md", b"new\n", set())
    assert target.read_bytes() == b"old\n" and _leftovers(tmp_path) == []
