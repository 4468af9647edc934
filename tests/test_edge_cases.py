"""Edge cases found by trying briefgen as a new user and as an attacker."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL_BRIEF, build_tree, minimal_files, run_cli, run_subprocess


def make(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **files: str | bytes) -> Path:
    tree = minimal_files()
    tree.update(files)
    root = build_tree(tmp_path / "ws", tree)
    monkeypatch.chdir(root)
    return root


def test_output_dir_outside_the_workspace_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "test.md").write_text("keep me")
    make(tmp_path, monkeypatch, **{"config.yaml": "output_dir: ../victim\n"})
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 1
    assert (
        'config.yaml:1:13: error: "output_dir" must be a folder inside the workspace'
        in result.stderr
    )
    assert (victim / "test.md").read_text() == "keep me"


@pytest.mark.parametrize("folder", ["sources_dir", "briefs_dir", "templates_dir"])
def test_a_folder_outside_the_workspace_is_refused_and_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    outside = build_tree(tmp_path / "outside", minimal_files())
    secret = "SECRET words of another project, never to be shown"
    (outside / "sources" / "news.txt").write_text(secret + "\n")
    (outside / "briefs" / "test.yaml").write_text("title: " + secret + "\n")
    (outside / "templates").mkdir()
    (outside / "templates" / "brief.md.j2").write_text(secret + "\n")
    target = {"sources_dir": "sources", "briefs_dir": "briefs", "templates_dir": "templates"}
    config = f"{folder}: ../outside/{target[folder]}\n"
    make(tmp_path, monkeypatch, **{"config.yaml": config})
    for args in (("check",), ("build", "--format", "md")):
        result = run_cli(*args)
        assert result.exit_code == 1, args
        assert f'"{folder}" must be a folder inside the workspace' in result.stderr
        assert "SECRET" not in result.stdout + result.stderr, args
    assert not Path("build").exists()  # nothing written
    quoted = run_cli("quote", "news", "words", "of", "another")  # the sources: none outside
    assert "SECRET" not in quoted.stdout + quoted.stderr


def test_config_that_is_a_fifo_or_device_does_not_hang(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    (root / "config.yaml").unlink()
    os.mkfifo(root / "config.yaml")
    proc = run_subprocess("check", cwd=root, timeout=30)
    assert proc.returncode == 1
    assert 'config.yaml:1:1: error: config file "config.yaml" is not a regular file' in proc.stderr
    (root / "config.yaml").unlink()
    (root / "config.yaml").symlink_to("/dev/zero")
    proc = run_subprocess("check", cwd=root, timeout=30)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr


def test_config_option_names_a_folder_without_config_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path, monkeypatch)
    (root / "config.yaml").unlink()
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--config", str(root))
    assert result.exit_code == 0, result.stderr


def test_linked_sources_folder_is_refused_without_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = build_tree(tmp_path / "outside", {"sources.yaml": "[]\n", "news.txt": "x\n"})
    root = make(tmp_path, monkeypatch)
    (root / "config.yaml").unlink()
    shutil.rmtree(root / "sources")
    (root / "sources").symlink_to(outside)
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        "sources:1:1: error: folder sources/ leads outside the workspace (it is a link)"
        in result.stderr
    )


@pytest.mark.parametrize(
    ("source", "quote"),
    [
        ("The re\u0301sume\u0301 of the talks", "The résumé of the talks"),
        ("The résumé of the talks", "The re\u0301sume\u0301 of the talks"),
        ("The ﬁnance ministers met", "The finance ministers met"),
        ("Ｆｕｌｌ width text", "Full width text"),
    ],
)
def test_quotes_match_across_unicode_forms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, quote: str
) -> None:
    brief = MINIMAL_BRIEF.split("figures:")[0].replace(
        'quote: the plan would cost "£2.5 billion" over five years', f"quote: {quote}"
    )
    make(tmp_path, monkeypatch, **{"sources/news.txt": source + "\n", "briefs/test.yaml": brief})
    result = run_cli("check")
    assert result.exit_code == 0, result.stderr


def test_catalogue_syntax_error_does_not_flood(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(
        tmp_path,
        monkeypatch,
        **{
            "sources/sources.yaml": "- id: news\n  file: news.txt\n  publisher: BBC: online\n  title: T\n"
        },
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert "unknown source" not in result.stderr


def test_catalogue_entry_with_a_bad_field_is_not_called_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(
        tmp_path,
        monkeypatch,
        **{"sources/sources.yaml": "- id: news\n  file: news.txt\n  publisher: no\n  title: T\n"},
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert 'sources/sources.yaml:3:14: error: "publisher": YAML reads no as false' in result.stderr
    assert "unknown source" not in result.stderr


def test_no_unused_source_warning_while_a_brief_has_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, monkeypatch, **{"briefs/test.yaml": MINIMAL_BRIEF + "  - oops: [\n"})
    result = run_cli("check")
    assert result.exit_code == 1
    assert "cited by no brief" not in result.stderr


def test_check_finds_a_template_typo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, monkeypatch, **{"briefs/test.yaml": "template: cardd\n" + MINIMAL_BRIEF})
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        'briefs/test.yaml:1:11: error: unknown template "cardd" (did you mean "card"?); use one of: brief, card'
        in result.stderr
    )


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (
            'title: T\npositions:\n  - id: a\n    quote: "We can\'t wait," she said\n',
            "put the whole value in single quotes",
        ),
        (
            "title: T\npositions:\n  - id: a\n    role: Y\n     topic: X\n",
            'this line is indented 5 spaces: indent it 4, to line up with "role" on line 4',
        ),
        (  # a key with its value on the lines below, one space too far in
            "title: T\npositions:\n  - id: a\n    role: Y\n     cite:\n       - source: s\n",
            'this line is indented 5 spaces: indent it 4, to line up with "role" on line 4',
        ),
        (  # a second entry that lost its "- "
            "title: T\npositions:\n  - id: a\n  id: b\n",
            'this line starts where the list entries above do ("- id" on line 3): if it starts '
            'another entry, write "- " before "id"; if it belongs to the entry above, indent it '
            "4 spaces",
        ),
    ],
)
def test_yaml_hints_for_common_mistakes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, hint: str
) -> None:
    make(tmp_path, monkeypatch, **{"briefs/test.yaml": text})
    result = run_cli("check")
    assert result.exit_code == 1
    assert hint in result.stderr


@pytest.mark.parametrize(
    "template",
    [
        '<!DOCTYPE html><img alt=">" src="http://127.0.0.1:9/a.png"><html><body>{{ brief.title }}</body></html>',
        '{% extends "builtin:brief.html.j2" %}{% block style %}body{background:u\\72l(http://127.0.0.1:9/x.png)}{% endblock %}',
        '{% extends "builtin:brief.html.j2" %}{% block style %}h1{background:image-set("http://127.0.0.1:9/y.png" 1x)}{% endblock %}',
    ],
)
def test_disguised_remote_references_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str
) -> None:
    root = make(tmp_path, monkeypatch, **{"templates/brief.html.j2": template})
    for fmt in ("html", "pdf"):
        result = run_cli("build", "--format", fmt)
        assert result.exit_code == 1
        assert "refused to load http://127.0.0.1:9/" in result.stderr
    assert not (root / "build" / "test.html").exists()


def test_html_output_starts_with_its_content_security_policy(workspace: Path) -> None:
    assert run_cli("build", "--format", "html").exit_code == 0
    html = (workspace / "build" / "test.html").read_text()
    assert html.startswith(  # the first element in <head>: nothing can load before it
        '<!DOCTYPE html>\n<html lang="en"><head>\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';'
    )


def test_markdown_output_neutralises_images_and_encodes_source_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = "- id: news\n  file: news talks (AFP).txt\n  publisher: P\n  title: T\n"
    brief = MINIMAL_BRIEF.replace(
        "  - One key message.",
        "  - One ![x](http://127.0.0.1:9/x.png) message [js](javascript:alert(1)).",
    )
    root = make(
        tmp_path,
        monkeypatch,
        **{
            "sources/sources.yaml": catalogue,
            "sources/news talks (AFP).txt": "The minister said the plan would cost “£2.5 billion” over five years.\n",
            "briefs/test.yaml": brief,
        },
    )
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 0, result.stderr
    markdown = (root / "build" / "test.md").read_text()
    # the image is its description, the script link plain text
    assert "- One x message \\[js\\]\\(javascript:alert(1))." in markdown
    assert "](../sources/news%20talks%20%28AFP%29.txt#L1)" in markdown


def test_source_url_with_markup_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = '- id: news\n  file: news.txt\n  publisher: P\n  title: T\n  url: "https://example.org/x> <img src=y>"\n'
    make(tmp_path, monkeypatch, **{"sources/sources.yaml": catalogue})
    result = run_cli("check")
    assert result.exit_code == 1
    assert 'sources/sources.yaml:5:8: error: "url" should be a web address' in result.stderr


def test_same_brief_twice_and_clashing_output_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, monkeypatch)
    result = run_cli("check")
    twice = run_cli("build", "test", "briefs/test.yaml", "--format", "md")
    assert twice.exit_code == 0, twice.stderr
    assert twice.stdout.startswith("wrote build/test.md\n1 brief,")
    assert result.exit_code == 0
    (Path("briefs") / "test.yml").write_text(
        MINIMAL_BRIEF.replace("minister-plan", "other").replace("plan-cost", "other-cost")
    )
    clash = run_cli("check")
    assert clash.exit_code == 1
    assert (
        'two briefs would both be written as "test": test.yaml and test.yml; rename one'
        in clash.stderr
    )


def test_far_future_month_does_not_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brief = MINIMAL_BRIEF.replace(
        "as_of: 2025-03-02\n", "as_of: 9999-12\nmeeting:\n  date: 9999-12\n"
    )
    make(
        tmp_path, monkeypatch, **{"config.yaml": "stale_after_days: 3\n", "briefs/test.yaml": brief}
    )
    result = run_cli("check")
    assert result.exit_code == 1
    assert 'briefs/test.yaml:2:8: error: "as_of" 9999-12 is in the future' in result.stderr
    assert "Traceback" not in result.stderr
    assert run_cli("build", "--format", "md").exit_code == 1


def test_figure_value_is_compared_as_whole_numbers() -> None:
    from briefgen.figures import value_problem

    assert value_problem("3", "%", ["around 2.3% of GDP"])
    assert value_problem("5", "%", ["increasing defence spending to 2.5%"])
    assert value_problem("2.5", "%", ["increasing defence spending to 2.5%"]) is None
    assert value_problem("100000", None, ["around 100,000 troops"]) is None
    assert value_problem("two to three", None, ["within two to three months"]) is None


@pytest.mark.parametrize(
    ("value", "quote"),
    [
        ("two", "within twenty-two months"),  # the end of another number word
        ("two", "about two-thirds of the troops"),  # a fraction, not two
        ("three", "three-quarters of the cost"),
    ],
)
def test_a_number_word_is_not_borne_out_by_part_of_a_hyphenated_one(value: str, quote: str) -> None:
    from briefgen.figures import _check_working, value_problem

    assert value_problem(value, None, [quote]) is not None
    assert _check_working(f"{value} of 100", [quote + " of 100"]) is not None


@pytest.mark.parametrize(
    ("value", "quote"),
    [
        ("two-thirds", "about two-thirds of the troops"),
        ("one", "a one-month pause"),  # a number joined to its unit
        ("two", "two - three months"),  # a spaced dash parts the words
        ("two", "two – three months"),
        ("two to three", "within two to\nthree months"),
    ],
)
def test_a_number_word_in_its_quote_passes(value: str, quote: str) -> None:
    from briefgen.figures import value_problem

    assert value_problem(value, None, [quote]) is None


def test_percentage_points_are_not_a_percentage() -> None:
    from briefgen.figures import value_problem

    points = ["rates rose 0.5 percentage points"]
    assert value_problem("0.5", "percentage points", points) is None
    assert value_problem("0.5", "%", points) is not None  # a rise of 0.5% is another thing
    assert value_problem("0.5", "percentage points", ["rates rose 0.5%"]) is not None
    assert value_problem("2.3", "percentage of GDP", ["2.3 per cent of GDP"]) is None


def test_minus_written_as_a_word_is_a_sign() -> None:
    from briefgen.figures import value_problem

    assert value_problem("2.3", "%", ["growth of minus 2.3% last year"]) is not None
    assert value_problem("-2.3", "%", ["growth of minus 2.3% last year"]) is None
    assert value_problem("2.3", "%", ["2.3% minus costs"]) is None


def test_a_number_written_with_a_decimal_comma_is_matched_only_as_written() -> None:
    from briefgen.figures import value_problem

    quote = ["some 2,5 million people"]  # 2.5 million, as much of Europe writes it
    problem = value_problem("2", "million", quote)  # not read as "2 million"
    assert problem is not None and '"2,5" there can be matched only as written' in problem
    assert value_problem("2", None, quote) is not None
    assert value_problem("2,5", "million", quote) is None  # written as the quote writes it
    assert value_problem("2,6", "million", quote) is not None
    assert value_problem("1.2", None, ["version 1.2.3 of the plan"]) is not None


def test_link_loops_are_refused_not_internal_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = "- id: news\n  file: news.txt\n  publisher: P\n  title: T\n- id: loop\n  file: loop-a.txt\n  publisher: P\n  title: T\n"
    root = make(tmp_path, monkeypatch, **{"sources/sources.yaml": catalogue})
    for folder, a, b in (
        ("briefs", "loop-a.yaml", "loop-b.yaml"),
        ("sources", "loop-a.txt", "loop-b.txt"),
    ):
        (root / folder / a).symlink_to(b)
        (root / folder / b).symlink_to(a)
    result = run_cli("check")
    assert result.exit_code == 1
    assert "briefs/loop-a.yaml:1:1: error: brief file leads outside the workspace" in result.stderr
    assert (
        'sources/sources.yaml:6:9: error: source file "loop-a.txt" leads outside the sources folder'
        in result.stderr
    )
    assert "internal error" not in result.stderr


def test_a_source_link_names_the_file_the_catalogue_names_even_if_it_became_a_link(
    tmp_path: Path,
) -> None:
    """Between the check and the render the file may be swapped for a link leading out:
    the brief still links to sources/<file>, never to where the link leads."""
    from briefgen.errors import Location
    from briefgen.models import Source
    from briefgen.render import source_link

    sources = tmp_path / "ws" / "sources"
    (sources / "sub").mkdir(parents=True)
    outside = tmp_path / "secret.txt"
    outside.write_text("secret\n")
    (sources / "sub" / "a b.txt").symlink_to(outside)
    loc = Location(sources / "sources.yaml", 1, 1)
    source = Source("a", "sub/a b.txt", sources / "sub/a b.txt", "P", "T", None, None, loc, loc)
    out = tmp_path / "ws" / "build"
    out.mkdir()
    assert source_link(source, out) == "../sources/sub/a%20b.txt"
    (tmp_path / "ws" / "elsewhere").symlink_to(out)  # an output folder reached by a link
    assert source_link(source, tmp_path / "ws" / "elsewhere") == "../sources/sub/a%20b.txt"


def test_an_image_is_its_description_in_every_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_hardening import pdf_text

    brief = MINIMAL_BRIEF.replace(
        "  - One key message.",
        "  - Inline ![chart of costs](http://127.0.0.1:9/c.png) shown.\n"
        "  - By reference ![map of sites][m] shown.\n"
        "  - Linked [![logo words](<http://127.0.0.1:9/l.png>)](https://example.org/) here.\n"
        "\n  [m]: http://127.0.0.1:9/m.png",
    )
    root = make(tmp_path, monkeypatch, **{"briefs/test.yaml": brief})
    result = run_cli("build", "--format", "html,pdf,md")
    assert result.exit_code == 0, result.stderr
    html = (root / "build" / "test.html").read_text()
    text = pdf_text((root / "build" / "test.pdf").read_bytes())
    markdown = (root / "build" / "test.md").read_text()
    for output in (html, " ".join(text.split()), markdown):
        for words in ("Inline chart of costs shown", "By reference map of sites shown"):
            assert words in output, output
        assert "logo words" in output
    assert '<a href="https://example.org/" rel="noopener noreferrer">logo words</a>' in html
    assert "<img" not in html and "127.0.0.1" not in html + markdown
