"""The command-line contract: exact output and exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen import build as pipeline
from briefgen.cli import cli
from conftest import ROOT, build_tree, minimal_files, run_cli, run_subprocess

SUMMARY_OK = "1 brief, 2 items, 2 of 2 citations verified, 0 warnings, 0 errors\n"


def test_check_good_workspace(workspace: Path) -> None:
    result = run_cli("check")
    assert result.exit_code == 0
    assert result.stdout == SUMMARY_OK
    assert result.stderr == ""


def test_build_writes_pdf_and_markdown(workspace: Path) -> None:
    result = run_cli("build")
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote build/test.pdf\nwrote build/test.md\n" + SUMMARY_OK
    assert (workspace / "build" / "test.pdf").read_bytes().startswith(b"%PDF-")
    assert (workspace / "build" / "test.md").read_text().startswith("**OFFICIAL**")


def test_build_named_brief_format_and_out(workspace: Path) -> None:
    result = run_cli("build", "test", "--format", "md", "--format", "html", "--out", "out")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == ["wrote out/test.md", "wrote out/test.html"]
    assert not (workspace / "build").exists()


def test_check_with_config_option_from_elsewhere(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--config", str(workspace / "config.yaml"))
    assert result.exit_code == 0, result.output
    folder = run_cli("check", "--config", str(workspace))
    assert folder.exit_code == 0, folder.output


def test_a_mistyped_config_is_refused_not_replaced_by_defaults(workspace: Path) -> None:
    (workspace / "config.yaml").write_text("strict: true\n", encoding="utf-8")
    for args in (("check", "--config", "confg.yaml"), ("--config", "confg.yaml", "build")):
        result = run_cli(*args)
        assert result.exit_code == 2, result.output  # not a run with every setting at its default
        assert "no workspace config at confg.yaml" in result.stderr
    assert not (workspace / "build").exists()
    (workspace / "config.yaml").unlink()  # a folder with briefs/ and no config.yaml: defaults
    assert run_cli("check", "--config", str(workspace / "config.yaml")).exit_code == 0


def test_another_yaml_file_given_as_the_config_is_a_usage_error(workspace: Path) -> None:
    """The catalogue (or a brief) given to --config was read as config.yaml, its folder as
    the workspace; a file of another name beside briefs/ is still a workspace's config."""
    result = run_cli("check", "--config", "sources/sources.yaml")
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "briefgen: error: sources/sources.yaml is not a workspace's config.yaml (there is no "
        "briefs/ folder beside it); pass --config with a workspace's config.yaml or its folder\n"
    )
    (workspace / "staging.yaml").write_text("organisation: Staging\n", encoding="utf-8")
    assert run_cli("check", "--config", "staging.yaml").exit_code == 0


def test_data_error_exit_1_with_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brief = minimal_files()["briefs/test.yaml"]
    assert isinstance(brief, str)
    files = minimal_files(briefs__test_yaml=brief.replace("over five years", "over six years"))
    monkeypatch.chdir(build_tree(tmp_path, files))
    result = run_cli("check")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        'briefs/test.yaml:12:16: error: quote not found in source "news" (news.txt); you wrote "six", '
        'the source has "five"; the nearest passage, line 1 (94% alike) reads: "the plan would cost '
        '“£2.5 billion” over five years"\n'
    )
    assert result.stdout == "1 brief, 2 items, 1 of 2 citations verified, 0 warnings, 1 error\n"


def test_summary_counts_brief_files_that_could_not_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = minimal_files(briefs__broken_yaml="title: [unclosed\n", briefs__list_yaml="- a\n")
    monkeypatch.chdir(build_tree(tmp_path, files))
    result = run_cli("check")
    assert result.exit_code == 1
    assert result.stdout == (
        "1 brief (2 more could not be read), 2 items, 2 of 2 citations verified, 0 warnings, "
        "2 errors\n"
    )


def test_build_with_errors_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = minimal_files(
        sources__sources_yaml="- id: news\n  file: missing.txt\n  publisher: X\n  title: Y\n"
    )
    monkeypatch.chdir(build_tree(tmp_path, files))
    result = run_cli("build")
    assert result.exit_code == 1
    assert (
        'sources/sources.yaml:2:9: error: source file "missing.txt" does not exist; '
        "copy the document into sources/ or fix the name" in result.stderr
    )
    assert not (tmp_path / "build").exists()


def test_no_workspace_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("check")
    assert result.exit_code == 1
    assert result.stderr.startswith("briefgen: error: no workspace here: no config.yaml in ")


@pytest.mark.parametrize(
    "args",
    [["check", "--bogus"], ["build", "--format", "odt"], ["frobnicate"], []],
)
def test_usage_errors_exit_2(workspace: Path, args: list[str]) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    if args:
        assert "Usage:" in result.stderr


