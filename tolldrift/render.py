"""Executed notebooks -> deterministic, offline HTML reports.

Each pipeline stage executes a notebook with papermill, then calls `render_report`,
which normalises the executed notebook (no timestamps, durations, random ids or
kernel process paths, so two runs on the same inputs give the same bytes), writes
it back, and writes an HTML page of its markdown and outputs, without code, that
loads nothing from the network. `html_table` is the one way notebooks show a table:
every value is HTML-escaped, so article text can never inject markup into a report.

The page is put together here (markdown through mistune, outputs by MIME type)
rather than by nbconvert: it needs no templates, and this module imports nothing
heavy, so notebooks that only use `html_table` pay no import cost for it.
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import nbformat
    import polars as pl
    from IPython.display import HTML

# Text that changes from one kernel process to the next: the file a cell's code is
# compiled to (`/tmp/ipykernel_4418/3846741.py`) and object addresses in reprs.
_VOLATILE = (
    (re.compile(r"[^\s\"'()]*ipykernel_\d+[/\\]\d+\.py"), "<cell>"),
    (re.compile(r"\bat 0x[0-9a-fA-F]+\b"), "at 0x0"),
)
_PAPERMILL_KEEP = ("default_parameters", "parameters", "input_path", "exception", "version")

# Elements whose src/href the browser fetches by itself, and CSS url()/@import.
_EXTERNAL = re.compile(
    r"""<(?:script|img|iframe|link|source|video|audio|embed|object|input)\b[^>]*?"""
    r"""\b(?:src|href|data|srcset)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)"""
    r"""|url\(\s*["']?\s*((?:https?:)?//[^"')\s]+)"""
    r"""|@import\s+["']((?:https?:)?//[^"']+)""",
    re.IGNORECASE,
)


class ReportError(RuntimeError):
    """A report would not render offline."""


def _scrub(text: Any) -> Any:
    """Replace kernel-process-specific text in a string (or list of strings)."""
    if isinstance(text, list):
        return [_scrub(t) for t in text]
    if not isinstance(text, str):
        return text
    for pattern, repl in _VOLATILE:
        text = pattern.sub(repl, text)
    return text


def _normalise_output(out: nbformat.NotebookNode, execution_count: int | None) -> None:
    if "execution_count" in out:
        out["execution_count"] = execution_count
    if out.get("output_type") == "stream":
        out["text"] = _scrub(out.get("text", ""))
    elif out.get("output_type") == "error":
        out["evalue"] = _scrub(out.get("evalue", ""))
        out["traceback"] = _scrub(out.get("traceback", []))
    if "text/plain" in out.get("data", {}):
        out["data"]["text/plain"] = _scrub(out["data"]["text/plain"])


def normalise_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of an executed notebook with everything that varies between runs made stable.

    Cell ids become `cell-<i>`; papermill's and nbclient's timing metadata go;
    execution counts are renumbered 1, 2, ... over executed code cells; paths of the
    kernel's per-process cell files and object addresses in outputs are replaced.
    Outputs, tags, parameters and the language info are kept.
    """
    from nbformat import NotebookNode

    nb = copy.deepcopy(nb)
    nb["nbformat"] = 4
    nb["nbformat_minor"] = max(5, int(nb.get("nbformat_minor", 5)))
    meta = nb.setdefault("metadata", NotebookNode())
    meta.pop("widgets", None)
    if "papermill" in meta:
        meta["papermill"] = NotebookNode(
            {k: v for k, v in meta["papermill"].items() if k in _PAPERMILL_KEEP}
        )
    count = 0
    for i, cell in enumerate(nb.get("cells", [])):
        cell["id"] = f"cell-{i}"
        cell_meta = cell.setdefault("metadata", NotebookNode())
        cell_meta.pop("execution", None)
        cell_meta.pop("papermill", None)
        if cell_meta.get("tags") == []:
            del cell_meta["tags"]
        if cell.get("cell_type") != "code":
            continue
        if cell.get("execution_count") is not None:
            count += 1
            cell["execution_count"] = count
        for out in cell.get("outputs", []):
            _normalise_output(out, cell.get("execution_count"))
    return nb


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table_html(
    rows: Iterable[Iterable[Any]],
    columns: Iterable[str],
    caption: str | None = None,
    note: str | None = None,
    numeric: Iterable[bool] = (),
) -> str:
    """An HTML table string with every caption, header and cell escaped.

    Columns flagged in `numeric` get `class="num"` (right-aligned); others are left-aligned.
    """
    esc = html.escape
    columns = list(columns)
    flags = list(numeric) + [False] * len(columns)
    cls = [' class="num"' if flags[i] else "" for i in range(len(columns))]
    parts = ['<table class="tolldrift-table">']
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th{c}>{esc(str(name))}</th>"
                                         for c, name in zip(cls, columns, strict=True))
                 + "</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td{c}>{esc(_cell_text(v))}</td>"
                                      for c, v in zip(cls, row, strict=True)) + "</tr>")
    parts.append("</tbody></table>")
    if note:
        parts.append(f'<p class="tolldrift-note">{esc(note)}</p>')
    return "\n".join(parts)


def html_table(df: pl.DataFrame, caption: str | None = None, *, max_rows: int | None = None,
               note: str | None = None) -> HTML:
    """Display a polars frame as an escaped HTML table with a caption.

    With `max_rows`, only the first rows are shown and a note says how many there are.
    """
    from IPython.display import HTML

    shown = df if max_rows is None else df.head(max_rows)
    if max_rows is not None and df.height > max_rows:
        more = f"Showing {max_rows} of {df.height} rows."
        note = f"{note} {more}" if note else more
    numeric = [dtype.is_numeric() for dtype in df.dtypes]
    return HTML(table_html(shown.rows(), df.columns, caption=caption, note=note, numeric=numeric))


def external_urls(page: str) -> list[str]:
    """URLs a browser would fetch by itself when opening `page` (scripts, styles, images)."""
    return [next(g for g in m.groups() if g) for m in _EXTERNAL.finditer(page)]


# The page around the cells: one small stylesheet, no script of its own.
_CSS = """
body { margin: 0; color: #1b1b1b; background: #fff; line-height: 1.45;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 15px; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.7rem; } h2 { font-size: 1.35rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.15rem; } h1, h2, h3, h4 { margin: 1.6rem 0 .6rem; line-height: 1.25; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
       font-size: 90%; background: #f3f3f3; padding: 0 .2em; border-radius: 3px; }
pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px;
      background: #f7f7f7; padding: .5rem .75rem; overflow-x: auto; white-space: pre-wrap; }
.tolldrift-cell { margin: .5rem 0; overflow-x: auto; }
pre.tolldrift-error, pre.tolldrift-stderr { background: #fff4f4; }
.tolldrift-table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: 13px; }
.tolldrift-table caption { caption-side: top; text-align: left; font-weight: 600;
                           padding: 4px 0; white-space: nowrap; }
.tolldrift-table td, .tolldrift-table th { border: 1px solid #ddd; padding: .2rem .45rem;
                                           vertical-align: top; text-align: left; }
.tolldrift-table th { background: #f4f4f4; }
.tolldrift-table tbody tr:nth-child(even) { background: #fafafa; }
.tolldrift-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.tolldrift-note { color: #666; font-size: 90%; }
.tolldrift-chart { margin: .5rem 0 1rem; }
img { max-width: 100%; }
"""

# Output MIME types in the order one is chosen for the page. Scripts only come in
# through `text/html` outputs (the charts); JavaScript and widget outputs are left out.
_IMAGES = ("image/svg+xml", "image/png", "image/jpeg", "image/gif")
_PRIORITY = ("text/html", "text/markdown", *_IMAGES, "text/latex", "text/plain")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _pre(text: str, cls: str) -> str:
    return f'<pre class="{cls}">{html.escape(_ANSI.sub("", text))}</pre>'


def _data_uri(mime: str, data: Any) -> str:
    text = _joined(data)
    if mime == "image/svg+xml":
        payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    else:
        payload = re.sub(r"\s+", "", text)
    return f"data:{mime};base64,{payload}"


def _markdown(allow_html: bool, attachments: Mapping[str, Mapping[str, Any]] | None = None):
    """A mistune renderer: headings get ids, `attachment:` images are inlined, and raw
    HTML is kept only when `allow_html` (markdown cells written by the author)."""
    import mistune

    class Renderer(mistune.HTMLRenderer):
        def heading(self, text: str, level: int, **attrs: Any) -> str:
            slug = re.sub(r"\s+", "-", html.unescape(re.sub(r"<[^>]*>", "", text)).strip())
            return f'<h{level} id="{html.escape(slug)}">{text}</h{level}>\n'

        def image(self, text: str, url: str, title: str | None = None) -> str:
            bundle = (attachments or {}).get(url.removeprefix("attachment:"))
            if url.startswith("attachment:") and bundle:
                mime = next((m for m in _IMAGES if m in bundle), None)
                if mime:
                    return (f'<img src="{_data_uri(mime, bundle[mime])}" '
                            f'alt="{html.escape(text)}" />')
            return super().image(text, url, title)

    return mistune.create_markdown(renderer=Renderer(escape=not allow_html),
                                   plugins=["table", "strikethrough"])


def _output_html(out: Mapping[str, Any]) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        stream = "stderr" if out.get("name") == "stderr" else "stdout"
        return _pre(_joined(out.get("text", "")), f"tolldrift-{stream}")
    if kind == "error":
        lines = out.get("traceback") or [f"{out.get('ename')}: {out.get('evalue')}"]
        return _pre("\n".join(lines), "tolldrift-error")
    data = out.get("data", {})
    mime = next((m for m in _PRIORITY if m in data), None)
    if mime is None:
        return ""
    if mime == "text/html":
        return _joined(data[mime])
    if mime == "text/markdown":
        return _markdown(allow_html=False)(_joined(data[mime]))
    if mime in _IMAGES:
        return f'<img src="{_data_uri(mime, data[mime])}" alt="" />'
    return _pre(_joined(data[mime]), "tolldrift-text")


def _cell_html(cell: Mapping[str, Any]) -> str:
    kind = cell.get("cell_type")
    if kind == "markdown":
        return _markdown(True, cell.get("attachments"))(_joined(cell.get("source", "")))
    if kind == "raw":
        fmt = cell.get("metadata", {}).get("format") or cell.get("metadata", {}).get(
            "raw_mimetype")
        return _joined(cell.get("source", "")) if fmt == "text/html" else ""
    return "\n".join(filter(None, (_output_html(o) for o in cell.get("outputs", []))))


def export_html(nb: nbformat.NotebookNode, title: str, *, show_parameters: bool = True) -> str:
    """HTML page of a (normalised) notebook: no code, no prompts, nothing from the network.

    Markdown cells and the outputs of code cells, in order; with `show_parameters`, a
    table of the run's papermill parameters after the first markdown cell.
    """
    shown = [(c.get("cell_type"), _cell_html(c)) for c in nb.get("cells", [])]
    shown = [(kind, block) for kind, block in shown if block.strip()]
    blocks = [block for _, block in shown]
    parameters = nb.get("metadata", {}).get("papermill", {}).get("parameters")
    if show_parameters and parameters:
        at = 1 if shown and shown[0][0] == "markdown" else 0
        blocks.insert(at, table_html(sorted(parameters.items()), ("parameter", "value"),
                                     caption="Parameters of this run"))
    body = "\n".join(f'<div class="tolldrift-cell">\n{b.strip()}\n</div>' for b in blocks)
    page = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
            f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")
    urls = external_urls(page)
    if urls:
        raise ReportError(f"report {title!r} would load from the network: {urls[:5]}")
    return page


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_report(executed: Path | nbformat.NotebookNode, html_out: Path,
                  ipynb_out: Path | None = None, *, show_parameters: bool = True) -> None:
    """Normalise an executed notebook, write it to `ipynb_out` and its report to `html_out`.

    `executed` is a notebook file or the notebook papermill returned. Both files are
    written atomically; `ipynb_out` may be `executed` itself.
    """
    import nbformat

    if not isinstance(executed, nbformat.NotebookNode):
        executed = nbformat.read(Path(executed), as_version=4)
    html_out = Path(html_out)
    nb = normalise_notebook(executed)
    nbformat.validate(nb)
    title = str(nb.metadata.get("title") or html_out.stem)
    page = export_html(nb, title, show_parameters=show_parameters)
    if ipynb_out is not None:
        write_atomic(Path(ipynb_out), nbformat.writes(nb) + "\n")
    write_atomic(html_out, page)


# Opening reports in headless Chromium: charts drawn, no errors, no injected markup run.

CHROMIUM_INSTALL = "apt-get install -y chromium"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--mute-audio",
    # No network: every host is unresolvable and everything else goes to a dead proxy.
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)

# Runs first in the page: records errors, failed loads and dialogs (what injected
# markup would typically call) on the <html> element, which --dump-dom then shows.
_COLLECTOR = """<script>(function () {
  var s = {errors: [], warnings: [], dialogs: 0};
  function save() {
    document.documentElement.setAttribute("data-report-check", JSON.stringify(s));
  }
  function text(args) {
    return Array.prototype.map.call(args, function (x) {
      return typeof x === "string" ? x : String(x);
    }).join(" ");
  }
  var error = console.error, warn = console.warn;
  console.error = function () { s.errors.push(text(arguments)); save();
    return error.apply(console, arguments); };
  console.warn = function () { s.warnings.push(text(arguments)); save();
    return warn.apply(console, arguments); };
  window.addEventListener("error", function (e) {
    var t = e.target;
    s.errors.push(t && t !== window && (t.src || t.href) ? "failed to load " + (t.src || t.href)
                  : (e.message || String(e.error)));
    save();
  }, true);
  window.addEventListener("unhandledrejection", function (e) {
    s.errors.push("unhandled rejection " + e.reason); save();
  });
  ["alert", "confirm", "prompt", "print"].forEach(function (name) {
    window[name] = function () { s.dialogs += 1; save(); return null; };
  });
  save();
})();</script>"""
_INSERT_AT = re.compile(r"<meta\s+charset[^>]*>|<head\b[^>]*>", re.IGNORECASE)


class ChromiumMissing(RuntimeError):
    """No Chromium executable to open reports with."""


@dataclass(frozen=True)
class ReportCheck:
    """What a browser saw when it opened a report."""

    n_charts: int
    n_marks: int
    console_errors: tuple[str, ...]
    injected_ran: bool
    marks_per_chart: tuple[int, ...] = ()
    console_warnings: tuple[str, ...] = ()


class _DomScan(HTMLParser):
    """Counts charts, the data marks drawn in each, and reads the collector's record."""

    _VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "source", "track", "wbr"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, is a data-mark group)
        self.marks: list[int] = []
        self.chart_depth: int | None = None
        self.record: dict[str, Any] = {}
        self.title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "html" and "data-report-check" in a:
            self.record = json.loads(a["data-report-check"])
        if "tolldrift-chart" in classes and self.chart_depth is None:
            self.chart_depth = len(self.stack)
            self.marks.append(0)
        in_mark = bool(self.stack) and self.stack[-1][1]
        if in_mark and self.chart_depth is not None and tag != "g":
            self.marks[-1] += 1
        if tag not in self._VOID:
            self.stack.append((tag, tag == "g" and "role-mark" in classes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self._VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if self.chart_depth is not None and len(self.stack) == self.chart_depth:
                self.chart_depth = None
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "title":
            self.title.append(data)


def find_chromium() -> str:
    """The Chromium executable (`$CHROMIUM` or on PATH), or ChromiumMissing."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    raise ChromiumMissing(f"Chromium is not installed; install it with `{CHROMIUM_INSTALL}`")


def _chromium(url: str, profile: Path, extra: tuple[str, ...], timeout: float) -> str:
    cmd = [find_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def check_report(path: str | Path, *, screenshot: str | Path | None = None,
                 budget_ms: int = 15000, timeout: float = 120.0) -> ReportCheck:
    """Open a report in headless Chromium with networking off and report what happened.

    A copy of the page with an error collector put first is opened; its DOM, once
    scripts have run, gives the charts (`.tolldrift-chart`), the data marks drawn in
    each (children of Vega's `g.role-mark` groups), console errors, failed loads,
    uncaught exceptions, and whether anything called alert/confirm/prompt/print or
    changed the title (what injected markup would do). With `screenshot`, a PNG of
    the page is saved there as well.
    """
    page = Path(path).read_text(encoding="utf-8")
    found = _INSERT_AT.search(page)
    at = found.end() if found else 0
    with tempfile.TemporaryDirectory(prefix="report-check-") as tmp:
        copy_path = Path(tmp) / Path(path).name
        copy_path.write_text(page[:at] + _COLLECTOR + page[at:], encoding="utf-8")
        url = copy_path.as_uri()
        dom = _chromium(url, Path(tmp) / "profile", (f"--virtual-time-budget={budget_ms}",
                                                     "--dump-dom"), timeout)
        if screenshot is not None:
            shot = Path(screenshot).resolve()
            shot.parent.mkdir(parents=True, exist_ok=True)
            _chromium(url, Path(tmp) / "profile", (f"--virtual-time-budget={budget_ms}",
                                                   f"--screenshot={shot}",
                                                   "--window-size=1280,3000",
                                                   "--hide-scrollbars"), timeout)
    scan = _DomScan()
    scan.feed(dom)
    before = _DomScan()
    before.feed(page)
    record = scan.record or {"errors": ["the error collector did not run"]}
    title_changed = "".join(scan.title).strip() != "".join(before.title).strip()
    return ReportCheck(
        n_charts=len(scan.marks), n_marks=sum(scan.marks),
        console_errors=tuple(record.get("errors", ())),
        injected_ran=bool(record.get("dialogs")) or title_changed,
        marks_per_chart=tuple(scan.marks),
        console_warnings=tuple(record.get("warnings", ())))


def main(argv: list[str] | None = None) -> None:
    """Command line: `python -m tolldrift.render EXECUTED.ipynb --html OUT.html [--ipynb OUT]`."""
    parser = argparse.ArgumentParser(prog="python -m tolldrift.render", description=__doc__)
    parser.add_argument("executed", type=Path, help="notebook executed by papermill")
    parser.add_argument("--html", type=Path, required=True, help="report to write")
    parser.add_argument("--ipynb", type=Path, help="where to write the normalised notebook")
    parser.add_argument("--no-parameters", action="store_true",
                        help="do not show the run's parameters as a table")
    args = parser.parse_args(argv)
    render_report(args.executed, args.html, args.ipynb, show_parameters=not args.no_parameters)


if __name__ == "__main__":
    main()
