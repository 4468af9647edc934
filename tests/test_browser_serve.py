"""The preview in a real browser: Debian's headless Chromium driven through Selenium."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefgen.commands.serve import serving
from briefgen.preview.server import PreviewServer
from conftest import MINIMAL_BRIEF, build_tree, minimal_files

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT = 30  # seconds; generous, the machine is shared

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (sh scripts/bootstrap --test)",
)


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="briefgen-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PreviewServer]:
    root = build_tree(tmp_path / "ws", minimal_files())
    with serving(root / "config.yaml", ()) as running:
        yield running


def _waiter(driver: Any) -> Any:
    """Waits that retry while the page is being replaced under the driver (a look taken
    as the page reloads is "aborted by navigation", a plain WebDriverException; a wait
    whose condition never holds still fails when its time is up)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (WebDriverException,)
    return WebDriverWait(driver, WAIT, poll_frequency=0.1, ignored_exceptions=ignored)


def _frame_text(driver: Any) -> str:
    driver.switch_to.default_content()
    driver.switch_to.frame("brief")
    text = str(driver.find_element("tag name", "body").text)
    driver.switch_to.default_content()
    return text


def _overlay(driver: Any) -> str:
    driver.switch_to.default_content()
    element = driver.find_element("id", "problems")
    return str(element.text) if element.is_displayed() else ""


def test_edit_break_and_fix_a_brief_in_the_open_page(
    browser: Any, server: PreviewServer, tmp_path: Path
) -> None:
    wait = _waiter(browser)
    brief = tmp_path / "ws" / "briefs" / "test.yaml"
    browser.get(f"http://127.0.0.1:{server.port}/brief/test")
    wait.until(lambda d: "The plan is affordable." in _frame_text(d))

    brief.write_text(MINIMAL_BRIEF.replace("The plan is affordable.", "The plan is a bargain."))
    wait.until(lambda d: "The plan is a bargain." in _frame_text(d))

    brief.write_text(MINIMAL_BRIEF.replace("over five years", "over six years"))
    wait.until(lambda d: "quote not found" in _overlay(d))
    assert "briefs/test.yaml:12:16: error: quote not found" in _overlay(browser)

    brief.write_text(MINIMAL_BRIEF)
    wait.until(lambda d: _overlay(d) == "")
    wait.until(lambda d: "The plan is affordable." in _frame_text(d))


def test_index_lists_the_brief_and_follows_a_new_one(
    browser: Any, server: PreviewServer, tmp_path: Path
) -> None:
    wait = _waiter(browser)
    browser.get(f"http://127.0.0.1:{server.port}/")
    wait.until(lambda d: "Test brief" in d.find_element("tag name", "body").text)
    second = (
        MINIMAL_BRIEF.replace("title: Test brief", "title: Second brief")
        .replace("minister-plan", "minister-plan-2")
        .replace("plan-cost", "plan-cost-2")
    )
    (tmp_path / "ws" / "briefs" / "second.yaml").write_text(second)
    wait.until(lambda d: "Second brief" in d.find_element("tag name", "body").text)


def test_the_index_reloads_only_when_something_changed(
    browser: Any, server: PreviewServer, tmp_path: Path
) -> None:
    import time

    wait = _waiter(browser)
    browser.get(f"http://127.0.0.1:{server.port}/")
    wait.until(lambda d: "Test brief" in d.find_element("tag name", "body").text)
    browser.execute_script("window.briefgenMark = 1;")  # gone if the page loads again
    time.sleep(2)
    assert browser.execute_script("return window.briefgenMark;") == 1


def test_a_brief_the_page_shows_follows_edits_while_another_is_broken(
    browser: Any, server: PreviewServer, tmp_path: Path
) -> None:
    wait = _waiter(browser)
    briefs = tmp_path / "ws" / "briefs"
    (briefs / "other.yaml").write_text("title: [unclosed\n")
    browser.get(f"http://127.0.0.1:{server.port}/brief/test")
    wait.until(lambda d: "The plan is affordable." in _frame_text(d))
    assert "other.yaml" not in _overlay(browser)  # on the index, not over this brief
    (briefs / "test.yaml").write_text(
        MINIMAL_BRIEF.replace("The plan is affordable.", "The plan is a bargain.")
    )
    wait.until(lambda d: "The plan is a bargain." in _frame_text(d))
    # this brief broken: the page shows its problems, then the brief again once fixed
    (briefs / "test.yaml").write_text("title: [unclosed\n")
    browser.get(f"http://127.0.0.1:{server.port}/brief/test")
    wait.until(lambda d: "test.yaml" in _overlay(d))
    (briefs / "test.yaml").write_text(MINIMAL_BRIEF)
    wait.until(lambda d: "The plan is affordable." in _frame_text(d))


