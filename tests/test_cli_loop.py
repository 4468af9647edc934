"""The command line a user expects: found from any folder, options anywhere, filtered builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.cli import cli
from conftest import build_tree, minimal_files, run_cli

OK = "1 brief, 2 items, 2 of 2 citations verified, 0 warnings, 0 errors\n"


def test_check_and_build_work_from_a_subfolder(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace / "briefs")
    result = run_cli("check")
    assert result.exit_code == 0, result.output
    assert result.stdout == OK
    named = run_cli("check", "test")
    assert named.exit_code == 0 and named.stdout == OK
    by_path = run_cli("check", "test.yaml")
    assert by_path.exit_code == 0 and by_path.stdout == OK
    built = run_cli("build", "--format", "md")
    assert built.exit_code == 0, built.output
    assert (workspace / "build/test.md").is_file()
    deep = workspace / "sources" / "sub"
    deep.mkdir()
    monkeypatch.chdir(deep)
    assert run_cli("quote", "news", "five", "years").exit_code == 0


def test_check_names_an_unknown_brief(workspace: Path) -> None:
    result = run_cli("check", "tset")
    assert result.exit_code == 2  # a name on the command line: bad usage
    assert 'no brief named "tset" (did you mean "test"?)' in result.stderr
    missing = run_cli("--config", "no-such-folder/config.yaml", "check")
    assert missing.exit_code == 2 and "no workspace config at" in missing.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--strict", "check"],
        ["check", "--strict"],
        ["--config", "CFG", "check"],
        ["check", "--config", "CFG"],
    ],
)
def test_shared_options_before_or_after_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    files = minimal_files()
    files["sources/extra.txt"] = "Unused.\n"
    files["sources/sources.yaml"] = (
        str(files["sources/sources.yaml"])
        + "- id: extra\n  file: extra.txt\n  publisher: P\n  title: T\n"
    )
    ws = build_tree(tmp_path / "ws", files)
    monkeypatch.chdir(tmp_path if "CFG" in args else ws)
    args = [str(ws) if a == "CFG" else a for a in args]
    result = run_cli(*args)
    if "--strict" in args:
        assert result.exit_code == 1  # the uncited source is a warning, so strict fails
    else:
        assert result.exit_code == 0, result.output
    assert "cited by no brief" in result.stderr


def test_debug_after_the_command(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen import build as pipeline

    def boom(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("x")

    monkeypatch.setattr(pipeline, "load_workspace", boom)
    result = run_cli("build", "--debug")
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.stderr


def test_format_list_and_short_out(workspace: Path) -> None:
    result = run_cli("build", "--format", "md,html", "-o", "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (workspace / "out").iterdir()) == ["test.html", "test.md"]
    repeated = run_cli("build", "--format", "md", "--format", "html,md", "--out", "out2")
    assert repeated.stdout.splitlines()[:2] == ["wrote out2/test.md", "wrote out2/test.html"]
    bad = run_cli("build", "--format", "md,odt")
    assert bad.exit_code == 2
    assert 'unknown format "odt"' in bad.stderr


FILTER_BRIEF = """\
title: Filtered brief
positions:
  - id: a
    actor: Alice
    topic: Costs
    stance: Costs are fine.
  - id: b
    actor: Bob
    topic: Timing
    stance: Too late.
proposals:
  - id: p1
    title: Cap the costs
    proposed_by: [Bob]
    status: proposed
  - id: p2
    title: Delay it
    proposed_by: Alice
    status: agreed
figures:
  - id: f1
    label: Costs in total
    value: "2.5"
  - id: f2
    label: Years
    value: "5"
"""


def test_build_topic_and_actor_filters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(build_tree(tmp_path, minimal_files(briefs__test_yaml=FILTER_BRIEF)))
    result = run_cli("build", "--topic", "costs", "--format", "md")
    assert result.exit_code == 0, result.output
    md = (tmp_path / "build/test.md").read_text()
    assert "Filtered brief (filtered: topic Costs)" in md  # spelled as the brief spells it
    assert "Costs are fine." in md and "Too late." not in md
    assert "Cap the costs" in md and "Delay it" not in md
    assert "Costs in total" in md and "Years" not in md
    both = run_cli(
        "build", "--actor", "Bob", "--actor", "Alice", "--topic", "Timing", "--format", "md"
    )
    assert both.exit_code == 0
    md = (tmp_path / "build/test.md").read_text()
    assert "Too late." in md and "Costs are fine." not in md
    assert "topic Timing, actor Bob, actor Alice" in md
    actor = run_cli("build", "--actor", "alice", "--format", "md")
    md = (tmp_path / "build/test.md").read_text()
    assert actor.exit_code == 0
    assert "Delay it" in md and "Cap the costs" not in md and "Too late." not in md


def test_unknown_topic_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(build_tree(tmp_path, minimal_files(briefs__test_yaml=FILTER_BRIEF)))
    result = run_cli("build", "--topic", "Cost", "--format", "md")
    assert result.exit_code == 2
    assert '--topic "Cost" matches nothing (did you mean "Costs"?)' in result.stderr
    assert not (tmp_path / "build").exists()


def test_help_lists_every_command_with_an_example() -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    for name, command in cli.commands.items():
        assert f"\n  {name} " in result.stdout, name
        examples = [
            line for line in (command.help or "").splitlines() if "Example: briefgen" in line
        ]
        assert examples, name
        for example in examples:
            assert example.strip().removeprefix("Example: ") in result.stdout
    assert "briefgen sources add" in result.stdout
