"""Workspace templates: override one block or the stylesheet, add a layout; freshness and grouping."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL_BRIEF, build_tree, minimal_files, run_cli


def make(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **files: str) -> Path:
    tree = minimal_files()
    tree.update(files)
    root = build_tree(tmp_path / "ws", tree)
    monkeypatch.chdir(root)
    return root


def test_override_one_block_and_extend_the_builtin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(
        tmp_path,
        monkeypatch,
        **{
            "templates/brief.html.j2": """\
            {% extends "builtin:brief.html.j2" %}
            {% block titleblock %}<header class="custom-title"><h1>{{ brief.title | upper }}</h1></header>{% endblock %}
            """,
            "templates/brief.md.j2": """\
            {% extends "builtin:brief.md.j2" %}
            {% block header %}# Custom: {{ brief.title }}
            {% endblock %}
            """,
        },
    )
    result = run_cli("build", "--format", "html", "--format", "md", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    html = (root / "build" / "test.html").read_text()
    assert '<header class="custom-title"><h1>TEST BRIEF</h1></header>' in html
    assert 'id="note-1"' in html and "Key messages" in html  # the rest is the built-in template
    markdown = (root / "build" / "test.md").read_text()
    assert markdown.startswith("# Custom: Test brief\n")
    assert "[^minister-plan-1]: Example News" in markdown
    assert (root / "build" / "test.pdf").read_bytes().startswith(b"%PDF-")


def test_extra_css_is_added_after_the_builtin_stylesheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path, monkeypatch, **{"templates/extra.css": "h1 { color: #006400; }\n"})
    assert run_cli("build", "--format", "html").exit_code == 0
    html = (root / "build" / "test.html").read_text()
    assert html.index("h1 { color: #006400; }") > html.index("@page")


def test_replacing_the_stylesheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(tmp_path, monkeypatch, **{"templates/brief.css": "body { font-size: 20pt; }\n"})
    assert run_cli("build", "--format", "html").exit_code == 0
    html = (root / "build" / "test.html").read_text()
    assert "body { font-size: 20pt; }" in html
    assert "@page" not in html


def test_a_workspace_layout_selected_by_the_brief(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(
        tmp_path,
        monkeypatch,
        **{
            "templates/letter.html.j2": '{% extends "builtin:brief.html.j2" %}{% block appendix %}<p>No appendix.</p>{% endblock %}',
            "briefs/test.yaml": "template: letter\n" + MINIMAL_BRIEF,
        },
    )
    result = run_cli("build", "--format", "html", "--format", "md")
    assert result.exit_code == 0, result.stderr
    # each layout writes its own names; with no letter.md.j2 the Markdown is the brief's
    assert "<p>No appendix.</p>" in (root / "build" / "test.letter.html").read_text()
    assert "## Sources" in (root / "build" / "test.letter.md").read_text()
    assert not (root / "build" / "test.html").exists()


def test_unknown_template_in_a_brief_is_an_error_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, monkeypatch, **{"briefs/test.yaml": "template: poster\n" + MINIMAL_BRIEF})
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 1
    assert (
        'briefs/test.yaml:1:11: error: unknown template "poster"; use one of: brief, card'
        in result.stderr
    )


def test_card_layout_from_the_brief(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(tmp_path, monkeypatch, **{"briefs/test.yaml": "template: card\n" + MINIMAL_BRIEF})
    assert run_cli("build", "--format", "html").exit_code == 0
    html = (root / "build" / "test.card.html").read_text()
    assert 'class="layout-card"' in html
    assert "Meeting card" in html


def test_undefined_variable_names_template_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(
        tmp_path,
        monkeypatch,
        **{
            "templates/brief.md.j2": '{% extends "builtin:brief.md.j2" %}\n{% block header %}\n{{ brief.titel }}\n{% endblock %}\n'
        },
    )
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 1
    assert result.stderr == (
        "templates/brief.md.j2:3:1: error: template brief.md.j2: brief has no attribute 'titel'; "
        "check the name against the README's template variables\n"
    )
    assert not (root / "build" / "test.md").exists()


def test_a_template_that_misuses_a_value_names_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(
        tmp_path,
        monkeypatch,
        **{
            "templates/brief.md.j2": '{% extends "builtin:brief.md.j2" %}\n{% block header %}\n{{ brief.title + 1 }}\n{% endblock %}\n'
        },
    )
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "templates/brief.md.j2:3:1: error: template brief.md.j2 failed: TypeError: "
    ), result.stderr
    assert "internal error" not in result.stderr
    assert not (root / "build" / "test.md").exists()


STALE_BRIEF = MINIMAL_BRIEF.replace(
    "as_of: 2025-03-02\n", "as_of: 2025-03-02\nmeeting:\n  date: 2025-03-10\n"
).replace("    topic: Costs\n", "    topic: Costs\n    as_of: 2025-01-05\n")


def test_stale_items_are_warned_and_marked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(
        tmp_path,
        monkeypatch,
        **{"config.yaml": "stale_after_days: 30\n", "briefs/test.yaml": STALE_BRIEF},
    )
    result = run_cli("check")
    assert result.exit_code == 0
    assert result.stderr == (
        'briefs/test.yaml:8:5: warning: position "minister-plan" may be out of date: as of 5 January 2025, '
        "64 days before the meeting (stale_after_days is 30); check it is still true and update as_of\n"
    )
    assert run_cli("check", "--strict").exit_code == 1
    assert run_cli("build", "--format", "md", "--format", "html").exit_code == 0
    assert "*(out of date? as of 5 January 2025)*" in (root / "build" / "test.md").read_text()
    assert 'class="asof stale"' in (root / "build" / "test.html").read_text()


def test_month_only_dates_get_the_benefit_of_the_doubt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief = STALE_BRIEF.replace("as_of: 2025-01-05", "as_of: 2025-02")
    make(
        tmp_path,
        monkeypatch,
        **{"config.yaml": "stale_after_days: 10\n", "briefs/test.yaml": brief},
    )
    result = run_cli("check")
    assert result.stderr == ""  # 28 February is within 10 days of 10 March


def test_positions_grouped_by_actor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(tmp_path, monkeypatch, **{"briefs/test.yaml": "group_by: actor\n" + MINIMAL_BRIEF})
    assert run_cli("build", "--format", "md").exit_code == 0
    markdown = (root / "build" / "test.md").read_text()
    assert "### The minister\n\n- **Costs**: The plan is affordable.[^minister-plan-1]" in markdown


def test_bad_group_by_and_key_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brief = "group_by: actors\n" + MINIMAL_BRIEF.replace(
        "    topic: Costs\n", "    topic: Costs\n    key: maybe\n"
    )
    make(tmp_path, monkeypatch, **{"briefs/test.yaml": brief})
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        'briefs/test.yaml:1:11: error: "group_by" "actors" is not one of: topic, actor (did you mean "actor"?)'
        in result.stderr
    )
    assert (
        'briefs/test.yaml:10:10: error: "key" should be true or false, not "maybe"' in result.stderr
    )


@pytest.mark.parametrize("power", ["7 ** 999999", "10**4300", "(-3) ** 10000"])
def test_a_power_too_large_to_write_is_refused_at_its_template_line(
    power: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jinja works a power out while compiling and fails writing it, with no line; the
    sandbox works it out while rendering and refuses it at its line."""
    template = (
        '{% extends "builtin:brief.md.j2" %}\n{% block header %}\n'
        f"# {{{{ 2 ** 10 }}}} and {{{{ 1.5 ** 2 }}}}\nthen {{{{ {power} }}}}\n{{% endblock %}}\n"
    )
    make(tmp_path, monkeypatch, **{"templates/brief.md.j2": template})
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "templates/brief.md.j2:4:1: error: template brief.md.j2 tried something unsafe: "
    ), result.stderr
    assert "makes a number too large to write" in result.stderr
    template = template.replace(f"then {{{{ {power} }}}}", "then {{ 10 ** 4299 > 0 }}")
    (tmp_path / "ws" / "templates" / "brief.md.j2").write_text(template)
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert (
        (tmp_path / "ws" / "build" / "test.md").read_text().startswith("# 1024 and 2.25\nthen True")
    )


def test_a_number_too_large_to_write_made_otherwise_says_so_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = (
        '{% extends "builtin:brief.md.j2" %}\n{% block header %}\n'
        "# {{ 10 ** 3000 * 10 ** 3000 }}\n{% endblock %}\n"
    )
    make(tmp_path, monkeypatch, **{"templates/brief.md.j2": template})
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "templates/brief.md.j2:3:1: error: template brief.md.j2 failed: it makes a number too "
        "large to write (over 4,300 digits); check what it does"
    ), result.stderr
