"""Schema problems: each reported as path:line:col: error: message, all of them in one run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.build import check
from briefgen.models import PartialDate, Position
from conftest import MINIMAL_BRIEF, MINIMAL_CATALOGUE, build_tree, run_cli

DIAGNOSTIC = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): "
)


def problems(stderr: str) -> list[str]:
    """The diagnostic lines of the CLI's stderr."""
    return [line for line in stderr.splitlines() if DIAGNOSTIC.match(line)]


def errors(stderr: str) -> list[str]:
    return [line for line in problems(stderr) if ": error: " in line]


def no_crash(result: object) -> None:
    out = result.stdout + result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in out
    assert "internal error" not in out


# --- a clean workspace ------------------------------------------------------------------------


def test_minimal_workspace_is_clean(workspace: Path) -> None:
    result = run_cli("check")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == "1 brief, 2 items, 2 of 2 citations verified, 0 warnings, 0 errors\n"


# --- unknown and missing fields ---------------------------------------------------------------


def test_unknown_field_with_did_you_mean(workspace: Path) -> None:
    build_tree(workspace, {"briefs/test.yaml": MINIMAL_BRIEF.replace("    stance:", "    stnace:")})
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        'briefs/test.yaml:9:5: error: unknown field "stnace" in this position '
        '(did you mean "stance"?); allowed fields: '
    ) in result.stderr
    no_crash(result)


def test_a_known_field_with_its_colon_left_out_is_told_so(workspace: Path) -> None:
    brief = MINIMAL_BRIEF.replace("title: Test brief", "title 'Test: brief'")
    build_tree(workspace, {"briefs/test.yaml": brief})
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        'briefs/test.yaml:1:1: error: unknown field "title \'Test" in the brief: a colon is '
        'missing after "title"; write  title: and the value after it'
    ) in result.stderr
    no_crash(result)


def test_unknown_top_level_field_with_did_you_mean(workspace: Path) -> None:
    build_tree(
        workspace,
        {
            "briefs/test.yaml": """\
            title: Test brief
            sumary: One line.
            """
        },
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        'briefs/test.yaml:2:1: error: unknown field "sumary" in the brief (did you mean "summary"?)'
        in result.stderr
    )


def test_missing_required_field(workspace: Path) -> None:
    build_tree(
        workspace,
        {
            "briefs/test.yaml": """\
            title: Test brief
            positions:
              - id: minister-plan
                stance: The plan is affordable.
                cite:
                  - source: news
                    quote: the plan would cost
            """
        },
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert errors(result.stderr) == [
        'briefs/test.yaml:3:5: error: this position has no "actor"; '
        "add a line such as  actor: Keir Starmer"
    ]


def test_missing_brief_title(workspace: Path) -> None:
    build_tree(workspace, {"briefs/test.yaml": MINIMAL_BRIEF.replace("title: Test brief\n", "")})
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        'briefs/test.yaml:1:1: error: the brief has no "title"; '
        "add a line such as  title: Ukraine and European security"
    ) in result.stderr


def test_a_required_field_written_null_or_refused_as_read_says_so_once(
    workspace: Path,
) -> None:
    long = "x" * 100_001
    brief = MINIMAL_BRIEF.replace("actor: The minister", "actor: Null").replace(
        "stance: The plan is affordable.", f"stance: {long}"
    )
    build_tree(workspace, {"briefs/test.yaml": brief})
    result = run_cli("check")
    assert result.exit_code == 1
    assert errors(result.stderr) == [
        'briefs/test.yaml:7:12: error: "actor": YAML reads Null as no value; if you mean the '
        'word, put it in quotes:  actor: "Null"',
        "briefs/test.yaml:9:13: error: value is 100,001 characters long, over the limit of "
        "100,000; shorten it",  # and not "stance is empty" besides
    ]


