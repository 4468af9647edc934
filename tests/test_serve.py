"""The preview server: what it serves, what it refuses, and how it follows edits."""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.commands.serve import serving
from briefgen.errors import BriefgenError
from briefgen.preview.server import PreviewServer
from conftest import MINIMAL_BRIEF, build_tree, minimal_files, run_subprocess


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PreviewServer]:
    root = build_tree(tmp_path / "ws", minimal_files())
    with serving(root / "config.yaml", ()) as running:
        yield running


def get(
    server: PreviewServer, path: str, host: str | None = None, method: str = "GET"
) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.putrequest(method, path, skip_host=True)
    conn.putheader("Host", host if host is not None else f"127.0.0.1:{server.port}")
    conn.endheaders()
    return conn.getresponse()


def wait_for(condition: object, seconds: float = 20) -> None:
    """Poll until condition() is true (generous: the machine may be busy)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached")


def test_index_lists_each_brief_with_items_and_citations(server: PreviewServer) -> None:
    response = get(server, "/")
    body = response.read().decode()
    assert response.status == 200
    assert 'href="/brief/test"' in body
    assert "<td>2</td>" in body and "2 of 2 verified" in body
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_index_counts_a_cited_line_to_take_as_check_does(tmp_path: Path) -> None:
    line = (
        "lines_to_take:\n  - text: It is affordable.\n    cite:\n      - source: news\n"
        '        quote: the plan would cost "£2.5 billion"\n'
    )
    files = minimal_files(
        briefs__test_yaml=MINIMAL_BRIEF.replace("positions:", line + "positions:")
    )
    root = build_tree(tmp_path / "ws", files)
    with serving(root / "config.yaml", ()) as running:
        body = get(running, "/").read().decode()
    assert "3 of 3 citations verified" in body  # the summary, as `check` prints it
    assert "<td>2</td><td>3 of 3 verified</td>" in body  # two items, three citations


def test_index_lists_a_brief_that_could_not_be_read_with_its_problems(tmp_path: Path) -> None:
    files = minimal_files(briefs__broken_yaml="title: [unclosed\n")
    root = build_tree(tmp_path / "ws", files)
    with serving(root / "config.yaml", ()) as running:
        body = get(running, "/").read().decode()
        page = get(running, "/brief/broken")
        text = page.read().decode()
    assert '<a href="/brief/test">Test brief</a>' in body
    assert (
        '<tr><td><a href="/brief/broken">broken</a><br><small>broken.yaml</small></td><td>-</td>'
        "<td>could not be read" in body
    )
    assert page.status == 200 and "could not be read as a brief" in text
    assert "broken.yaml:1:8: error: YAML syntax error" in text  # at the "[" left open


def test_a_brief_file_of_an_odd_name_that_could_not_be_read_is_linked_to_its_page(
    tmp_path: Path,
) -> None:
    files = minimal_files()
    for name in ("a b", "x#y", "%41"):
        files[f"briefs/{name}.yaml"] = "title: [unclosed\n"
    root = build_tree(tmp_path / "ws", files)
    with serving(root / "config.yaml", ()) as running:
        body = get(running, "/").read().decode()
        for name, link in (("a b", "a%20b"), ("x#y", "x%23y"), ("%41", "%2541")):
            assert f'<a href="/brief/{link}">{name}</a>' in body
            page = get(running, f"/brief/{link}")
            assert page.status == 200
            text = html.unescape(page.read().decode())
            assert f"briefs/{name}.yaml:1:1: error:" in text and "rename the file" in text


def test_brief_page_wraps_the_html_output_in_an_iframe(server: PreviewServer) -> None:
    page = get(server, "/brief/test").read().decode()
    assert '<iframe id="brief"' in page and 'src="/out/test.html?v=' in page
    assert 'href="/out/test.pdf"' in page and 'href="/out/test.md"' in page
    assert 'href="/brief/test?layout=card"' in page


def test_html_output_is_what_build_writes_with_its_csp_as_header(
    server: PreviewServer, tmp_path: Path
) -> None:
    response = get(server, "/out/test.html")
    served = response.read()
    csp = response.headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'") and "script" not in csp
    root = tmp_path / "ws"
    done = run_subprocess("build", "--format", "html,md", cwd=root)
    assert done.returncode == 0, done.stderr
    assert served == (root / "build" / "test.html").read_bytes()
    assert get(server, "/out/test.md").read() == (root / "build" / "test.md").read_bytes()


def test_source_files_the_brief_links_to_are_served(server: PreviewServer) -> None:
    markdown = get(server, "/out/test.md").read().decode()
    assert "(../sources/news.txt#L1)" in markdown
    response = get(server, "/sources/news.txt")
    assert response.status == 200 and "£2.5 billion" in response.read().decode()


def test_a_source_made_a_link_to_a_file_outside_is_no_longer_served(
    server: PreviewServer, tmp_path: Path
) -> None:
    """A source's address is kept between checks, until its file changes: a source file
    replaced by a link leading out of the sources folder is not served after the save."""
    assert get(server, "/sources/news.txt").status == 200
    outside = tmp_path / "outside.txt"
    outside.write_text((tmp_path / "ws" / "sources" / "news.txt").read_text() + "secret\n")
    before = server.preview.snapshot.version
    source = tmp_path / "ws" / "sources" / "news.txt"
    source.unlink()
    source.symlink_to(outside)
    wait_for(lambda: server.preview.snapshot.version > before)
    # its address worked out again (the unlink and the new link may be two checks)
    wait_for(lambda: source not in server.preview.snapshot.sources.values())
    wait_for(lambda: get(server, "/sources/news.txt").status == 404)


@pytest.mark.parametrize(
    "path",
    [
        "/sources/",
        "/sources/sources.yaml",
        "/out/",
        "/out/../config.yaml",
        "/..%2fconfig.yaml",
        "/out/..%2f..%2fconfig.yaml",
        "/out/%2e%2e/config.yaml",
        "/out/..%252f..%252fconfig.yaml",
        "/sources/..%2f..%2fbriefs%2ftest.yaml",
        "/sources/%2e%2e%2fconfig.yaml",
        "/briefs/test.yaml",
        "/config.yaml",
        "//etc/passwd",
        "/out/test.html/../../config.yaml",
        "/brief/../config.yaml",
        "/brief/nothing",
        "/out/nothing.html",
        "/sources/news.txt%00",
    ],
)
def test_nothing_but_the_rendered_briefs_is_served(server: PreviewServer, path: str) -> None:
    response = get(server, path)
    body = response.read()
    assert response.status == 404
    assert b"organisation" not in body and b"Test brief" not in body


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example", "localhost.evil"]
)
def test_a_foreign_host_header_is_refused(server: PreviewServer, host: str) -> None:
    response = get(server, "/", host=host)
    assert response.status == 403
    assert b"Test brief" not in response.read()


def test_a_request_naming_no_host_is_a_bad_request(server: PreviewServer) -> None:
    response = get(server, "/", host="")
    assert response.status == 400 and b"Test brief" not in response.read()
    assert _raw(server, "GET / HTTP/1.0\r\n\r\n").startswith("HTTP/1.1 400")


def test_head_of_the_events_is_the_stream_s_headers(server: PreviewServer) -> None:
    response = get(server, "/events", method="HEAD")
    assert response.status == 200 and response.getheader("Content-Type") == "text/event-stream"


def _raw(server: PreviewServer, request: str) -> str:
    """The status line of the answer to a request written out by hand."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        conn.sendall(request.encode("latin-1"))
        return conn.makefile("rb").readline().decode("latin-1").strip()


