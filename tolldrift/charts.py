"""Offline, interactive altair charts for notebooks and their HTML reports.

`show(chart, name)` displays a chart as plain `text/html`: a `<div>` with an id
made from `name` and a short script calling `vegaEmbed` on the inlined spec. The
first chart shown in a kernel process (or `setup()`) also carries one `<script>`
with Vega, Vega-Lite and vega-embed inlined, so the reports need no network, any
number of charts can share a page, and the same chart always gives the same bytes.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import altair as alt
from IPython.display import display

from tolldrift.render import write_atomic

EMBED_OPTIONS = {"actions": False, "renderer": "svg", "tooltip": True}

_shown: dict[str, int] = {}
_state = {"bundle_emitted": False}

_JSON_IN_SCRIPT = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                   "\u2028": "\\u2028", "\u2029": "\\u2029"}


@functools.cache
def _bundle_js() -> str:
    """Vega, Vega-Lite and vega-embed as one script, for altair's Vega-Lite version.

    Building it takes seconds, so it is kept in a cache file named after the
    vl-convert and Vega-Lite versions (`TOLLDRIFT_CACHE`, default: the system's
    temporary folder) and built again only when that file is missing.
    """
    import vl_convert

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    cache_dir = Path(os.environ.get("TOLLDRIFT_CACHE") or tempfile.gettempdir())
    cache = cache_dir / f"tolldrift-vega-{vl_convert.__version__}-vl{major_minor}.js"
    try:
        js = cache.read_text(encoding="utf-8")
    except OSError:
        js = vl_convert.javascript_bundle(vl_version=major_minor)
        try:
            write_atomic(cache, js)
        except OSError:
            pass
    if re.search(r"</script|<!--", js, re.IGNORECASE):
        raise RuntimeError("the Vega bundle cannot be inlined in a <script> element")
    return js


def vega_bundle_html() -> str:
    """One `<script>` defining `window.vegaEmbed`, `vega` and `vegaLite` (about 0.9 MB).

    It does nothing when the page already has them, so emitting it twice is harmless.
    """
    return ('<script type="text/javascript">\nif (!window.vegaEmbed) { (function () {\n'
            + _bundle_js() + "\n})(); }\n</script>")


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec with its data inlined; marks get tooltips by default."""
    with alt.data_transformers.enable("default", max_rows=None):
        spec = chart.to_dict()
    spec.setdefault("config", {}).setdefault("mark", {}).setdefault(
        "tooltip", {"content": "encoding"})
    return spec


def spec_json(spec: dict[str, Any]) -> str:
    """Stable JSON for a spec, safe inside a `<script>` element (no `<`, `>` or `&`)."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_IN_SCRIPT[m.group()], text)


def chart_id(name: str) -> str:
    """The element id for a chart called `name` (lower-case letters, digits and dashes)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "chart"
    return f"tolldrift-chart-{slug}"


def chart_html(chart: alt.TopLevelMixin, element_id: str) -> str:
    """A `<div>` and the script that draws `chart` into it (needs `vega_bundle_html`)."""
    return _spec_html(chart_spec(chart), element_id)


def _spec_html(spec: dict[str, Any], element_id: str) -> str:
    return (
        f'<div id="{element_id}" class="tolldrift-chart"></div>\n'
        '<script type="text/javascript">\n(function () {\n'
        "  var script = document.currentScript;\n"
        f'  var el = (script && script.previousElementSibling) || '
        f'document.getElementById("{element_id}");\n'
        f"  var spec = {spec_json(spec)};\n"
        "  function fail(err) {\n"
        '    el.textContent = "The chart could not be drawn: " + err;\n'
        '    console.error("chart ' + element_id + ':", err);\n'
        "  }\n"
        '  if (!window.vegaEmbed) { fail("the Vega library is not loaded"); return; }\n'
        f"  window.vegaEmbed(el, spec, {json.dumps(EMBED_OPTIONS, sort_keys=True)})"
        ".catch(fail);\n"
        "})();\n</script>"
    )


def setup() -> None:
    """Display the Vega bundle now (once per kernel process); `show` calls it as needed."""
    if not _state["bundle_emitted"]:
        display({"text/html": vega_bundle_html(), "text/plain": ""}, raw=True)
        _state["bundle_emitted"] = True


def is_empty(chart: alt.TopLevelMixin) -> bool:
    """True when every dataset of the chart has no rows (nothing would be drawn)."""
    return _spec_is_empty(chart_spec(chart))


def _spec_is_empty(spec: dict[str, Any]) -> bool:
    datasets = spec.get("datasets") or {}
    inline = spec.get("data", {}).get("values") if isinstance(spec.get("data"), dict) else None
    if inline is not None:
        return not inline and not any(datasets.values())
    return bool(datasets) and not any(datasets.values())


def show(chart: alt.TopLevelMixin, name: str) -> None:
    """Display `chart` as an interactive chart that also works in the offline HTML report.

    The element id comes from `name`; a name used again in the same process gets a
    numbered suffix, so ids stay unique and the same notebook gives the same ids.
    A chart with no data rows is replaced by a one-line note.
    """
    spec = chart_spec(chart)  # built (and validated) once: it is the slow part
    if _spec_is_empty(spec):
        display({"text/markdown": f"*Nothing to draw for {name}: no figure of this kind.*",
                 "text/plain": f"nothing to draw for {name}"}, raw=True)
        return
    element_id = chart_id(name)
    _shown[element_id] = _shown.get(element_id, 0) + 1
    if _shown[element_id] > 1:
        element_id = f"{element_id}-{_shown[element_id]}"
    parts = [_spec_html(spec, element_id)]
    if not _state["bundle_emitted"]:
        parts.insert(0, vega_bundle_html())
        _state["bundle_emitted"] = True
    display({"text/html": "\n".join(parts), "text/plain": f"chart {name}"}, raw=True)


def save_chart_html(chart: alt.TopLevelMixin, path: str | Path, title: str = "chart") -> None:
    """Write `chart` as a standalone offline HTML page (atomically)."""
    from html import escape

    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title)}</title>\n{vega_bundle_html()}\n</head>\n<body>\n"
            f"{chart_html(chart, chart_id(title))}\n</body>\n</html>\n")
    write_atomic(Path(path), page)
