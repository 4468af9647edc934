"""The preview's HTTP server: 127.0.0.1 by default, a fixed set of addresses, nothing else.

Every answer is looked up by its exact path in what the current snapshot can render
(no file system paths are built from a request), so there is no directory listing
and no traversal, encoded or not. A Host header other than the bound address or
localhost is refused, which defeats DNS rebinding; so is a request with two Host
headers, or whose absolute URL (`GET http://name/ HTTP/1.1`) names another host. Served to other machines (an explicit
--host), it also answers to any address and to the machine's own names, never to another
name.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from briefgen.errors import BriefgenError, Location, Problem, Report
from briefgen.load import read_bytes
from briefgen.preview import pages
from briefgen.preview.state import OUT, Preview, Snapshot

KEEPALIVE_SECONDS = 10.0
# event streams open at once: a browser's pages share one (SharedWorker), so this many
# is far more than any use; past it, each would hold a thread for as long as it is open
MAX_STREAMS = 100
# each output format's Content-Type; an output of a format not listed is not served (404)
_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# a source as received: a PDF opens at the page a note links to; a Word document is a
# download; anything else (a saved web page included) is shown as text, never rendered
_SOURCE_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _source_type(path: Path) -> str:
    return _SOURCE_TYPES.get(path.suffix.lower(), "text/plain; charset=utf-8")


def loopback(address: str) -> bool:
    """Whether an address or name is this machine's own (127.0.0.0/8, ::1, localhost)."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address.lower() == "localhost"


def _host_and_port(host: str) -> tuple[str, int | None]:
    """A Host header's name (an IPv6 address without its brackets) and port, if any; a
    port that is not a number is -1, which no server has."""
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        port = rest.removeprefix(":")
    else:
        name, _, port = host.partition(":")
    if not port:
        return name, None
    return name, int(port) if port.isascii() and port.isdigit() else -1


HEADER_SECONDS = 20.0


class _Answer(Exception):
    """An answer with a status other than 200 and a body of its own."""

    def __init__(self, status: HTTPStatus, body: bytes, kind: str, csp: str) -> None:
        super().__init__(status)
        self.status, self.body, self.kind, self.csp = status, body, kind, csp


class _Unrendered(Exception):
    """An output that cannot be rendered in the current state, and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64  # a page and its frame, scripts and renders connect at once

    def __init__(self, host: str, port: int, preview: Preview) -> None:
        self.preview = preview
        self.stopping = threading.Event()
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)
        super().__init__((host, port), Handler)
        bound = str(self.server_address[0])
        self.port = int(self.server_address[1])
        names = {"localhost", "127.0.0.1", "[::1]", bound.lower()}
        # Served beyond this machine (an explicit --host): other machines name it by one of
        # its addresses or its own names. An address cannot be rebound to another site;
        # only a name can, so any other name is still refused.
        self.remote = not loopback(bound)
        if self.remote:
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        self.hosts = names | {f"{name}:{self.port}" for name in names}

    def answers_to(self, host: str) -> bool:
        """Whether a request with this Host header is for this preview (not a rebound name)."""
        if host in self.hosts:
            return True
        if not self.remote:
            return False
        name, port = _host_and_port(host)
        if port is not None and port != self.port:
            return False
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A page closed mid-answer is normal here; nothing is printed (only cli.py prints)."""

    def stop(self) -> None:
        """End the event streams, then the serving loop."""
        self.stopping.set()
        with self.preview.changed:
            self.preview.changed.notify_all()
        self.shutdown()