def test_two_host_headers_or_a_foreign_absolute_url_are_refused(server: PreviewServer) -> None:
    mine = f"Host: 127.0.0.1:{server.port}\r\n"
    end = "Connection: close\r\n\r\n"
    assert _raw(server, f"GET / HTTP/1.1\r\n{mine}{end}").endswith("200 OK")
    for request in (
        f"GET / HTTP/1.1\r\n{mine}Host: evil.example\r\n{end}",
        f"GET / HTTP/1.1\r\nHost: evil.example\r\n{mine}{end}",
        f"GET http://evil.example/ HTTP/1.1\r\n{mine}{end}",  # the URL's host is the one
        f"GET ftp://127.0.0.1:{server.port}/ HTTP/1.1\r\n{mine}{end}",
    ):
        assert _raw(server, request).endswith("403 Forbidden"), request
    assert _raw(server, f"GET //evil.example/ HTTP/1.1\r\n{mine}{end}").endswith("404 Not Found")
    own = f"GET http://localhost:{server.port}/ HTTP/1.1\r\nHost: evil.example\r\n{end}"
    assert _raw(server, own).endswith("200 OK")


def _answers(server: PreviewServer, request: bytes) -> list[bytes]:
    """The status lines of every answer the server gives on one connection."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        conn.sendall(request)
        conn.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return [line for line in data.split(b"\r\n") if line.startswith(b"HTTP/1.")]


def test_a_request_body_is_never_read_as_another_request(server: PreviewServer) -> None:
    host = f"Host: 127.0.0.1:{server.port}\r\n".encode()
    inner = b"GET /status.json HTTP/1.1\r\n" + host + b"\r\n"
    for method in (b"POST", b"GET"):
        request = method + b" / HTTP/1.1\r\n" + host
        request += b"Content-Length: %d\r\n\r\n" % len(inner) + inner
        assert len(_answers(server, request)) == 1, method
    refused = get(server, "/", method="POST")
    assert refused.status == 405 and refused.headers["Allow"] == "GET, HEAD"


def test_the_standard_library_s_errors_carry_the_same_headers(server: PreviewServer) -> None:
    host = f"Host: 127.0.0.1:{server.port}\r\n".encode()
    too_long = b"GET / HTTP/1.1\r\n" + host + b"X-Long: " + b"a" * 70_000 + b"\r\n\r\n"
    for request in (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", too_long):
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
            conn.sendall(request)
            head = conn.makefile("rb").read().split(b"\r\n\r\n", 1)[0].decode("latin-1")
        assert head.split()[1] in ("414", "431"), head
        assert "Content-Security-Policy: default-src 'none'" in head
        assert "X-Content-Type-Options: nosniff" in head
        assert "Content-Type: text/plain" in head


def test_an_http_0_9_request_is_refused_with_headers(server: PreviewServer) -> None:
    """An HTTP/0.9 answer is the body alone: no status, no Content-Security-Policy."""
    for line in (b"GET /\r\n\r\n", b"GET / HTTP/0.9\r\nHost: localhost\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
            conn.sendall(line)
            answer = conn.makefile("rb").read().decode("latin-1")
        head, _, body = answer.partition("\r\n\r\n")
        assert head.startswith("HTTP/1.1 505"), answer
        assert "Content-Security-Policy: default-src 'none'" in head
        assert "<html" not in body


def test_a_request_another_site_makes_is_refused(server: PreviewServer) -> None:
    """A page of another site (or of another port of this machine) cannot have briefs
    rendered, though it could not read them; the address typed or opened is answered."""
    for site in ("cross-site", "same-site"):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{server.port}", "Sec-Fetch-Site": site}
        conn.request("GET", "/out/test.pdf", headers=headers)
        answer = conn.getresponse()
        assert answer.status == 403, site
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
        conn.close()
    for site in ("none", "same-origin"):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{server.port}", "Sec-Fetch-Site": site}
        conn.request("GET", "/", headers=headers)
        assert conn.getresponse().status == 200, site
        conn.close()


def test_localhost_host_header_is_accepted(server: PreviewServer) -> None:
    assert get(server, "/", host=f"localhost:{server.port}").status == 200


def test_only_get_and_head(server: PreviewServer) -> None:
    assert get(server, "/", method="POST").status == 405
    head = get(server, "/out/test.html", method="HEAD")
    assert head.status == 200 and head.read() == b""


def test_an_edit_is_picked_up_and_a_broken_quote_listed_then_cleared(
    server: PreviewServer, tmp_path: Path
) -> None:
    brief = tmp_path / "ws" / "briefs" / "test.yaml"
    before = server.preview.snapshot.version
    brief.write_text(MINIMAL_BRIEF.replace("The plan is affordable.", "The plan is cheap."))
    wait_for(lambda: server.preview.snapshot.version > before)
    assert b"The plan is cheap." in get(server, "/out/test.html").read()

    broken = MINIMAL_BRIEF.replace('over five years"', 'over six years"').replace(
        "over five years", "over six years"
    )
    brief.write_text(broken)
    wait_for(lambda: not server.preview.snapshot.ok)
    status = json.loads(get(server, "/status.json?brief=test").read())
    errors = [p["text"] for p in status["problems"] if p["error"]]
    # named from the workspace's folder, wherever the server was started (no machine paths)
    assert any(e.startswith("briefs/test.yaml:12:16: error: quote not found") for e in errors)
    assert "Problems" in get(server, "/brief/test").read().decode()

    brief.write_text(MINIMAL_BRIEF)
    wait_for(lambda: server.preview.snapshot.ok)
    status = json.loads(get(server, "/status.json?brief=test").read())
    assert not [p for p in status["problems"] if p["error"]]
    assert status["page"] == "/out/test.html"


def test_garbage_is_collected_in_the_quiet_after_a_save(
    server: PreviewServer, tmp_path: Path
) -> None:
    """Checks and renders pause Python's garbage collector (each would be a third
    slower); the watcher collects once nothing has been saved for a moment."""
    import gc

    collections = gc.get_stats()[2]["collections"]
    before, tidied = server.preview.snapshot.version, server.preview.collections
    (tmp_path / "ws" / "briefs" / "test.yaml").write_text(MINIMAL_BRIEF + "\n")
    wait_for(lambda: server.preview.snapshot.version > before)
    get(server, "/out/test.html").read()
    wait_for(lambda: server.preview.collections > tidied)
    assert gc.get_stats()[2]["collections"] > collections  # a full collection
    assert gc.isenabled()


def test_events_announce_each_new_version(server: PreviewServer, tmp_path: Path) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", "/events", headers={"Host": f"127.0.0.1:{server.port}"})
    response = conn.getresponse()
    assert response.headers["Content-Type"] == "text/event-stream"
    # the stream carries the headers every other answer carries
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    first = response.fp.readline()
    assert first.startswith(b"data: ")
    version = int(first.split()[1])
    (tmp_path / "ws" / "sources" / "news.txt").write_text("changed\n" + "x\n")
    line = b""
    while not line.startswith(b"data: "):
        line = response.fp.readline()
    assert int(line.split()[1]) > version
    conn.close()


def test_a_broken_workspace_does_not_stop_the_server(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "ws", minimal_files(config_yaml="limits: [\n"))
    with serving(root / "config.yaml", ()) as running:
        assert not running.preview.snapshot.ok
        body = get(running, "/").read().decode()
        assert "config.yaml:" in body
        (root / "config.yaml").write_text("organisation: Test Unit\n")
        wait_for(lambda: running.preview.snapshot.ok)
        assert 'href="/brief/test"' in get(running, "/").read().decode()


@pytest.mark.parametrize("blocked", ["set()", "{signal.SIGINT}"], ids=["plain", "blocked"])
def test_ctrl_c_stops_the_server_quietly(tmp_path: Path, blocked: str) -> None:
    """Also when whatever started briefgen left Ctrl-C blocked in the signal mask it inherits."""
    import os
    import signal
    import subprocess
    import sys

    root = build_tree(tmp_path / "ws", minimal_files())
    # the child's signal mask is set here, whatever mask this test process inherited
    start = (
        f"import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, {blocked}); "
        "os.execv(sys.executable, [sys.executable, '-m', 'briefgen', 'serve', '--port', '0'])"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", start],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    assert first.startswith("previewing at http://localhost:")
    port = int(first.split(":")[2].split("/")[0])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/", headers={"Host": f"localhost:{port}"})
    assert conn.getresponse().status == 200
    os.kill(child.pid, signal.SIGINT)
    _out, err = child.communicate(timeout=30)
    assert child.returncode == 130
    assert "Traceback" not in err and err.strip() == "briefgen: interrupted"


def test_the_servers_threads_leave_ctrl_c_and_sigterm_to_the_main_thread(tmp_path: Path) -> None:
    """The main thread waits for Ctrl-C on a lock, which a signal delivered to the watcher's
    or the server's thread would not wake: every thread serving starts must hold them."""
    import os
    import signal

    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        pytest.skip("no /proc to read the threads' signal masks from")
    root = build_tree(tmp_path / "ws", minimal_files())
    before = {p.name for p in tasks.iterdir()}
    stops = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1))
    with serving(root / "config.yaml", ()) as running:
        assert get(running, "/").status == 200
        started = {p.name for p in tasks.iterdir()} - before
        masks = {}
        for tid in started:
            with contextlib.suppress(OSError):  # a request's thread may just have ended
                status = (tasks / tid / "status").read_text()
                masks[tid] = int(status.split("SigBlk:")[1].split()[0], 16)
    assert len(masks) >= 2 and os.getpid() not in map(int, masks)
    assert all(mask & stops == stops for mask in masks.values()), masks


