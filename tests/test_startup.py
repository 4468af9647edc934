"""What each command loads: `check` no templates, HTML parser or PDF engine; a Markdown
build no PDF engine (README, Development: Start-up)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import build_tree, minimal_files

HEAVY = (
    "jinja2", "tinyhtml5", "markupever", "weasyprint", "markdown", "briefgen.render",
    "briefgen.assets",
)  # fmt: skip


# what only rendering, or a check's second process, needs
PROCESSES = ("multiprocessing", "concurrent.futures", "briefgen.bounded", "briefgen.parallel")


def _loaded(code: str, root: Path, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    script = (
        f"import sys; from briefgen import build; {code}; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return list(ast.literal_eval(done.stdout))


def test_check_loads_no_templates_html_parser_or_pdf_engine(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    code = "r = build.check('config.yaml'); assert not r.report.errors, r.report.errors"
    assert _loaded(code, root) == []


def test_a_check_of_a_few_briefs_starts_no_process_and_loads_nothing_for_one(
    tmp_path: Path,
) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    code = "r = build.check('config.yaml'); assert not r.report.errors, r.report.errors"
    assert _loaded(code, root, PROCESSES) == []
    assert _loaded(code, root, PROCESSES) == []  # and with its kept results


def test_a_markdown_build_loads_no_pdf_engine(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    code = "r = build.build('config.yaml', formats=['md']); assert r.written, r.report.errors"
    loaded = _loaded(code, root)
    assert "weasyprint" not in loaded and "tinyhtml5" not in loaded
    assert "markupever" not in loaded
    assert (root / "build" / "test.md").is_file()


def test_a_build_of_one_brief_loads_no_thread_pool(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    code = "r = build.build('config.yaml', formats=['md']); assert r.written, r.report.errors"
    assert _loaded(code, root, ("concurrent.futures", "logging")) == []


def test_a_check_of_kept_results_loads_nothing_to_check_figures_with(tmp_path: Path) -> None:
    """A figure's value is checked against its quote when the brief is checked; a brief
    whose checked result is kept is not checked again, so those patterns are not loaded."""
    root = build_tree(tmp_path / "ws", minimal_files())
    code = "r = build.check('config.yaml'); assert not r.report.errors, r.report.errors"
    assert _loaded(code, root, ("briefgen.figures",)) == ["briefgen.figures"]
    assert _loaded(code, root, ("briefgen.figures",)) == []  # kept: nothing checked again