def test_strict_turns_warnings_into_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = minimal_files()
    files["sources/extra.txt"] = "Unused.\n"
    files["sources/sources.yaml"] = (
        str(files["sources/sources.yaml"])
        + "- id: extra\n  file: extra.txt\n  publisher: P\n  title: T\n"
    )
    monkeypatch.chdir(build_tree(tmp_path, files))
    relaxed = run_cli("check")
    assert relaxed.exit_code == 0
    assert (
        relaxed.stderr == 'sources/sources.yaml:6:3: warning: source "extra" is cited by no brief\n'
    )
    strict = run_cli("check", "--strict")
    assert strict.exit_code == 1
    assert run_cli("build", "--strict", "--format", "md").exit_code == 1
    assert not (tmp_path / "build").exists()


def test_internal_error_exit_3_without_traceback(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "load_workspace", boom)
    result = run_cli("check")
    assert result.exit_code == 3
    assert result.stderr == (
        "briefgen: internal error: ZeroDivisionError: division by zero\n"
        "briefgen: rerun with --debug to see the traceback, and report it\n"
    )
    debug = run_cli("--debug", "check")
    assert debug.exit_code == 3
    assert "Traceback (most recent call last)" in debug.stderr


def test_real_process_on_sample() -> None:
    proc = run_subprocess("check", "--strict", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.endswith("citations verified, 0 warnings, 0 errors\n")
    verified, total = (
        proc.stdout.split(" of ")[0].rsplit(" ", 1)[1],
        proc.stdout.split(" of ")[1].split()[0],
    )
    assert verified == total


def test_every_command_has_help_with_an_example() -> None:
    for name, command in cli.commands.items():
        result = run_cli(name, "--help")
        assert result.exit_code == 0
        assert "Example: briefgen" in result.stdout, name
        assert command.help


def test_readme_documents_every_command_and_option() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, command in cli.commands.items():
        assert f"briefgen {name}" in readme
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert opt in readme, f"{name} {opt} is not in README.md"


def test_check_output_format_json_lists_every_problem_for_a_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from conftest import MINIMAL_BRIEF

    brief = MINIMAL_BRIEF.replace('over five years"', 'over six years"').replace(
        "    stance: The plan is affordable.\n",
        "    stance: The plan is affordable.\n    stnace: x\n",
    )
    root = build_tree(tmp_path / "ws", minimal_files(briefs__test_yaml=brief))
    monkeypatch.chdir(root)
    text = run_cli("check")
    result = run_cli("check", "--output-format", "json")
    assert result.exit_code == text.exit_code == 1
    assert result.stderr == ""
    problems = json.loads(result.stdout)
    assert [
        f"{p['path']}:{p['line']}:{p['column']}: {p['severity']}: {p['message']}" for p in problems
    ] == text.stderr.splitlines()
    assert {p["severity"] for p in problems} == {"error"}
    assert problems[0]["path"] == "briefs/test.yaml" and isinstance(problems[0]["line"], int)
    (root / "briefs" / "test.yaml").write_text(MINIMAL_BRIEF)
    clean = run_cli("check", "--output-format", "JSON")
    assert (clean.exit_code, clean.stdout) == (0, "[]\n")


def test_check_output_format_json_without_a_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--output-format", "json")
    assert result.exit_code == 1
    [problem] = json.loads(result.stdout)
    assert problem["path"] is None and problem["line"] is None
    assert problem["severity"] == "error" and problem["message"].startswith("no workspace here")


def test_check_output_format_json_escapes_what_could_act_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from conftest import MINIMAL_BRIEF

    brief = MINIMAL_BRIEF.replace("  topic: Costs", '  topic: Costs\n    t\u202eopic: "\\e[2J"')
    root = build_tree(tmp_path / "ws", minimal_files(briefs__test_yaml=brief))
    monkeypatch.chdir(root)
    result = run_cli("check", "--output-format", "json")
    assert result.stdout.isascii() and "\x1b" not in result.stdout
    assert json.loads(result.stdout), result.stdout


def test_an_option_given_before_its_command_is_told_where_it_goes(workspace: Path) -> None:
    done = run_subprocess("--format", "md", "build", cwd=workspace)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "--format is an option of build, diff: write it after the command, as in  "
        "briefgen build --format ..."
    )


def test_a_missing_choice_lists_the_choices_without_escaped_tabs(workspace: Path) -> None:
    done = run_subprocess("schema", cwd=workspace)
    assert done.returncode == 2
    assert "\\t" not in done.stderr and "  brief," in done.stderr


def test_build_with_no_briefs_says_how_to_start_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init").exit_code == 0
    result = run_cli("build")
    assert result.exit_code == 1
    assert "error: no briefs to build yet: start one with  briefgen new NAME" in result.stderr


