"""The preview's own pages: the index, the wrapper around a brief, and the reload script.

The brief itself is the untouched HTML output in an iframe, so its strict CSP stays
as build writes it; only the wrapper runs a script, served from this server.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from urllib.parse import quote

from briefgen import outputs as rendering
from briefgen.assets import CSP_POLICY
from briefgen.config import available_layouts
from briefgen.errors import Problem
from briefgen.fields import ID_RE
from briefgen.preview.state import OUT, Snapshot

# The wrapper's policy: its own script and styles, frames and events from this server only.
WRAPPER_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "frame-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# The HTML output's own policy (as its meta tag), sent as a header on everything else too.
OUTPUT_CSP = f"{CSP_POLICY}; frame-ancestors 'self'"

SCRIPT = """\
"use strict";
(function () {
  var body = document.body, brief = body.dataset.brief || "", layout = body.dataset.layout || "";
  var frame = document.getElementById("brief"), overlay = document.getElementById("problems");
  var list = document.getElementById("problem-list");
  var made = body.dataset.version;  // the version this page was made from
  var warnings = document.getElementById("warnings"), offline = document.getElementById("offline");
  function listed(element, problems) {
    element.textContent = "";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p.text;
      element.appendChild(li);
    });
  }
  function show(status) {
    if (!brief) {  // the index: made again whole when anything changed
      if (String(status.version) !== made) { location.reload(); }
      return;
    }
    var errors = status.problems.filter(function (p) { return p.error && !p.other; });
    var own = errors.filter(function (p) { return p.own; });
    listed(list, errors);
    overlay.hidden = errors.length === 0;
    if (warnings) {
      var told = status.problems.filter(function (p) { return !p.error && !p.other; });
      listed(document.getElementById("warning-list"), told);
      warnings.hidden = told.length === 0;
      warnings.querySelector("summary").textContent =
        told.length + (told.length === 1 ? " warning" : " warnings");
    }
    body.dataset.version = String(status.version);
    if (!frame || !status.page) {  // a brief that could not be read, or a layout not there
      if (String(status.version) !== made && (!frame || own.length === 0)) { location.reload(); }
      return;
    }
    if (status.title) {
      document.title = status.title;
      document.getElementById("title").textContent = status.title;
    }
    if (own.length === 0) {  // another brief's problems are not this one's
      reframe(status.page + "?v=" + status.version);
    }
  }
  // The newer page loads in a hidden frame over the shown one, which it replaces once it
  // has loaded, scrolled to where the reader was: no blank page, no jump to the top.
  var loading = null;
  function reframe(src) {
    if (loading) { loading.remove(); }
    var next = document.createElement("iframe");
    next.title = frame.title;
    next.className = "loading";
    loading = next;
    next.addEventListener("load", function () {
      if (loading !== next) { return; }
      loading = null;
      try { restore(next.contentWindow, place(frame.contentWindow)); } catch (err) { /* none */ }
      frame.remove();
      next.className = "";
      next.id = "brief";
      frame = next;
    });
    next.src = src;
    frame.parentNode.insertBefore(next, frame);
  }
  // Where the reader is: the scroll offset, and the first block with an id near the top
  // of the view, with its distance from the top (text above it may have grown or shrunk).
  // A block taller than the view (a whole section) is taken only if there is no other.
  function place(win) {
    var at = {x: win.scrollX, y: win.scrollY, id: "", top: 0};
    if (at.y === 0) { return at; }
    var found = null;
    for (var y = 1; y < win.innerHeight / 2; y += 16) {
      var el = win.document.elementFromPoint(win.innerWidth / 2, y);
      while (el && (!el.id || win.getComputedStyle(el).display === "inline")) {
        el = el.parentElement;
      }
      if (!el) { continue; }
      found = found || el;
      if (el.getBoundingClientRect().height < win.innerHeight) { found = el; break; }
    }
    if (found) { at.id = found.id; at.top = found.getBoundingClientRect().top; }
    return at;
  }
  function restore(win, at) {
    var el = at.id ? win.document.getElementById(at.id) : null;
    var y = el ? el.getBoundingClientRect().top + win.scrollY - at.top : at.y;
    win.scrollTo(at.x, y);
  }
  function update() {
    fetch("/status.json?brief=" + encodeURIComponent(brief) + "&layout=" + encodeURIComponent(layout),
          {cache: "no-store"})
      .then(function (r) { return r.json(); }).then(show).catch(function () {});
  }
  var seen = body.dataset.version;
  function heard(version) {
    offline.hidden = version !== "offline";  // the server stopped: told until it is back
    if (version !== "offline" && version !== seen) { seen = version; update(); }
  }
  // One stream of events for every open page: a browser opens only six connections to
  // a server at once, and a stream held by each page would use them all up.
  if (typeof SharedWorker === "function") {
    try {
      var worker = new SharedWorker("/preview-worker.js");
      worker.port.onmessage = function (e) { heard(e.data); };
      worker.port.start();
      window.addEventListener("pagehide", function () { worker.port.postMessage("bye"); });
      // a page brought back from the back-forward cache said goodbye: load it afresh
      window.addEventListener("pageshow", function (e) { if (e.persisted) { location.reload(); } });
      update();
      return;
    } catch (err) { /* no worker here: a stream of this page's own */ }
  }
  var events = new EventSource("/events");
  events.onmessage = function (e) { heard(e.data); };
  events.onerror = function () { heard("offline"); };
  update();
})();
"""

# The stream of events shared by every open page, which it tells of each new version.
WORKER = """\
"use strict";
var ports = [], last = null;
var events = new EventSource("/events");
function tell(data) {
  last = data;
  ports.forEach(function (port) { port.postMessage(data); });
}
events.onmessage = function (e) { tell(e.data); };
// the server is gone (it retries by itself, and says the version again once it is back)
events.onerror = function () { tell("offline"); };
self.onconnect = function (e) {
  var port = e.ports[0];
  ports.push(port);
  port.onmessage = function (m) {
    if (m.data === "bye") { ports = ports.filter(function (p) { return p !== port; }); }
  };
  port.start();
  if (last !== null) { port.postMessage(last); }
};
"""

STYLE = """\
body { font-family: system-ui, sans-serif; margin: 0; }
body.brief { display: grid; grid-template-rows: auto 1fr; height: 100vh; }
header { padding: .4rem 1rem; background: #1d2a3a; color: #fff; display: flex;
  flex-wrap: wrap; gap: .2rem 1rem; align-items: baseline; position: relative; }