def test_a_broken_template_shows_in_the_overlay_and_the_brief_returns_when_fixed(
    browser: Any, server: PreviewServer, tmp_path: Path
) -> None:
    wait = _waiter(browser)
    template = tmp_path / "ws" / "templates" / "brief.html.j2"
    template.parent.mkdir(exist_ok=True)
    browser.get(f"http://127.0.0.1:{server.port}/brief/test")
    wait.until(lambda d: "The plan is affordable." in _frame_text(d))
    template.write_text(
        '{% extends "builtin:brief.html.j2" %}\n{% block titleblock %}{{ x( }}{% endblock %}\n'
    )
    wait.until(lambda d: "template syntax error" in _overlay(d))
    assert "templates/brief.html.j2:2:" in _overlay(browser)
    template.write_text(
        '{% extends "builtin:brief.html.j2" %}\n{% block titleblock %}<p>Band</p>{{ super() }}{% endblock %}\n'
    )
    wait.until(lambda d: _overlay(d) == "")
    wait.until(lambda d: "Band" in _frame_text(d))


def test_a_brief_moved_away_for_a_moment_comes_back_in_its_open_page(
    browser: Any, server: PreviewServer, tmp_path: Path
) -> None:
    wait = _waiter(browser)
    brief = tmp_path / "ws" / "briefs" / "test.yaml"
    aside = tmp_path / "test.yaml"
    browser.get(f"http://127.0.0.1:{server.port}/brief/test")
    wait.until(lambda d: "The plan is affordable." in _frame_text(d))
    brief.rename(aside)
    wait.until(
        lambda d: "not in the briefs folder just now" in d.find_element("tag name", "header").text
    )
    aside.rename(brief)
    wait.until(lambda d: "The plan is affordable." in _frame_text(d))


def test_many_open_pages_all_follow_an_edit(
    browser: Any, server: PreviewServer, tmp_path: Path
) -> None:
    """A browser opens six connections to a server at most: the pages share one stream of
    events, so the eighth page open still follows an edit, and still loads."""
    wait = _waiter(browser)
    brief = tmp_path / "ws" / "briefs" / "test.yaml"
    url = f"http://127.0.0.1:{server.port}/brief/test"
    browser.get(url)
    tabs = [browser.current_window_handle]
    for _ in range(7):
        browser.switch_to.new_window("tab")
        browser.get(url)
        tabs.append(browser.current_window_handle)
    for tab in tabs:
        browser.switch_to.window(tab)
        wait.until(lambda d: "The plan is affordable." in _frame_text(d))
    brief.write_text(MINIMAL_BRIEF.replace("over five years", "over six years"))
    for tab in tabs:
        browser.switch_to.window(tab)
        wait.until(lambda d: "quote not found" in _overlay(d))


def test_another_brief_s_error_does_not_cover_this_brief(
    browser: Any, server: PreviewServer, tmp_path: Path
) -> None:
    wait = _waiter(browser)
    other = tmp_path / "ws" / "briefs" / "other.yaml"
    other_brief = MINIMAL_BRIEF.replace("minister-plan", "other-plan").replace(
        "plan-cost", "other-cost"
    )
    other.write_text(other_brief)
    browser.get(f"http://127.0.0.1:{server.port}/brief/test")
    wait.until(lambda d: "The plan is affordable." in _frame_text(d))
    other.write_text(other_brief.replace("over five years", "over six years"))
    browser.get(f"http://127.0.0.1:{server.port}/")  # the index lists the other's error
    wait.until(lambda d: "quote not found" in _overlay(d))
    browser.get(f"http://127.0.0.1:{server.port}/brief/test")
    wait.until(lambda d: "The plan is affordable." in _frame_text(d))
    assert _overlay(browser) == ""  # the other brief's error is not over this one
    (tmp_path / "ws" / "briefs" / "test.yaml").write_text(
        MINIMAL_BRIEF.replace("The plan is affordable.", "The plan is a bargain.")
    )
    wait.until(lambda d: "The plan is a bargain." in _frame_text(d))
    assert _overlay(browser) == ""


def _long_brief(stance: str = "The plan is affordable.", first: str = "") -> str:
    """MINIMAL_BRIEF with 40 positions: longer than the window."""
    entry = (
        "  - id: minister-plan-{n}\n    actor: Minister {n}\n    topic: Costs\n"
        "    stance: {stance}\n    cite:\n      - source: news\n"
        '        quote: the plan would cost "£2.5 billion" over five years\n'
    )
    entries = "".join(entry.format(n=n, stance=stance) for n in range(40))
    return MINIMAL_BRIEF.replace("positions:\n", "positions:\n" + first + entries)


def _top_of(driver: Any, element_id: str) -> float:
    """How far the element is from the top of the frame's view, in pixels."""
    driver.switch_to.default_content()
    driver.switch_to.frame("brief")
    top = driver.execute_script(
        f"return document.getElementById({element_id!r}).getBoundingClientRect().top;"
    )
    driver.switch_to.default_content()
    return float(top)