def test_a_topic_asked_for_where_no_position_has_one_says_so(workspace: Path) -> None:
    brief = workspace / "briefs" / "test.yaml"
    brief.write_text(brief.read_text().replace("    topic: Costs\n", ""))
    result = run_cli("build", "--topic", "Security", "--format", "md")
    assert result.exit_code == 2
    assert "no position of the briefs has a topic: yet" in result.stderr
    assert "use one of: none" not in result.stderr


def test_the_placeholder_publisher_is_warned_about(workspace: Path) -> None:
    catalogue = workspace / "sources" / "sources.yaml"
    text = catalogue.read_text()
    publisher = next(line for line in text.splitlines() if "publisher:" in line)
    catalogue.write_text(text.replace(publisher, "  publisher: Unknown publisher"))
    result = run_cli("check")
    assert (
        'warning: publisher is still "Unknown publisher", as briefgen sources add wrote it'
        in result.stderr
    )


def test_a_meeting_written_as_a_date_is_told_where_the_date_goes(workspace: Path) -> None:
    brief = workspace / "briefs" / "test.yaml"
    brief.write_text(
        brief.read_text().replace("as_of: 2025-03-02\n", "as_of: 2025-03-02\nmeeting: 2025-03-20\n")
    )
    result = run_cli("check")
    assert (
        'briefs/test.yaml:3:10: warning: "meeting: 2025-03-20" is read as the meeting\'s name, '
        "not its date; for the date, write  meeting:  and under it  date: 2025-03-20"
    ) in result.stderr


@pytest.mark.parametrize(
    ("proposed_by", "warned"),
    [
        ("John Healey, Keir Starmer", True),
        ("Emmanuel Macron and Keir Starmer", True),
        ("The Secretary of State, John Healey", False),  # one proposer, described
        ("[John Healey, Keir Starmer]", False),  # a list: each named
        ("France", False),
    ],
)
def test_several_people_named_in_one_proposed_by_are_warned_about(
    workspace: Path, proposed_by: str, warned: bool
) -> None:
    brief = workspace / "briefs" / "test.yaml"
    brief.write_text(
        brief.read_text()
        + "proposals:\n  - id: plan\n    title: A plan\n    status: proposed\n"
        + f"    proposed_by: {proposed_by}\n    cite:\n      - source: news\n"
        + '        quote: the plan would cost "£2.5 billion" over five years\n'
    )
    result = run_cli("check")
    assert ("people in one value" in result.stderr) == warned, result.stderr


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "summary: |\n  - One key message.\n",
            "summary:\n  - One key message.\n",
            '"summary" should be text, not a list (- items); to keep the lines as they are '
            "(Markdown list and all), write  summary: |  and indent the lines under it",
        ),
        (
            "title: Test brief\n",
            "“title”: Test brief\n",
            'unknown field "“title”" in the brief: its name is in quotation marks; write it '
            "without them:  title:",
        ),
        (
            "    cite:\n      - source: news\n        quote: the plan would cost \"£2.5 billion\" over five years\n",
            "    quote: the plan would cost \"£2.5 billion\" over five years\n",
            "a quote belongs to a citation: write it under  cite:  as  - source: ID  and  quote:",
        ),
    ],
)  # fmt: skip
def test_a_field_written_wrong_is_told_what_to_write(
    workspace: Path, old: str, new: str, message: str
) -> None:
    brief = workspace / "briefs" / "test.yaml"
    assert old in brief.read_text()
    brief.write_text(brief.read_text().replace(old, new, 1))
    result = run_cli("check")
    assert message in result.stderr, result.stderr


def test_a_number_of_days_written_in_words_is_shown_in_digits(workspace: Path) -> None:
    (workspace / "config.yaml").write_text("stale_after_days: thirty\n")
    result = run_cli("check")
    assert (
        'config.yaml:1:19: error: "stale_after_days" should be a whole number of at least 0, '
        "written in digits: stale_after_days: 30"
    ) in result.stderr


def test_quote_words_that_begin_with_a_dash_are_told_to_follow_two_dashes(
    workspace: Path,
) -> None:
    result = run_subprocess("quote", "news", "-2.5% of GDP", cwd=workspace)
    assert result.returncode == 2
    assert result.stderr.endswith(
        'words that begin with "-" (-2...) are read as an option: write -- before the words, '
        "as in  briefgen quote SOURCE -- -2.5% of GDP\n"
    )


def test_every_output_format_is_named_where_formats_are_listed() -> None:
    """The help, the schema's description and the config that init writes listed three
    of the five formats."""
    from briefgen import spec
    from briefgen.commands import init
    from briefgen.formats import NAMES

    listed = ", ".join(NAMES)
    assert listed in run_cli("build", "--help").output.replace("\n", " ").replace("  ", " ")
    assert listed in str(spec.CONFIG)
    assert f"({listed})" in init.CONFIG