def test_empty_required_field(workspace: Path) -> None:
    build_tree(
        workspace,
        {"briefs/test.yaml": MINIMAL_BRIEF.replace("actor: The minister", "actor:")},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    [line] = errors(result.stderr)
    assert line.startswith("briefs/test.yaml:7:")
    assert line.endswith('error: "actor" is empty; write a value, for example  actor: Keir Starmer')


# --- wrong types and YAML 1.1 values ----------------------------------------------------------


def test_list_where_text_expected(workspace: Path) -> None:
    build_tree(
        workspace,
        {"briefs/test.yaml": MINIMAL_BRIEF.replace("actor: The minister", "actor: [Ann, Bob]")},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert errors(result.stderr) == [
        'briefs/test.yaml:7:12: error: "actor" should be text, not a list (- items); write '
        "one value:  actor: Ann, Bob"
    ]


def test_mapping_where_list_expected(workspace: Path) -> None:
    build_tree(
        workspace,
        {
            "briefs/test.yaml": """\
            title: Test brief
            positions:
              id: minister-plan
            """
        },
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        'briefs/test.yaml:3:3: error: "positions" should be a list of entries starting with "- ", '
        "not a mapping (key: value lines)"
    ) in result.stderr


@pytest.mark.parametrize(("written", "reads"), [("no", "false"), ("yes", "true"), ("off", "false")])
def test_boolean_where_text_expected_says_to_quote(
    workspace: Path, written: str, reads: str
) -> None:
    build_tree(
        workspace,
        {"briefs/test.yaml": MINIMAL_BRIEF.replace("topic: Costs", f"topic: {written}")},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert errors(result.stderr) == [
        f'briefs/test.yaml:8:12: error: "topic": YAML reads {written} as {reads}; '
        f'put the text in quotes:  topic: "{written}"'
    ]


def test_quoted_no_is_text(workspace: Path) -> None:
    build_tree(
        workspace,
        {"briefs/test.yaml": MINIMAL_BRIEF.replace("topic: Costs", 'topic: "no"')},
    )
    result = check(workspace / "config.yaml")
    assert result.report.problems == []
    assert result.workspace.briefs[0].positions[0].topic == "no"


def test_numbers_and_times_in_text_fields_keep_their_text(workspace: Path) -> None:
    brief = (
        MINIMAL_BRIEF.replace("topic: Costs", "topic: 3.10")
        .replace("actor: The minister", "actor: 1:30")
        .replace("topic: 3.10", "topic: 3.10\n    role: 0755")
    )
    build_tree(workspace, {"briefs/test.yaml": brief})
    result = check(workspace / "config.yaml")
    assert result.report.problems == []
    position = result.workspace.briefs[0].positions[0]
    assert isinstance(position, Position)
    assert (position.topic, position.actor, position.role) == ("3.10", "1:30", "0755")


# --- dates ------------------------------------------------------------------------------------


def test_impossible_date(workspace: Path) -> None:
    build_tree(
        workspace,
        {"briefs/test.yaml": MINIMAL_BRIEF.replace("as_of: 2025-03-02", "as_of: 2025-02-30")},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    [line] = errors(result.stderr)
    assert line.startswith(
        "briefs/test.yaml:2:8: error: \"as_of\": '2025-02-30' is not a real date"
    )
    assert line.endswith("write a date as as_of: 2025-03-02, or a month as as_of: 2025-03")


def test_date_in_words_is_refused_with_the_format_to_use(workspace: Path) -> None:
    build_tree(
        workspace,
        {"briefs/test.yaml": MINIMAL_BRIEF.replace("as_of: 2025-03-02", "as_of: March 2025")},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    [line] = errors(result.stderr)
    assert line.startswith('briefs/test.yaml:2:8: error: "as_of": ')
    assert '"March 2025" is not a date' in line
    assert line.endswith("write a date as as_of: 2025-03-02, or a month as as_of: 2025-03")


def test_month_13_is_refused(workspace: Path) -> None:
    build_tree(
        workspace,
        {"briefs/test.yaml": MINIMAL_BRIEF.replace("as_of: 2025-03-02", "as_of: 2025-13")},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    [line] = errors(result.stderr)
    assert line.startswith('briefs/test.yaml:2:8: error: "as_of": ')
    assert '"2025-13"' in line


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2025-03", PartialDate(2025, 3)),
        ('"2025-03"', PartialDate(2025, 3)),
        ('"2025-03-02"', PartialDate(2025, 3, 2)),
        ("'2025-03-02'", PartialDate(2025, 3, 2)),
        ("2025-03-02", PartialDate(2025, 3, 2)),
    ],
)
def test_dates_that_are_accepted(workspace: Path, written: str, expected: PartialDate) -> None:
    build_tree(
        workspace,
        {"briefs/test.yaml": MINIMAL_BRIEF.replace("as_of: 2025-03-02", f"as_of: {written}")},
    )
    result = run_cli("check")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    model = check(workspace / "config.yaml")
    assert model.workspace.briefs[0].as_of == expected


def test_bad_meeting_date_in_nested_mapping(workspace: Path) -> None:
    brief = MINIMAL_BRIEF.replace(
        "as_of: 2025-03-02\n",
        "as_of: 2025-03-02\nmeeting:\n  name: Summit\n  date: 2025-02-29\n",
    )
    build_tree(workspace, {"briefs/test.yaml": brief})
    result = run_cli("check")
    assert result.exit_code == 1
    [line] = errors(result.stderr)
    assert line.startswith("briefs/test.yaml:5:9: error: \"date\": '2025-02-29' is not a real date")


def test_bad_published_date_in_catalogue(workspace: Path) -> None:
    build_tree(
        workspace,
        {"sources/sources.yaml": MINIMAL_CATALOGUE.replace("2025-03-01", "1 March 2025")},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    [line] = errors(result.stderr)
    assert line.startswith('sources/sources.yaml:5:14: error: "published": ')
    assert '"1 March 2025" is not a date' in line


# --- status and source ids --------------------------------------------------------------------

PROPOSAL_BRIEF = """\
title: Other brief
proposals:
  - id: force
    title: A reassurance force
    status: {status}
    cite:
      - source: {source}
        quote: too little, too late
"""


def test_bad_status_with_hint(workspace: Path) -> None:
    build_tree(
        workspace,
        {"briefs/other.yaml": PROPOSAL_BRIEF.format(status="under discusion", source="news")},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert errors(result.stderr) == [
        'briefs/other.yaml:5:13: error: status "under discusion" is not one of: proposed, '
        'under discussion, agreed, rejected, withdrawn (did you mean "under discussion"?)'
    ]


def test_status_written_loosely_is_accepted(workspace: Path) -> None:
    build_tree(
        workspace,
        {"briefs/other.yaml": PROPOSAL_BRIEF.format(status="Under_Discussion", source="news")},
    )
    result = run_cli("check")
    assert result.exit_code == 0, result.stderr


def test_unknown_source_id_with_hint(workspace: Path) -> None:
    build_tree(
        workspace,
        {"briefs/other.yaml": PROPOSAL_BRIEF.format(status="agreed", source="newz")},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert errors(result.stderr) == [
        'briefs/other.yaml:7:17: error: unknown source "newz" (did you mean "news"?); '
        "catalogued sources: news"
    ]


# --- duplicates -------------------------------------------------------------------------------


# a position using the id of MINIMAL_BRIEF's, indented as the briefs written below are
SAME_ID = """\
              - id: minister-plan
                actor: The minister
                stance: Same id as in test.yaml.
                cite:
                  - source: news
                    quote: over five years
"""


def test_duplicate_item_id_across_two_files_names_the_other(workspace: Path) -> None:
    build_tree(
        workspace,
        {
            "briefs/another.yaml": f"""\
            title: Another brief
            positions:
              - id: critics
                actor: Critics
                stance: Too little, too late.
                cite:
                  - source: news
                    quote: too little, too late
{SAME_ID}            """
        },
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert errors(result.stderr) == [
        'briefs/test.yaml:6:5: error: duplicate id "minister-plan": also used at '
        "briefs/another.yaml:9:5; ids must be unique across the workspace"
    ]


def test_a_brief_checked_or_built_by_name_is_held_to_the_ids_of_the_others(
    workspace: Path,
) -> None:
    build_tree(
        workspace,
        {
            "briefs/another.yaml": f"""\
            title: Another brief
            positions:
{SAME_ID}            """,
            "briefs/broken.yaml": "title: [unclosed\n",  # not named: its problem is not ours
        },
    )
    result = run_cli("check", "another")
    assert result.exit_code == 1
    assert errors(result.stderr) == [
        'briefs/another.yaml:3:5: error: duplicate id "minister-plan": also used at '
        "briefs/test.yaml:6:5; ids must be unique across the workspace"
    ]
    assert "1 brief," in result.stdout
    by_path = run_cli("check", "briefs/another.yaml")  # named by its path: the same
    assert errors(by_path.stderr) == errors(result.stderr)
    built = run_cli("build", "test", "--format", "md")
    assert built.exit_code == 1 and not (workspace / "build" / "test.md").exists()
    assert errors(built.stderr) == [
        'briefs/test.yaml:6:5: error: duplicate id "minister-plan": also used at '
        "briefs/another.yaml:3:5; ids must be unique across the workspace"
    ]


def test_duplicate_source_id(workspace: Path) -> None:
    build_tree(
        workspace,
        {
            "sources/sources.yaml": MINIMAL_CATALOGUE
            + "- id: news\n"
            + "  file: news.txt\n"
            + "  publisher: Another publisher\n"
            + "  title: Same id again\n"
        },
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert errors(result.stderr) == [
        'sources/sources.yaml:6:3: error: duplicate source id "news": also used at line 1; '
        "give each source its own id"
    ]


# --- source files -----------------------------------------------------------------------------


def test_missing_source_file_is_reported_at_the_catalogue_line(workspace: Path) -> None:
    build_tree(
        workspace,
        {"sources/sources.yaml": MINIMAL_CATALOGUE.replace("file: news.txt", "file: gone.txt")},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    [line] = errors(result.stderr)
    assert line.startswith("sources/sources.yaml:2:9: error: ")
    assert "gone.txt" in line
    assert "does not exist" in line
    no_crash(result)


# --- warnings ---------------------------------------------------------------------------------

UNCITED_BRIEF = """\
title: Other brief
positions:
  - id: uncited
    actor: Someone
    stance: Something with no source.
"""


def test_item_with_no_cite_is_a_warning(workspace: Path) -> None:
    build_tree(workspace, {"briefs/other.yaml": UNCITED_BRIEF})
    result = run_cli("check")
    assert result.exit_code == 0
    assert problems(result.stderr) == [
        'briefs/other.yaml:3:5: warning: position "uncited" cites nothing; '
        "add a cite: with the source words it rests on"
    ]
    assert result.stdout.endswith("1 warning, 0 errors\n")


def test_item_with_no_cite_fails_with_strict(workspace: Path) -> None:
    build_tree(workspace, {"briefs/other.yaml": UNCITED_BRIEF})
    result = run_cli("check", "--strict")
    assert result.exit_code == 1
    assert 'briefs/other.yaml:3:5: warning: position "uncited" cites nothing' in result.stderr


def test_uncited_source_is_a_warning(workspace: Path) -> None:
    build_tree(
        workspace,
        {
            "sources/sources.yaml": MINIMAL_CATALOGUE
            + "- id: spare\n"
            + "  file: spare.txt\n"
            + "  publisher: Example News\n"
            + "  title: Nobody cites this\n",
            "sources/spare.txt": "Words nobody cites.\n",
        },
    )
    result = run_cli("check")
    assert result.exit_code == 0
    assert problems(result.stderr) == [
        'sources/sources.yaml:6:3: warning: source "spare" is cited by no brief'
    ]


def test_source_cited_only_by_an_invalid_item_is_not_called_uncited(workspace: Path) -> None:
    # The position lacks "stance", which is an error; but it does cite "news", so a second,
    # false message that "news" is cited by no brief only misleads the reader.
    build_tree(
        workspace,
        {
            "briefs/test.yaml": """\
            title: Test brief
            positions:
              - id: minister-plan
                actor: The minister
                cite:
                  - source: news
                    quote: the plan would cost
            """
        },
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert problems(result.stderr) == [
        'briefs/test.yaml:3:5: error: this position has no "stance"; '
        "add a line such as  stance: A peace deal needs a US backstop."
    ]


def test_figure_value_not_in_quote_is_an_error_at_the_value_line(workspace: Path) -> None:
    build_tree(
        workspace,
        {"briefs/test.yaml": MINIMAL_BRIEF.replace('value: "2.5"', 'value: "3.1"')},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert problems(result.stderr) == [
        'briefs/test.yaml:16:12: error: figure "plan-cost": value "3.1" (unit "£ billion") is not '
        "in its quoted words (they give £2.5 billion); correct the value and unit, quote the "
        "passage that gives the number, or, for a calculated figure, give the working in  derived:"
    ]


# --- many problems, one run -------------------------------------------------------------------


def test_all_problems_in_one_file_are_reported_in_one_run(workspace: Path) -> None:
    build_tree(
        workspace,
        {
            "briefs/test.yaml": """\
            title: Test brief
            as_of: March 2025
            positions:
              - id: minister-plan
                actor: [Ann, Bob]
                topic: no
                stnace: The plan is affordable.
                cite:
                  - source: news
                    quote: the plan would cost
            proposals:
              - id: force
                title: A force
                status: maybe
                cite:
                  - source: news
                    quote: too little, too late
            figures:
              - id: cost
                label: Cost
                value: "2.5"
                cite:
                  - source: newz
                    quote: the plan would cost
            """
        },
    )
    result = run_cli("check")
    assert result.exit_code == 1
    found = errors(result.stderr)
    assert [line.split(": error: ")[0] for line in found] == [
        "briefs/test.yaml:2:8",  # as_of: March 2025
        "briefs/test.yaml:4:5",  # no stance
        "briefs/test.yaml:5:12",  # actor is a list
        "briefs/test.yaml:6:12",  # topic: no
        "briefs/test.yaml:7:5",  # unknown field stnace
        "briefs/test.yaml:14:13",  # bad status
        "briefs/test.yaml:23:17",  # unknown source
    ]
    assert result.stdout.endswith(" 7 errors\n")


def test_unknown_source_in_an_item_with_other_errors_is_still_reported(workspace: Path) -> None:
    # Fixing the status and rerunning must not be the first time the user hears about "newz".
    build_tree(
        workspace,
        {
            "briefs/other.yaml": PROPOSAL_BRIEF.format(status="maybe", source="newz"),
        },
    )
    result = run_cli("check")
    assert result.exit_code == 1
    where = [line.split(": error: ")[0] for line in errors(result.stderr)]
    assert where == ["briefs/other.yaml:5:13", "briefs/other.yaml:7:17"]
    assert 'unknown source "newz" (did you mean "news"?)' in result.stderr


def test_problems_are_sorted_by_file_then_line(workspace: Path) -> None:
    build_tree(
        workspace,
        {
            "sources/sources.yaml": MINIMAL_CATALOGUE.replace("2025-03-01", "2025-02-30"),
            "briefs/a.yaml": """\
            title: A brief
            positions:
              - id: a-one
                actor: A
                stance: S
                cite:
                  - source: newz
                    quote: five years
              - id: a-two
                actor: A
                stnace: S
            """,
            "briefs/test.yaml": MINIMAL_BRIEF.replace("as_of: 2025-03-02", "as_of: 2025-02-30"),
        },
    )
    result = run_cli("check")
    assert result.exit_code == 1
    where = [line.split(": error: ")[0] for line in errors(result.stderr)]
    assert where == [
        "briefs/a.yaml:7:17",  # found late (cross-check) but printed in line order
        "briefs/a.yaml:9:5",
        "briefs/a.yaml:11:5",
        "briefs/test.yaml:2:8",
        "sources/sources.yaml:5:14",  # found first, printed last
    ]


# --- shapes of whole files --------------------------------------------------------------------


def test_brief_that_is_a_list_is_explained(workspace: Path) -> None:
    build_tree(workspace, {"briefs/test.yaml": "- title: Test brief\n"})
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        "briefs/test.yaml:1:1: error: a brief should be a mapping of fields "
        "(title:, positions:, ...), not a list (- items)"
    ) in result.stderr


def test_empty_brief_file(workspace: Path) -> None:
    build_tree(workspace, {"briefs/test.yaml": ""})
    result = run_cli("check")
    assert result.exit_code == 1
    assert "briefs/test.yaml:1:1: error: file is empty" in result.stderr
    no_crash(result)


# --- exit codes -------------------------------------------------------------------------------


def test_unknown_option_is_a_usage_error(workspace: Path) -> None:
    result = run_cli("check", "--bogus")
    assert result.exit_code == 2
    assert "No such option '--bogus'" in result.stderr


def test_unknown_format_is_a_usage_error(workspace: Path) -> None:
    result = run_cli("build", "--format", "odt")
    assert result.exit_code == 2
    assert "odt" in result.stderr
    assert not (workspace / "build").exists()


def test_unknown_command_is_a_usage_error(workspace: Path) -> None:
    result = run_cli("chek")
    assert result.exit_code == 2


def test_no_config_is_a_data_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("check")
    assert result.exit_code == 1
    assert "no workspace here: no config.yaml in" in result.stderr
    no_crash(result)


def test_config_option_selects_the_workspace(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    build_tree(workspace, {"briefs/test.yaml": MINIMAL_BRIEF.replace("    stance:", "    stnace:")})
    result = run_cli("check", "--config", "ws/config.yaml")
    assert result.exit_code == 1
    assert 'ws/briefs/test.yaml:9:5: error: unknown field "stnace"' in result.stderr


def test_check_api_returns_the_report(workspace: Path) -> None:
    build_tree(workspace, {"briefs/test.yaml": MINIMAL_BRIEF.replace("    stance:", "    stnace:")})
    result = check(workspace / "config.yaml")
    assert [(p.severity, p.location.line, p.location.col) for p in result.report.sorted()] == [  # type: ignore[union-attr]
        ("error", 6, 5),
        ("error", 9, 5),
    ]
    expected = (workspace / "briefs/test.yaml").resolve()
    assert all(p.location.path.resolve() == expected for p in result.report.problems)  # type: ignore[union-attr]


def test_an_item_cannot_take_the_id_of_a_line_to_take(workspace: Path) -> None:
    brief = MINIMAL_BRIEF.replace("  - id: minister-plan", "  - id: line-to-take-1")
    build_tree(workspace, {"briefs/test.yaml": "lines_to_take:\n  - We act.\n" + brief})
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        'briefs/test.yaml:8:5: error: the id "line-to-take-1" is the one a brief\'s line to take '
        "is given in the outputs' links and notes; choose another id for this item\n"
    ) in result.stderr
    no_crash(result)


def test_yaml_files_not_read_as_briefs_are_warned_about(workspace: Path) -> None:
    build_tree(
        workspace, {"briefs/Other.YAML": MINIMAL_BRIEF, "briefs/2025/old.yaml": MINIMAL_BRIEF}
    )
    result = run_cli("check")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "briefs/2025/old.yaml:1:1: warning: old.yaml is in a folder of its own, so it is not "
        "read as a brief; move it into briefs/",
        "briefs/Other.YAML:1:1: warning: Other.YAML is not read as a brief: only names ending "
        ".yaml or .yml are; rename it Other.yaml",
    ]
    assert result.stdout.startswith("1 brief,")


def test_a_status_yaml_reads_as_true_or_false_is_told_the_statuses(workspace: Path) -> None:
    brief = MINIMAL_BRIEF + (
        "proposals:\n  - id: p1\n    title: A plan\n    status: no\n    cite:\n"
        "      - source: news\n        quote: the plan would cost\n"
    )
    build_tree(workspace, {"briefs/test.yaml": brief})
    result = run_cli("check")
    assert 'error: status "no" is not one of: proposed, under discussion' in result.stderr
    assert "put the text in quotes" not in result.stderr  # which would only lead to that error


def test_an_item_whose_citation_is_written_wrong_is_not_also_said_to_cite_nothing(
    workspace: Path,
) -> None:
    brief = re.sub(r"\n\s+quote: .*", "", MINIMAL_BRIEF, count=1)
    build_tree(workspace, {"briefs/test.yaml": brief})
    result = run_cli("check")
    assert 'citation has no "quote"' in result.stderr
    assert "cites nothing" not in result.stderr, result.stderr


def test_every_problem_of_a_catalogue_entry_is_reported(workspace: Path) -> None:
    catalogue = MINIMAL_CATALOGUE + (
        "- id: news\n  file: missing.txt\n  titel: Wrong\n  published: 2025-02-31\n"
        "- id: other\n  file: gone.txt\n  publisher: P\n"
    )
    build_tree(workspace, {"sources/sources.yaml": catalogue})
    result = run_cli("check")
    assert result.exit_code == 1
    for expected in (
        'sources/sources.yaml:6:3: error: duplicate source id "news": also used at line 1',
        'sources/sources.yaml:7:9: error: source file "missing.txt" does not exist',
        'sources/sources.yaml:8:3: error: unknown field "titel"',
        "sources/sources.yaml:9:14: error: \"published\": '2025-02-31' is not a real date",
        'sources/sources.yaml:11:9: error: source file "gone.txt" does not exist',
    ):
        assert expected in result.stderr, result.stderr


def test_one_file_catalogued_under_two_ids_is_warned_about(workspace: Path) -> None:
    catalogue = MINIMAL_CATALOGUE + (
        "- id: news-again\n  file: ./news.txt\n  publisher: Example News\n  title: Again\n"
    )
    build_tree(workspace, {"sources/sources.yaml": catalogue})
    result = run_cli("check")
    assert (
        'sources/sources.yaml:7:9: warning: source file "./news.txt" is also catalogued as '
        '"news" (line 1)'
    ) in result.stderr


def test_a_text_field_cut_short_by_a_hash_is_warned_about(workspace: Path) -> None:
    brief = MINIMAL_BRIEF.replace("stance: The plan is affordable.", "stance: spending #1 priority")
    brief = brief.replace("id: minister-plan", "id: minister-plan #1")
    build_tree(workspace, {"briefs/test.yaml": brief})
    result = run_cli("check")
    warned = [line for line in result.stderr.splitlines() if '" #"' in line]
    assert len(warned) == 1, result.stderr  # the stance: an id holds no words
    assert 'left out of "stance" (read as "spending")' in warned[0]


def test_a_duplicate_source_id_yaml_reads_as_a_number_is_reported(workspace: Path) -> None:
    catalogue = (
        "- id: 2024\n  file: news.txt\n  publisher: P\n  title: T\n"
        "- id: 2024\n  file: news.txt\n  publisher: P\n  title: T\n"
    )
    build_tree(workspace, {"sources/sources.yaml": catalogue})
    result = run_cli("check")
    assert 'sources/sources.yaml:5:3: error: duplicate source id "2024"' in result.stderr


def test_ids_the_same_but_for_letter_case_are_duplicates(workspace: Path) -> None:
    """Markdown footnote labels match without regard to case: "NAVY-PLAN" would show the
    note of "navy-plan" in the Markdown and Word copies."""
    brief = (workspace / "briefs" / "test.yaml").read_text(encoding="utf-8")
    entry = (
        "  - id: Minister-Plan\n    actor: The minister\n    stance: Same but for case.\n"
        "    cite:\n      - source: news\n        quote: over five years\n"
    )
    (workspace / "briefs" / "test.yaml").write_text(
        brief.replace("figures:", entry + "figures:"), encoding="utf-8"
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert [e for e in errors(result.stderr) if "duplicate id" in e] == [
        'briefs/test.yaml:13:5: error: duplicate id "Minister-Plan": "minister-plan", the same '
        "but for letter case, is used at briefs/test.yaml:6:5; ids must be unique across the "
        "workspace, whatever their letter case"
    ]