def test_an_update_keeps_the_reader_where_they_were(
    browser: Any, server: PreviewServer, tmp_path: Path
) -> None:
    """Saving the brief does not throw the reader back to the top of the page: the block
    they were reading stays where it was, even when text above it grew."""
    wait = _waiter(browser)
    brief = tmp_path / "ws" / "briefs" / "test.yaml"
    brief.write_text(_long_brief())
    browser.set_window_size(1000, 700)
    browser.get(f"http://127.0.0.1:{server.port}/brief/test")
    wait.until(lambda d: "Minister 30" in _frame_text(d))
    browser.switch_to.frame("brief")
    browser.execute_script(
        "var e = document.getElementById('item-minister-plan-30');"
        "window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 40);"
    )
    browser.switch_to.default_content()
    before = _top_of(browser, "item-minister-plan-30")
    assert 30 < before < 50

    brief.write_text(_long_brief("The plan is a bargain."))
    wait.until(lambda d: "The plan is a bargain." in _frame_text(d))
    assert abs(_top_of(browser, "item-minister-plan-30") - before) < 2
    # a new position above: the page below it moves down, the reader's block does not
    added = (
        "  - id: new-one\n    actor: Minister new\n    topic: Costs\n"
        "    stance: A long new stance that takes a line or two of its own in the page.\n"
        "    cite:\n      - source: news\n"
        '        quote: the plan would cost "£2.5 billion" over five years\n'
    )
    brief.write_text(_long_brief("The plan is a bargain.", first=added))
    wait.until(lambda d: "Minister new" in _frame_text(d))
    assert abs(_top_of(browser, "item-minister-plan-30") - before) < 2
    assert len(browser.find_elements("tag name", "iframe")) == 1  # the old frame is gone


def test_the_index_lists_problems_below_the_briefs_which_stay_one_click_away(
    browser: Any, server: PreviewServer, tmp_path: Path
) -> None:
    """A brief that does not read is listed, with its problem, but covers nothing: the
    other briefs can still be opened from the index."""
    wait = _waiter(browser)
    (tmp_path / "ws" / "briefs" / "broken.yaml").write_text("title: [unclosed\n")
    browser.get(f"http://127.0.0.1:{server.port}/")
    wait.until(lambda d: "broken.yaml:1:8" in _overlay(d))
    browser.find_element("link text", "Test brief").click()
    wait.until(lambda d: "The plan is affordable." in _frame_text(d))


@pytest.mark.parametrize("width", [400, 1280])
def test_the_problems_cover_the_brief_not_the_header_at_any_width(
    browser: Any, server: PreviewServer, tmp_path: Path, width: int
) -> None:
    wait = _waiter(browser)
    browser.set_window_size(width, 800)
    long_title = MINIMAL_BRIEF.replace("title: Test brief", "title: " + "A long title " * 6)
    brief = tmp_path / "ws" / "briefs" / "test.yaml"
    brief.write_text(long_title)
    browser.get(f"http://127.0.0.1:{server.port}/brief/test")
    wait.until(lambda d: "A long title" in _frame_text(d))
    brief.write_text(long_title.replace("over five years", "over six years"))
    wait.until(lambda d: "quote not found" in _overlay(d))
    header, overlay, frame = (
        browser.find_element(*found).rect
        for found in (("tag name", "header"), ("id", "problems"), ("id", "brief"))
    )
    assert overlay["y"] >= header["y"] + header["height"] - 1  # the header stays readable
    height = browser.execute_script("return window.innerHeight")
    assert frame["y"] + frame["height"] <= height + 1  # no second scroll bar for the page
    assert browser.execute_script("return document.documentElement.scrollHeight") <= height + 1


def test_the_header_follows_the_brief_and_shows_its_warnings(
    browser: Any, server: PreviewServer, tmp_path: Path
) -> None:
    wait = _waiter(browser)
    brief = tmp_path / "ws" / "briefs" / "test.yaml"
    browser.get(f"http://127.0.0.1:{server.port}/brief/test")
    wait.until(lambda d: "The plan is affordable." in _frame_text(d))
    assert not browser.find_element("id", "warnings").is_displayed()
    brief.write_text(
        MINIMAL_BRIEF.replace("title: Test brief", "title: Renamed brief").replace(
            "- One key message.", "- Write the key messages here."
        )
    )
    wait.until(lambda d: d.find_element("id", "title").text == "Renamed brief")
    assert browser.title == "Renamed brief"
    warnings = browser.find_element("id", "warnings")
    assert warnings.is_displayed() and warnings.text == "1 warning"
    warnings.click()
    assert "summary still says" in warnings.text


def test_a_page_says_so_when_the_server_stops(browser: Any, tmp_path: Path) -> None:
    wait = _waiter(browser)
    root = build_tree(tmp_path / "ws", minimal_files())
    with serving(root / "config.yaml", ()) as running:
        browser.get(f"http://127.0.0.1:{running.port}/brief/test")
        wait.until(lambda d: "The plan is affordable." in _frame_text(d))
        assert not browser.find_element("id", "offline").is_displayed()
    wait.until(lambda d: d.find_element("id", "offline").is_displayed())
    assert "start briefgen serve again" in browser.find_element("id", "offline").text
