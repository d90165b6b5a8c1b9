"""Reports: notebook normalisation, escaped tables, offline HTML, byte-identical reruns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import polars as pl
import pytest

from tolldrift.render import (
    ReportError,
    export_html,
    external_urls,
    html_table,
    normalise_notebook,
    render_report,
)

HOSTILE = "<script>alert(1)</script> and <img src=x onerror=alert(1)>"


def _executed_cell(source: str, outputs: list, tags: list[str] | None = None):
    cell = nbformat.v4.new_code_cell(source, execution_count=7, outputs=outputs)
    cell.id = f"random{len(source)}"
    cell.metadata = nbformat.from_dict({
        "execution": {"iopub.execute_input": "2030-01-01T10:00:00.1Z"},
        "papermill": {"duration": 0.5, "start_time": "2030-01-01T10:00:00+00:00",
                      "end_time": "2030-01-01T10:00:01+00:00", "status": "completed",
                      "exception": False},
        "tags": tags or [],
    })
    return cell


def _stream(text: str):
    return nbformat.v4.new_output("stream", name="stderr", text=text)


def _notebook(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=list(cells))
    nb.metadata["papermill"] = {
        "duration": 3.2, "start_time": "2030-01-01T10:00:00+00:00",
        "end_time": "2030-01-01T10:00:03+00:00", "parameters": {"article_set": "seeds"},
        "input_path": "notebooks/01-x.ipynb", "output_path": "/tmp/x/01-x.ipynb",
        "environment_variables": {}, "exception": None, "version": "2.7.0",
        "default_parameters": {},
    }
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    return nb


def test_normalise_drops_timing_and_fixes_ids_and_counts():
    nb = _notebook(nbformat.v4.new_markdown_cell("# T"),
                   _executed_cell("x = 1", [], ["parameters"]),
                   _executed_cell("x", [nbformat.v4.new_output(
                       "execute_result", data={"text/plain": "1"}, execution_count=9)]))
    out = normalise_notebook(nb)
    assert [c.id for c in out.cells] == ["cell-0", "cell-1", "cell-2"]
    assert [c.metadata for c in out.cells] == [{}, {"tags": ["parameters"]}, {}]
    assert [c.get("execution_count") for c in out.cells] == [None, 1, 2]
    assert out.cells[2].outputs[0].execution_count == 2
    assert out.metadata.papermill == {
        "default_parameters": {}, "parameters": {"article_set": "seeds"},
        "input_path": "notebooks/01-x.ipynb", "exception": None, "version": "2.7.0"}
    assert "widgets" not in out.metadata
    assert nb.cells[1].id == "random5", "the input notebook is left alone"
    nbformat.validate(out)


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("/tmp/ipykernel_4418/3846741.py:1: UserWarning: hi\n",
                 "<cell>:1: UserWarning: hi\n", id="warning-from-cell"),
    pytest.param("File /var/tmp/ipykernel_12/99.py:3, in f()", "File <cell>:3, in f()",
                 id="traceback-line"),
    pytest.param("<Foo object at 0x7f3a2b1c>", "<Foo object at 0x0>", id="object-address"),
    pytest.param("ipykernel_launcher.py: started", "ipykernel_launcher.py: started",
                 id="launcher-kept"),
    pytest.param("0x7f3a2b1c killed 12", "0x7f3a2b1c killed 12", id="bare-hex-kept"),
    pytest.param("at 14:00, 12 dead", "at 14:00, 12 dead", id="plain-text-kept"),
])
def test_normalise_scrubs_process_specific_text(text, expected):
    nb = _notebook(_executed_cell("f()", [_stream(text)]))
    assert normalise_notebook(nb).cells[0].outputs[0].text == expected


def test_html_table_escapes_every_value():
    df = pl.DataFrame({"outlet": ["A&B", None], "<b>text</b>": [HOSTILE, "12 killed"],
                       "count": [1.5, 2.0]})
    got = html_table(df, caption="Claims <by> outlet").data
    assert got == (
        '<table class="tolldrift-table">\n'
        "<caption>Claims &lt;by&gt; outlet</caption>\n"
        '<thead><tr><th>outlet</th><th>&lt;b&gt;text&lt;/b&gt;</th><th class="num">count</th>'
        "</tr></thead><tbody>\n"
        "<tr><td>A&amp;B</td><td>&lt;script&gt;alert(1)&lt;/script&gt; and "
        '&lt;img src=x onerror=alert(1)&gt;</td><td class="num">1.5</td></tr>\n'
        '<tr><td></td><td>12 killed</td><td class="num">2</td></tr>\n'
        "</tbody></table>")


@pytest.mark.parametrize(("max_rows", "n_rows", "note"), [
    pytest.param(2, 2, "Showing 2 of 3 rows.", id="cut"),
    pytest.param(5, 3, None, id="all-fit"),
])
def test_html_table_max_rows(max_rows, n_rows, note):
    got = html_table(pl.DataFrame({"a": [1, 2, 3]}), max_rows=max_rows).data
    assert got.count('<tr><td class="num">') == n_rows
    assert (f'<p class="tolldrift-note">{note}</p>' in got) if note else ("note" not in got)


@pytest.mark.parametrize(("page", "urls"), [
    pytest.param('<script src="https://cdn.x/require.js"></script>', ["https://cdn.x/require.js"],
                 id="cdn-script"),
    pytest.param("<link rel=stylesheet href=//fonts.x/css>", ["//fonts.x/css"],
                 id="protocol-relative-link"),
    pytest.param('<img alt="" src="http://x/a.png">', ["http://x/a.png"], id="image"),
    pytest.param("<style>@import 'https://x/a.css';</style>", ["https://x/a.css"], id="import"),
    pytest.param("<style>b { background: url(https://x/b.png) }</style>", ["https://x/b.png"],
                 id="css-url"),
    pytest.param('<a href="https://example.org/story">source</a>', [], id="link-not-loaded"),
    pytest.param('<script>var s = "https://vega.github.io/schema";</script>', [],
                 id="url-in-script-text"),
    pytest.param('<img src="data:image/png;base64,AAAA">', [], id="data-uri"),
])
def test_external_urls(page, urls):
    assert external_urls(page) == urls


def test_export_refuses_network_images():
    nb = normalise_notebook(_notebook(nbformat.v4.new_markdown_cell("![x](https://x/a.png)")))
    with pytest.raises(ReportError, match="https://x/a.png"):
        export_html(nb, "t")


def _write_stage_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Casualty claims\nWhat each outlet said."),
        nbformat.v4.new_code_cell('article_set = "demo"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import warnings\nimport polars as pl\nfrom tolldrift.render import html_table\n"
            f"warnings.warn('check me')\ntext = {HOSTILE!r}\n"
            "html_table(pl.DataFrame({'set': [article_set], 'text': [text]}), caption='Claims')"),
        nbformat.v4.new_code_cell("print(object())"),
        nbformat.v4.new_code_cell(
            "import altair as alt\nfrom tolldrift.charts import show\n"
            "df = pl.DataFrame({'outlet': ['A', text], 'killed': [3, 4]})\n"
            "for name in ('tolls', 'tolls'):\n"
            "    show(alt.Chart(df).mark_bar().encode(x='outlet', y='killed'), name)"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def _run_and_render(src: Path, out_dir: Path) -> tuple[bytes, bytes]:
    out_dir.mkdir()
    executed = out_dir / "01-demo.ipynb"
    papermill.execute_notebook(src, executed, parameters={"article_set": "seeds<1>"},
                               progress_bar=False, log_output=False, cwd=str(out_dir))
    render_report(executed, out_dir / "01-demo.html", executed)
    assert sorted(p.name for p in out_dir.iterdir()) == ["01-demo.html", "01-demo.ipynb"]
    return (out_dir / "01-demo.ipynb").read_bytes(), (out_dir / "01-demo.html").read_bytes()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[tuple[bytes, bytes], tuple[bytes, bytes]]:
    base = tmp_path_factory.mktemp("stage")
    _write_stage_notebook(base / "stage.ipynb")
    return (_run_and_render(base / "stage.ipynb", base / "run1"),
            _run_and_render(base / "stage.ipynb", base / "run2"))


def test_two_runs_give_identical_bytes(two_runs):
    (nb1, html1), (nb2, html2) = two_runs
    assert nb1 == nb2
    assert html1 == html2


def test_report_hides_code_escapes_articles_and_shows_parameters(two_runs):
    page = two_runs[0][1].decode()
    assert "import warnings" not in page and "html_table(" not in page
    assert page.count("<script") == 3, "one Vega bundle and two charts"
    assert page.count('class="tolldrift-chart"') == 2
    assert 'id="tolldrift-chart-tolls"' in page and 'id="tolldrift-chart-tolls-2"' in page
    assert "<img src=x" not in page and "alert(1)</" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<tr><td>article_set</td><td>seeds&lt;1&gt;</td></tr>" in page
    assert "<tr><td>seeds&lt;1&gt;</td>" in page
    assert "<cell>" not in page and "&lt;cell&gt;:4: UserWarning: check me" in page
    assert external_urls(page) == []


def test_cli(tmp_path, two_runs):
    executed = tmp_path / "in.ipynb"
    executed.write_bytes(two_runs[0][0])
    subprocess.run([sys.executable, "-m", "tolldrift.render", str(executed),
                    "--html", str(tmp_path / "r" / "01-demo.html"),
                    "--ipynb", str(tmp_path / "r" / "01-demo.ipynb")], check=True)
    assert (tmp_path / "r" / "01-demo.ipynb").read_bytes() == two_runs[0][0]
    assert (tmp_path / "r" / "01-demo.html").read_bytes() == two_runs[0][1]


def _bars(labels: list[str]):
    import altair as alt

    df = pl.DataFrame({"outlet": labels, "killed": list(range(len(labels)))})
    return alt.Chart(df).mark_bar().encode(x="outlet:N", y="killed:Q")


def test_chart_html_is_stable_and_script_safe():
    from tolldrift.charts import chart_html

    one = chart_html(_bars(["A", HOSTILE]), "tolldrift-chart-x")
    assert one == chart_html(_bars(["A", HOSTILE]), "tolldrift-chart-x")
    assert one != chart_html(_bars(["A", "B"]), "tolldrift-chart-x")
    script = one.split("<script", 1)[1]
    assert script.count("<") == 1 and script.endswith("</script>")
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in script


def test_chart_spec_turns_tooltips_on_unless_set():
    from tolldrift.charts import chart_spec

    assert chart_spec(_bars(["A"]))["config"]["mark"]["tooltip"] == {"content": "encoding"}
    assert chart_spec(_bars(["A"]).configure_mark(tooltip=False))["config"]["mark"] == {
        "tooltip": False}


@pytest.mark.parametrize(("name", "element_id"), [
    pytest.param("tolls", "tolldrift-chart-tolls", id="word"),
    pytest.param("Tolls over time (UTC)", "tolldrift-chart-tolls-over-time-utc", id="phrase"),
    pytest.param("<b>", "tolldrift-chart-b", id="markup"),
    pytest.param("???", "tolldrift-chart-chart", id="nothing-left"),
])
def test_chart_id(name, element_id):
    from tolldrift.charts import chart_id

    assert chart_id(name) == element_id


def test_vega_bundle_defines_vega_embed_once():
    from tolldrift.charts import vega_bundle_html

    bundle = vega_bundle_html()
    assert bundle.startswith('<script type="text/javascript">\nif (!window.vegaEmbed)')
    assert bundle.count("</script") == 1 and "window.vegaEmbed=" in bundle
    assert external_urls(bundle) == []


def _page(cells: list) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return export_html(nb, "cells", show_parameters=False)


def _out(**kw) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("hidden_code = 1")
    cell.outputs = [nbformat.v4.new_output(**kw)]
    return cell


@pytest.mark.parametrize(("cell", "shown", "absent"), [
    pytest.param(_out(output_type="stream", name="stdout", text="12 claims in 3 articles\n"),
                 '<pre class="tolldrift-stdout">12 claims in 3 articles\n</pre>', "hidden_code",
                 id="printed-text"),
    pytest.param(_out(output_type="stream", name="stdout", text="a <b>bold</b> quote\n"),
                 "a &lt;b&gt;bold&lt;/b&gt; quote", "<b>", id="printed-text-escaped"),
    pytest.param(_out(output_type="error", ename="ValueError", evalue="bad",
                      traceback=["\x1b[31mValueError\x1b[0m: bad <input>"]),
                 '<pre class="tolldrift-error">ValueError: bad &lt;input&gt;</pre>', "\x1b",
                 id="error-without-colour-codes"),
    pytest.param(_out(output_type="display_data",
                      data={"text/markdown": "**Seven** <script>x()</script>",
                            "text/plain": "Seven"}),
                 "<strong>Seven</strong> &lt;script&gt;x()&lt;/script&gt;", "<script>x()",
                 id="markdown-output-escapes-html"),
    pytest.param(nbformat.v4.new_markdown_cell("## Parts <em>and</em> totals"),
                 '<h2 id="Parts-and-totals">Parts <em>and</em> totals</h2>', "&lt;em&gt;",
                 id="markdown-cell-keeps-html"),
    pytest.param(_out(output_type="display_data",
                      data={"application/javascript": "alert(1)", "text/plain": "<JS>"}),
                 "&lt;JS&gt;", "alert(1)", id="javascript-left-out"),
    pytest.param(_out(output_type="display_data",
                      data={"image/png": "iVBORw0KGgo=\n", "text/plain": "<Figure>"}),
                 '<img src="data:image/png;base64,iVBORw0KGgo=" alt="" />', "&lt;Figure&gt;",
                 id="image-inlined"),
])
def test_cells_and_outputs_on_the_page(cell, shown, absent):
    page = _page([cell])
    assert shown in page
    assert absent not in page