header a { color: #cfe3ff; }
#offline { background: #ffd84d; color: #000; padding: 0 .5rem; }
#offline[hidden], #warnings[hidden] { display: none; }
#warnings summary { cursor: pointer; color: #ffe08a; }
#warnings ul { position: absolute; left: 1rem; right: 1rem; top: 100%; z-index: 2; margin: 0;
  max-height: 60vh; overflow: auto; background: #fffbe6; color: #000; padding: .8rem 2rem;
  border: 1px solid #c9a400; font-family: ui-monospace, monospace; }
.view { position: relative; min-height: 0; }
.view iframe { border: 0; display: block; width: 100%; height: 100%; }
.view iframe.loading { position: absolute; inset: 0; visibility: hidden; }
.view #problems { position: absolute; inset: 0; }
#problems { background: #2e0b0b; color: #fff; padding: 1rem 2rem; overflow: auto;
  font-family: ui-monospace, monospace; }
#problems[hidden] { display: none; }
#problems li { margin: .3rem 0; overflow-wrap: anywhere; }
.listing { overflow-x: auto; }
table { border-collapse: collapse; margin: 1rem 0; }
td, th { border-bottom: 1px solid #ccc; padding: .3rem .8rem; text-align: left; }
td small { color: #555; }
main { padding: 0 1rem; }
@media (max-width: 500px) {
  main { padding: 0 .4rem; }
  td, th { padding: .3rem .4rem; }
  #problems { padding: .5rem 1rem; }
}
"""


def _page(title: str, body_attrs: str, content: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/preview.css">'
        f"</head><body {body_attrs}>{content}"
        '<script src="/preview.js"></script></body></html>\n'
    ).encode()


_OFFLINE = (
    '<span id="offline" hidden>the preview server has stopped: start briefgen serve again, '
    "and this page follows it</span>"
)


def _overlay(snap: Snapshot, brief_id: str | None = None) -> str:
    """The problems over a brief's page: all but those of the other briefs' files (which do
    not stop this one showing)."""
    errors = [p for p in snap.problems if p.is_error and not _other(snap, p, brief_id)]
    return (
        f'<section id="problems"{_hidden(errors)}><h2>Problems: the brief will show again '
        f'when they are fixed</h2><ul id="problem-list">{_items(snap, errors)}</ul></section>'
    )


def _warnings(snap: Snapshot, brief_id: str) -> str:
    """A brief's warnings, behind a line of the header that opens them."""
    told = [p for p in snap.problems if not p.is_error and not _other(snap, p, brief_id)]
    count = f"{len(told)} warning{'' if len(told) == 1 else 's'}"
    return (
        f'<details id="warnings"{_hidden(told)}><summary>{count}</summary>'
        f'<ul id="warning-list">{_items(snap, told)}</ul></details>'
    )


def _items(snap: Snapshot, problems: list[Problem]) -> str:
    return "".join(f"<li>{escape(p.format(snap.root))}</li>" for p in problems)


def _hidden(problems: list[Problem]) -> str:
    return "" if problems else " hidden"


def index(snap: Snapshot) -> bytes:
    """Every brief with its items, citation status and problems, and the problems listed
    below (in the page, not over it: every brief stays one click away)."""
    rows = []
    if snap.result is not None:
        problems = snap.result.report.problems
        folder = snap.result.workspace.config.briefs_dir
        for brief in snap.result.workspace.briefs:
            cites = [c for item in brief.citing for c in item.cite]
            verified = sum(1 for c in cites if c.span is not None)
            own = [p for p in problems if p.location and p.location.path == brief.path]
            link = (
                f'<a href="/brief/{escape(brief.id)}">{escape(brief.title or brief.id)}</a>'
                f"<br><small>{escape(_file_name(brief.path, folder))}</small>"
            )
            rows.append(
                f"<tr><td>{link}</td><td>{len(brief.items)}</td>"
                f"<td>{verified} of {len(cites)} verified</td><td>{len(own)}</td></tr>"
            )
        read = {b.path for b in snap.result.workspace.briefs}
        unread: dict[Path, int] = {}  # brief files that could not be read: their errors
        for p in problems:
            if not (p.is_error and p.location):
                continue
            where = p.location.path
            if where.suffix in (".yaml", ".yml") and where.parent == folder and where not in read:
                unread[where] = unread.get(where, 0) + 1
        for path, count in sorted(unread.items()):
            link = f'<a href="/brief/{escape(quote(path.stem))}">{escape(path.stem)}</a>'
            rows.append(
                f"<tr><td>{link}<br><small>{escape(path.name)}</small></td><td>-</td>"
                f"<td>could not be read</td><td>{count}</td></tr>"
            )
    table = (
        '<div class="listing"><table><thead><tr><th>Brief</th><th>Items</th><th>Citations</th>'
        f"<th>Problems</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    summary = escape(snap.result.summary()) if snap.result else "the workspace could not be read"
    listed = sorted(snap.problems, key=lambda p: not p.is_error)  # errors first
    problems_list = (
        f'<section id="problems"{_hidden(listed)}><h2>Problems</h2>'
        f'<ul id="problem-list">{_items(snap, listed)}</ul></section>'
    )
    content = (
        f"<header><strong>briefgen preview</strong><span>{summary}</span>{_OFFLINE}</header>"
        f"<main>{table}{problems_list}</main>"
    )
    return _page("briefgen preview", f'data-version="{snap.version}"', content)


def _file_name(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.name


def wrapper(snap: Snapshot, brief_id: str, layout: str) -> bytes | None:
    """The page around one brief: layout switch, PDF and Markdown links, the problem overlay."""
    if snap.result is None:  # config.yaml cannot be used: its problems, until it can
        return _waiting(snap, brief_id, layout, "waits for the workspace to be readable")
    brief = next((b for b in snap.result.workspace.briefs if b.id == brief_id), None)
    config = snap.result.workspace.config
    if layout not in available_layouts(config):
        if not ID_RE.fullmatch(layout):
            return None
        # a template saved by renaming it away for a moment: the page waits for it
        said = f'has no layout "{layout}" just now (templates/{layout}.html.j2)'
        return _waiting(snap, brief_id, layout, said)
    if brief is None:
        return _unread(snap, brief_id, layout)
    links = [
        f'<a href="/brief/{escape(brief.id)}?layout={escape(other)}">{escape(other)}</a>'
        for other in available_layouts(config)
        if other != layout
    ]
    for fmt in ("pdf", "md"):
        name = rendering.output_name(brief, layout, fmt)
        if name in snap.outputs:
            links.append(f'<a href="{OUT}{escape(name)}">{fmt.upper()}</a>')
    page = f"{OUT}{rendering.output_name(brief, layout, 'html')}"
    title = brief.title or brief.id
    content = (
        f'<header><a href="/">All briefs</a><strong id="title">{escape(title)}</strong>'
        f"<span>layout: {escape(layout)}</span>{' '.join(links)}{_warnings(snap, brief.id)}"
        f'{_OFFLINE}</header><div class="view"><iframe id="brief" title="{escape(brief.id)}" '
        f'src="{escape(page)}?v={snap.version}"></iframe>{_overlay(snap, brief.id)}</div>'
    )
    return _page(title, _brief_attrs(snap, brief.id, layout), content)


def _brief_attrs(snap: Snapshot, brief_id: str, layout: str) -> str:
    return (
        f'class="brief" data-brief="{escape(brief_id)}" data-layout="{escape(layout)}" '
        f'data-version="{snap.version}"'
    )


def found(snap: Snapshot, brief_id: str, layout: str) -> bool:
    """Whether a brief of this id, and the layout, are in the workspace now."""
    if not known(snap, brief_id) or snap.result is None:
        return False
    return layout in available_layouts(snap.result.workspace.config)


def known(snap: Snapshot, brief_id: str) -> bool:
    """Whether a brief of this id is in the workspace now (readable or not)."""
    if snap.result is None:
        return False
    config = snap.result.workspace.config
    if any(b.id == brief_id for b in snap.result.workspace.briefs):
        return True
    return _plain_name(brief_id) and _brief_file(config.briefs_dir, brief_id)


def _brief_file(folder: Path, name: str) -> bool:
    """Whether the briefs folder holds a brief file of this name (a name too long for the
    file system is none)."""
    for suffix in (".yaml", ".yml"):
        try:
            if (folder / f"{name}{suffix}").is_file():
                return True
        except OSError:
            return False
    return False


def _plain_name(brief_id: str) -> bool:
    """Whether a brief's page may be named so: an id, or the name of a brief file that is
    not one ("a b" for a b.yaml, which cannot be read as a brief), but never a path."""
    if ID_RE.fullmatch(brief_id):
        return True
    return bool(brief_id) and brief_id not in (".", "..") and not set("/\\\0") & set(brief_id)


def _unread(snap: Snapshot, brief_id: str, layout: str) -> bytes | None:
    """The page of a brief file that cannot be read as a brief just now: its problems, and
    the brief again once they are fixed (the page reloads on the next change)."""
    assert snap.result is not None
    if not _plain_name(brief_id):
        return None
    folder = snap.result.workspace.config.briefs_dir
    there = _brief_file(folder, brief_id)
    # a brief moved away for a moment (a save by rename, a folder renamed): its page waits
    said = "could not be read as a brief" if there else "is not in the briefs folder just now"
    return _waiting(snap, brief_id, layout, said)


def _waiting(snap: Snapshot, brief_id: str, layout: str, said: str) -> bytes | None:
    """A brief's page while it cannot be shown, with the problems; it reloads into the
    brief at the next change that brings it back."""
    if not _plain_name(brief_id):
        return None
    content = (
        f'<header><a href="/">All briefs</a><strong id="title">{escape(brief_id)}</strong>'
        f"<span>{escape(said)}</span>{_warnings(snap, brief_id)}{_OFFLINE}</header>"
        f'<div class="view">{_overlay(snap, brief_id)}</div>'
    )
    return _page(brief_id, _brief_attrs(snap, brief_id, layout), content)


def _other(snap: Snapshot, problem: Problem, brief_id: str | None) -> bool:
    """Whether a problem is in the file of another brief than `brief_id` (None: no brief)."""
    return brief_id is not None and not _own(problem, brief_id) and snap.in_a_brief(problem)


def _own(problem: Problem, brief_id: str) -> bool:
    """Whether a problem is in the brief file of this id."""
    where = problem.location.path if problem.location else None
    return where is not None and where.stem == brief_id and where.suffix in (".yaml", ".yml")


def status(snap: Snapshot, brief_id: str, layout: str) -> dict[str, object]:
    """What the wrapper script needs after a change: problems, and the page to show."""
    page, failed, title = None, [], None
    if snap.result is not None and any(b.id == brief_id for b in snap.result.workspace.briefs):
        brief = next(b for b in snap.result.workspace.briefs if b.id == brief_id)
        name = rendering.output_name(brief, layout, "html")
        page = f"{OUT}{name}" if name in snap.outputs else None
        failed = snap.failed.get(name, [])  # rendering it: a template or stylesheet refused
        title = brief.title or brief.id
    problems = []
    for p in [*snap.problems, *failed]:
        other = _other(snap, p, brief_id)  # another brief's: not shown over this one
        # "own": it keeps this brief from being shown (as it keeps its outputs from
        # being served), so the page stays as it was under the problems until they are fixed
        own = p.is_error and not other
        problems.append(
            {"error": p.is_error, "own": own, "other": other, "text": p.format(snap.root)}
        )
    return {"version": snap.version, "page": page, "title": title, "problems": problems}