class Handler(BaseHTTPRequestHandler):
    # a request whose line or headers stop coming is dropped, not held open for ever (the
    # stream of events only writes, so the time never runs out on an open page)
    timeout = HEADER_SECONDS

    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "briefgen-preview"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version  # (the standard library adds a space and sys_version)

    def handle_one_request(self) -> None:
        """One request, whose line and headers must all have come within HEADER_SECONDS:
        the socket's own timeout counts from each read, so a header line sent every few
        seconds would hold the connection for ever."""
        cut = threading.Timer(HEADER_SECONDS, self._cut_off)
        cut.daemon = True
        self._headed = cut
        cut.start()
        try:
            super().handle_one_request()
        finally:
            cut.cancel()

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        self._headed.cancel()  # the headers are in: an answer may take as long as it takes
        if parsed and self.request_version == "HTTP/0.9":
            # an answer to it has no status line and no headers, so no policy either
            self.request_version = "HTTP/1.0"
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP/1.0 or HTTP/1.1 only")
            return False
        if parsed and _malformed(self.headers):
            self.send_error(HTTPStatus.BAD_REQUEST, "every header line is Name: value")
            return False
        return parsed

    def _cut_off(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: only cli.py prints."""

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _refuse(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"only GET and HEAD\n", "text/plain", False)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's errors (a bad request line, a URL or header too long) as
        plain text with the same headers as every other answer, and the connection closed."""
        self.close_connection = True
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":
            # a request line that could not be read leaves HTTP/0.9, whose answers have no
            # status line and no headers
            self.request_version = "HTTP/1.0"
        status = HTTPStatus(code)
        body = f"{code} {status.phrase}: {message or status.description}\n".encode(
            "latin-1", "replace"
        )
        head = getattr(self, "command", None) == "HEAD"
        self._send(status, body, "text/plain; charset=utf-8", head)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    def _host(self) -> str | None:
        """The host a request is for: its one Host header, or the authority of an
        absolute URL (which HTTP/1.1 says a server takes instead); None if it has two."""
        given = self.headers.get_all("Host") or []
        if len(given) > 1:  # which one a proxy in front went by cannot be known
            return None
        target = urlsplit(self.path)
        if target.scheme:  # (a path begun with // is made / by the standard library)
            return target.netloc.lower() if target.scheme in ("http", "https") else None
        return given[0].strip().lower() if given else ""

    def _answer(self, head: bool) -> None:
        host = self._host()
        if host == "":  # HTTP/1.1 requires one; an HTTP/1.0 request without is refused too
            body = b"bad request: a request names the host it is for (a Host header)\n"
            self._send(HTTPStatus.BAD_REQUEST, body, "text/plain; charset=utf-8", head)
            return
        if host is None or not self.server.answers_to(host):
            body = (
                b"refused: this preview answers only to this machine's addresses and names\n"
                if self.server.remote
                else b"refused: this preview answers only to 127.0.0.1 and localhost\n"
            )
            self._send(HTTPStatus.FORBIDDEN, body, "text/plain; charset=utf-8", head)
            return
        if self.headers.get("Sec-Fetch-Site", "").strip().lower() in ("cross-site", "same-site"):
            # a page of another site (or another port) asking: it could not read the answer,
            # but would have briefs rendered for nothing
            body = b"refused: open this address yourself, not from another site's page\n"
            self._send(HTTPStatus.FORBIDDEN, body, "text/plain; charset=utf-8", head)
            return
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        if path == "/events":
            if head:  # what a GET would start: a stream of events
                self._send(HTTPStatus.OK, b"", "text/event-stream", head)
            else:
                self._events()
            return
        try:
            found = self._lookup(path, query)
        except _Unrendered as exc:
            root = self.server.preview.snapshot.root
            text = "".join(f"{p.format(root)}\n" for p in exc.problems)
            body = f"not rendered: fix these problems first\n{text}".encode()
            self._send(HTTPStatus.UNPROCESSABLE_ENTITY, body, "text/plain; charset=utf-8", head)
            return
        except _Answer as answer:
            self._send(answer.status, answer.body, answer.kind, head, answer.csp)
            return
        except Exception:  # a fault of the server's own: answered all the same, with headers
            body = b"internal error: the preview could not answer this request\n"
            self.close_connection = True
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, body, "text/plain; charset=utf-8", head)
            return
        if found is None:
            body = b"not found: the preview serves only the rendered briefs\n"
            self._send(HTTPStatus.NOT_FOUND, body, "text/plain; charset=utf-8", head)
            return
        body, kind, csp = found
        self._send(HTTPStatus.OK, body, kind, head, csp)

    def _lookup(self, path: str, query: dict[str, list[str]]) -> tuple[bytes, str, str] | None:
        preview = self.server.preview
        snap = preview.snapshot
        layout = (query.get("layout") or ["brief"])[0]
        if path == "/":
            return pages.index(snap), _TYPES["html"], pages.WRAPPER_CSP
        if path == "/preview.js":
            return pages.SCRIPT.encode(), "text/javascript; charset=utf-8", pages.WRAPPER_CSP
        if path == "/preview-worker.js":
            return pages.WORKER.encode(), "text/javascript; charset=utf-8", pages.WRAPPER_CSP
        if path == "/preview.css":
            return pages.STYLE.encode(), "text/css; charset=utf-8", pages.WRAPPER_CSP
        if path == "/status.json":
            brief = (query.get("brief") or [""])[0]
            found = pages.status(snap, brief, layout)
            page = found["page"]
            if isinstance(page, str):  # rendered now, so that what fails shows in the overlay
                with contextlib.suppress(BriefgenError):
                    preview.render(page.removeprefix(OUT))
                found = pages.status(snap, brief, layout)
            return json.dumps(found).encode(), "application/json", pages.WRAPPER_CSP
        if path.startswith("/brief/"):
            brief_id = unquote(path.removeprefix("/brief/"))  # a file named "a b.yaml"
            page = pages.wrapper(snap, brief_id, layout)
            if page is not None and not pages.found(snap, brief_id, layout):
                # not there just now: a 404 whose page waits for it and shows it when it is
                raise _Answer(HTTPStatus.NOT_FOUND, page, _TYPES["html"], pages.WRAPPER_CSP)
            return None if page is None else (page, _TYPES["html"], pages.WRAPPER_CSP)
        name = path.removeprefix(OUT)
        if path.startswith(OUT) and name not in snap.outputs and _blocking(snap, name):
            raise _Unrendered(_blocking(snap, name))  # as a build would say
        if path.startswith(OUT) and name in snap.outputs:
            kind = _TYPES.get(snap.outputs[name].fmt)
            if kind is None:  # a format this server has no Content-Type for
                return None
            try:
                data = preview.render(name)
            except BriefgenError as exc:  # what build would say instead of writing it
                raise _Unrendered(exc.problems) from exc
            if data is None:
                return None
            return data, kind, pages.OUTPUT_CSP
        source = snap.sources.get(path)
        if source is None or snap.result is None:
            return None
        # read as the build reads it: one descriptor, inside the sources folder, a regular
        # file of its own within the size limit (a FIFO is refused without waiting)
        config = snap.result.workspace.config
        limit, where = config.limits.max_source_bytes, Location(source)
        data = read_bytes(
            source,
            Report(),
            where,
            limit,
            "source file",
            inside=config.sources_dir,
            workspace=config.root,  # the sources folder made a link out since the check
        )
        return None if data is None else (data, _source_type(source), pages.OUTPUT_CSP)

    def _events(self) -> None:
        """Server-sent events: the snapshot's version now, and again after every change."""
        if not self.server.streams.acquire(blocking=False):
            body = b"too many open event streams: close some of the preview's pages\n"
            self.close_connection = True
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, body, "text/plain; charset=utf-8", False)
            return
        try:
            self._stream()
        finally:
            self.server.streams.release()

    def _stream(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self._policy(pages.OUTPUT_CSP)
        self.end_headers()
        self.close_connection = True
        preview, stopping = self.server.preview, self.server.stopping
        sent = -1
        try:
            while not stopping.is_set():
                version = preview.snapshot.version
                if version != sent:
                    self.wfile.write(f"data: {version}\n\n".encode())
                    sent = version
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
                with preview.changed:
                    if preview.snapshot.version == sent and not stopping.is_set():
                        preview.changed.wait(KEEPALIVE_SECONDS)
        except OSError:  # the page was closed
            return

    def _send(
        self, status: HTTPStatus, body: bytes, kind: str, head: bool, csp: str = pages.OUTPUT_CSP
    ) -> None:
        # a request with a body is answered without reading it, so the connection is not
        # used again: what follows on it could be taken for another request
        headers = getattr(self, "headers", None)  # none yet for a bad request line
        if headers is not None and (
            headers.get("Content-Length", "0").strip() not in ("", "0")
            or "Transfer-Encoding" in headers
        ):
            self.close_connection = True
        self.send_response(status)
        if self.close_connection:
            self.send_header("Connection", "close")
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self._policy(csp)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _policy(self, csp: str) -> None:
        """The headers every answer carries, the stream of events too."""
        self.send_header("Content-Security-Policy", csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")


def _malformed(headers: Any) -> bool:
    """Whether the header lines were not all "Name: value": the standard library stops
    reading headers at a line that is not one ("Foo", "Host : x") and takes the rest,
    a second Host among them, for a body no one reads; a line folded onto the one before
    (obsolete) is refused too, as HTTP/1.1 allows."""
    return bool(
        headers.defects
        or headers.get_payload()
        or any("\n" in value or "\r" in value for value in headers.values())
    )


def _blocking(snap: Snapshot, name: str) -> list[Problem]:
    """The errors that keep the output `name` (london-summit.pdf) from being rendered now:
    those of the brief file it would come from, or all of them if the workspace cannot be
    read (a broken config.yaml). None for a name no brief's output could have."""
    stem, _, rest = name.partition(".")
    if not stem or rest.rsplit(".", 1)[-1] not in _TYPES:
        return []
    errors = [p for p in snap.problems if p.is_error]
    if snap.result is None:
        return errors
    return [p for p in errors if p.location is not None and p.location.path.stem == stem]