def test_another_host_than_loopback_is_warned_about(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    done = run_subprocess("serve", "--host", "256.0.0.1", "--port", "0", cwd=root)
    assert "warning: serving on 256.0.0.1, not 127.0.0.1" in done.stderr
    assert "cannot listen on 256.0.0.1:0" in done.stderr and done.returncode == 1
    assert "Traceback" not in done.stderr


def test_another_loopback_address_is_not_warned_about(tmp_path: Path) -> None:
    from briefgen.preview.server import loopback

    assert loopback("127.0.0.2") and loopback("localhost") and loopback("::1")
    assert not loopback("0.0.0.0") and not loopback("192.0.2.7") and not loopback("example.org")


@pytest.fixture
def everywhere(tmp_path: Path) -> Iterator[PreviewServer]:
    root = build_tree(tmp_path / "ws", minimal_files())
    with serving(root / "config.yaml", (), host="0.0.0.0") as running:
        yield running


def test_served_to_other_machines_it_answers_to_any_address_of_its_port(
    everywhere: PreviewServer,
) -> None:
    """Another machine names the preview by an address of this one (or its name); a name
    that is not this machine's may be a rebound one and is still refused."""
    import socket

    port = everywhere.port
    for host in (f"192.0.2.7:{port}", "192.0.2.7", f"[2001:db8::1]:{port}", socket.gethostname()):
        assert get(everywhere, "/", host=host).status == 200, host
    for host in (
        f"192.0.2.7:{port + 1}",
        f"evil.example:{port}",
        "192.0.2.7.evil.example",
        "192.0.2.7:abc",  # a port that is no number
    ):
        response = get(everywhere, "/", host=host)
        assert response.status == 403, host
        assert b"this machine's addresses and names" in response.read()


def test_on_loopback_another_address_is_refused(server: PreviewServer) -> None:
    assert get(server, "/", host=f"192.0.2.7:{server.port}").status == 403


def test_a_save_made_while_the_watcher_starts_is_not_missed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A brief saved after the first check but before the watcher is in place is seen
    (watchfiles would never report it)."""
    from briefgen.commands import serve as serve_command
    from briefgen.preview.state import Preview

    root = build_tree(tmp_path / "ws", minimal_files())
    brief = root / "briefs" / "test.yaml"

    class SavedMeanwhile(Preview):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            brief.write_text(MINIMAL_BRIEF.replace("The plan is affordable.", "The plan is cheap."))

    monkeypatch.setattr(serve_command, "Preview", SavedMeanwhile)
    with serving(root / "config.yaml", ()) as running:
        snap = running.preview.snapshot
        assert snap.result is not None
        texts = [p.stance for b in snap.result.workspace.briefs for p in b.positions]
        assert any("cheap" in t for t in texts), texts


def test_outputs_of_a_brief_with_errors_are_not_served_with_the_citation_left_out(
    server: PreviewServer, tmp_path: Path
) -> None:
    brief = tmp_path / "ws" / "briefs" / "test.yaml"
    brief.write_text(MINIMAL_BRIEF.replace("over five years", "over six years"))
    wait_for(lambda: not server.preview.snapshot.ok)
    for fmt in ("html", "md", "pdf"):
        answer = get(server, f"/out/test.{fmt}")
        body = answer.read().decode()
        assert answer.status == 422, (fmt, body)  # as build, which writes none of them
        assert "\nbriefs/test.yaml:12:16: error: quote not found" in body
    before = server.preview.snapshot.version
    brief.write_text("title: [unclosed\n")  # does not read as YAML: no brief at all
    wait_for(lambda: server.preview.snapshot.version > before)
    for fmt in ("html", "md", "pdf", "card.html"):
        answer = get(server, f"/out/test.{fmt}")
        body = answer.read().decode()
        assert answer.status == 422, (fmt, body)  # what stops it, not "not found"
        assert "\nbriefs/test.yaml:" in body
    assert get(server, "/out/other.pdf").status == 404  # no such brief
    brief.write_text(MINIMAL_BRIEF)
    wait_for(lambda: server.preview.snapshot.ok)
    assert get(server, "/out/test.md").status == 200


def test_a_template_that_cannot_be_rendered_is_listed_as_a_problem_of_the_page(
    server: PreviewServer, tmp_path: Path
) -> None:
    template = tmp_path / "ws" / "templates" / "brief.html.j2"
    template.parent.mkdir(exist_ok=True)
    before = server.preview.snapshot.version
    template.write_text(
        '{% extends "builtin:brief.html.j2" %}\n{% block titleblock %}{{ x( }}{% endblock %}\n'
    )
    wait_for(lambda: server.preview.snapshot.version > before)
    status = json.loads(get(server, "/status.json?brief=test").read())
    own = [p["text"] for p in status["problems"] if p["error"] and p["own"]]
    assert any(t.startswith("templates/brief.html.j2:2:") and "syntax error" in t for t in own)
    answer = get(server, "/out/test.html")
    assert answer.status == 422 and "template syntax error" in answer.read().decode()
    assert get(server, "/out/test.md").status == 200  # the Markdown does not use it
    template.unlink()
    wait_for(lambda: get(server, "/out/test.html").status == 200)
    status = json.loads(get(server, "/status.json?brief=test").read())
    assert not [p for p in status["problems"] if p["error"]]


LOOPING_TEMPLATE = (
    '{% extends "builtin:brief.html.j2" %}{% block titleblock %}'
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    "{{ super() }}{% endblock %}"
)


def test_a_render_of_a_state_since_changed_is_stopped(tmp_path: Path) -> None:
    """A render still running when a save changes the workspace would be shown to no one:
    its child is stopped then, not left to use a core until the time limit, and the output
    is made from the workspace as it is now."""
    import threading

    files = minimal_files()
    files["config.yaml"] += "limits:\n  render_timeout: 60\n"
    files["templates/brief.html.j2"] = LOOPING_TEMPLATE
    root = build_tree(tmp_path / "ws", files)
    with serving(root / "config.yaml", ()) as running:
        answers: list[tuple[int, str]] = []

        def ask() -> None:
            answer = get(running, "/out/test.html")
            answers.append((answer.status, answer.read().decode()))

        asking = threading.Thread(target=ask)
        start = time.monotonic()
        asking.start()
        snap = running.preview.snapshot
        wait_for(lambda: "test.html" in snap.gates)  # its render is under way
        time.sleep(0.5)
        (root / "templates" / "brief.html.j2").unlink()
        asking.join(30)
        # the render stopped, and the page made from the workspace as it is now instead:
        # the one asking gets what it asked for, not a message to ask again
        assert answers and answers[0][0] == 200, answers
        assert "The plan is affordable." in answers[0][1]
        assert time.monotonic() - start < 30  # not the 60 seconds of the limit


def test_a_template_that_runs_away_is_stopped_and_the_server_answers_on(tmp_path: Path) -> None:
    """A workspace template that loops, or fills memory, is held to the render limits in
    the preview as in build: the page is a problem to show, and the server goes on."""
    files = minimal_files()
    files["config.yaml"] += "limits:\n  render_timeout: 3\n  render_memory_mb: 400\n"
    files["templates/brief.html.j2"] = LOOPING_TEMPLATE
    root = build_tree(tmp_path / "ws", files)
    with serving(root / "config.yaml", ()) as running:
        start = time.monotonic()
        answer = get(running, "/out/test.html")
        assert answer.status == 422
        assert "took longer than 3 seconds" in answer.read().decode()
        assert time.monotonic() - start < 20
        assert get(running, "/").status == 200  # still answering
        template = root / "templates" / "brief.html.j2"
        template.write_text(
            '{% extends "builtin:brief.html.j2" %}{% block titleblock %}'
            "{% set s = 'x' * 1500000000 %}{{ s|length }}{% endblock %}"
        )
        wait_for(lambda: "memory" in get(running, "/out/test.html").read().decode(), 60)
        assert get(running, "/").status == 200


def test_one_render_of_an_output_however_many_ask_at_once(
    server: PreviewServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from briefgen.preview import state

    made = []
    real = state.render_output

    def counted(*args: object) -> bytes:
        made.append(args)
        time.sleep(0.3)  # long enough for every request to arrive while it renders
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(state, "render_output", counted)
    answers: list[int] = []
    asks = [
        threading.Thread(target=lambda: answers.append(get(server, "/out/test.md").status))
        for _ in range(8)
    ]
    for ask in asks:
        ask.start()
    for ask in asks:
        ask.join(30)
    assert answers == [200] * 8
    assert len(made) == 1


def test_a_request_that_stops_coming_is_dropped(
    server: PreviewServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.preview import server as served

    assert served.Handler.timeout is not None and served.Handler.timeout <= 60
    monkeypatch.setattr(served.Handler, "timeout", 0.5)  # as it is, only quicker
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: lo")  # and nothing more
        start = time.monotonic()
        assert conn.recv(100) == b""  # closed by the server
        assert time.monotonic() - start < 8


def test_a_request_whose_headers_trickle_in_is_dropped_all_the_same(
    server: PreviewServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The time for a request's headers counts from its start, not from each line."""
    from briefgen.preview import server as served

    monkeypatch.setattr(served, "HEADER_SECONDS", 1.5)  # as it is, only quicker
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        start = time.monotonic()
        closed = False
        while time.monotonic() - start < 8 and not closed:
            time.sleep(0.5)
            try:
                conn.sendall(b"X-Slow: 1\r\n")  # a line before each read would time out
            except OSError:
                closed = True
                break
            conn.settimeout(0.01)
            with contextlib.suppress(TimeoutError):
                closed = conn.recv(100) == b""
            conn.settimeout(10)
        assert closed
        assert time.monotonic() - start < 5


def test_the_sources_folder_made_a_link_out_is_not_served_and_is_a_problem(
    server: PreviewServer, tmp_path: Path
) -> None:
    """The sources folder swapped for a link to a folder outside the workspace, with a file
    of the same name: the file is not served even before the check sees the change, and the
    check then says what check says."""
    sources = tmp_path / "ws" / "sources"
    assert get(server, "/sources/news.txt").status == 200
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "news.txt").write_text("secret outside the workspace\n")
    (outside / "sources.yaml").write_text((sources / "sources.yaml").read_text())
    with server.preview._lock:  # no check until both steps are done: the old state answers
        sources.rename(tmp_path / "sources.real")
        sources.symlink_to(outside)
        answer = get(server, "/sources/news.txt")
        assert answer.status == 404 and b"secret" not in answer.read()
    wait_for(
        lambda: any(
            "leads outside the workspace" in p.message for p in server.preview.snapshot.problems
        )
    )
    answer = get(server, "/sources/news.txt")
    assert answer.status == 404 and b"secret" not in answer.read()


def test_a_brief_name_too_long_for_a_file_is_not_found(server: PreviewServer) -> None:
    for name in ("a" * 300, "%C3%A9" * 130):
        answer = get(server, f"/brief/{name}")
        assert answer.status == 404, name
        assert answer.headers["Content-Security-Policy"].startswith("default-src")


@pytest.mark.parametrize(
    "line",
    [b"GET / HTTP/1.1 x", b"GET / HTTP/2.0", b"GET / HTTX/1.1", b"GARBAGE", b"GET / HTTP/1.x"],
)
def test_a_request_line_that_does_not_read_is_answered_with_headers(
    server: PreviewServer, line: bytes
) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        conn.sendall(line + b"\r\nHost: localhost\r\n\r\n")
        answer = conn.makefile("rb").read().decode("latin-1")
    head = answer.partition("\r\n\r\n")[0]
    assert head.split()[:2] in (["HTTP/1.1", "400"], ["HTTP/1.1", "505"]), answer
    assert "Content-Security-Policy: default-src 'none'" in head
    assert "X-Content-Type-Options: nosniff" in head


def test_a_header_line_that_is_not_name_colon_value_is_refused(server: PreviewServer) -> None:
    """The standard library stops reading headers at such a line, so a second Host after
    it went unseen; such a request is refused whole."""
    mine = f"Host: 127.0.0.1:{server.port}\r\n"
    for extra in ("Foo\r\nHost: evil.example\r\n", "Host : evil.example\r\n", "X-A: 1\r\n b\r\n"):
        request = f"GET / HTTP/1.1\r\n{mine}{extra}Connection: close\r\n\r\n"
        assert _raw(server, request).endswith("400 Bad Request"), extra
    assert _raw(server, f"GET / HTTP/1.1\r\n{mine}Connection: close\r\n\r\n").endswith("200 OK")


def test_an_empty_host_is_refused(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "ws", minimal_files())
    done = run_subprocess("serve", "--host", "", "--port", "0", cwd=root)
    assert done.returncode == 2 and "give an address to listen on" in done.stderr


def test_a_render_whose_child_was_killed_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A render child killed from outside is not a failure of the brief: the next request
    renders again, where a template that fails is told once a state."""
    import signal

    from briefgen.preview import state

    root = build_tree(tmp_path / "ws", minimal_files())
    marker = tmp_path / "killed-once"
    page_text = state._page_text

    def killed_once(view: object, kind: str) -> str:  # runs in the render's child
        if not marker.exists():
            marker.write_text("")
            os.kill(os.getpid(), signal.SIGKILL)
        return page_text(view, kind)

    monkeypatch.setattr(state, "_page_text", killed_once)
    preview = state.Preview(root / "config.yaml")
    try:
        with pytest.raises(BriefgenError, match="stopped by signal SIGKILL"):
            preview.render("test.html")
        assert b"The plan is affordable." in (preview.render("test.html") or b"")
    finally:
        preview.close()


def test_a_catalogue_error_keeps_the_brief_s_outputs_from_being_served(
    server: PreviewServer, tmp_path: Path
) -> None:
    """A source file the catalogue names gone missing: the brief's quotes from it cannot be
    verified, and build writes nothing. The preview serves none of its outputs either (it
    served them with those citations left out), and says why."""
    catalogue = tmp_path / "ws" / "sources" / "sources.yaml"
    assert get(server, "/out/test.md").status == 200
    before = server.preview.snapshot.version
    catalogue.write_text(catalogue.read_text().replace("news.txt", "gone.txt"))
    wait_for(lambda: server.preview.snapshot.version > before)
    for name in ("test.md", "test.html", "test.pdf"):
        answer = get(server, f"/out/{name}")
        text = answer.read().decode()
        assert answer.status == 422, name
        assert "sources/sources.yaml:" in text and "does not exist" in text
    status = json.loads(get(server, "/status.json?brief=test").read())
    assert any(p["own"] and "does not exist" in p["text"] for p in status["problems"])


def test_a_layout_whose_template_is_away_for_a_moment_has_a_page_that_waits(
    server: PreviewServer, tmp_path: Path
) -> None:
    template = tmp_path / "ws" / "templates" / "memo.html.j2"
    template.parent.mkdir(exist_ok=True)
    template.write_text('{% extends "builtin:brief.html.j2" %}')
    wait_for(lambda: get(server, "/brief/test?layout=memo").status == 200)
    template.unlink()
    wait_for(lambda: get(server, "/brief/test?layout=memo").status == 404)
    page = html.unescape(get(server, "/brief/test?layout=memo").read().decode())
    assert 'has no layout "memo" just now' in page and "/preview.js" in page  # it follows
    assert get(server, "/brief/test?layout=x%20y").status == 404  # no page for such a name


def test_status_names_the_brief_s_title_and_the_index_its_file(
    server: PreviewServer, tmp_path: Path
) -> None:
    status = json.loads(get(server, "/status.json?brief=test").read())
    assert status["title"] == "Test brief"
    index = get(server, "/").read().decode()
    assert "<small>test.yaml</small>" in index
    assert 'id="offline" hidden' in index


def test_event_streams_past_the_limit_are_refused_until_one_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each stream holds a thread while it is open: 1,000 of them made 1,000 threads."""
    import briefgen.preview.server

    monkeypatch.setattr(briefgen.preview.server, "MAX_STREAMS", 3)
    root = build_tree(tmp_path / "ws", minimal_files())
    with serving(root / "config.yaml", ()) as running:

        def stream() -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
            conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
            conn.request("GET", "/events", headers={"Host": f"127.0.0.1:{running.port}"})
            return conn, conn.getresponse()

        opened = [stream() for _ in range(3)]
        assert all(r.status == 200 and r.fp.readline().startswith(b"data: ") for _, r in opened)
        conn, refused = stream()
        assert refused.status == 503 and b"too many open event streams" in refused.read()
        conn.close()
        assert get(running, "/").status == 200  # everything else is answered as before
        opened[0][1].close()  # the page closed (its socket with it)
        opened[0][0].close()
        (root / "sources" / "news.txt").write_text("changed\n")  # the streams write: one fails
        wait_for(lambda: _stream_status(running) == 200, 40)
        for conn, response in opened[1:]:
            response.close()
            conn.close()


def _stream_status(server: PreviewServer) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", "/events", headers={"Host": f"127.0.0.1:{server.port}"})
    response = conn.getresponse()
    status = response.status
    response.close()
    conn.close()
    return status
