"""Reports opened in headless Chromium with networking off: charts draw, nothing errs,
article text never runs as markup. Needs Debian's `chromium` (`apt-get install -y chromium`)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

from tolldrift.charts import save_chart_html
from tolldrift.render import (
    CHROMIUM_INSTALL,
    ChromiumMissing,
    check_report,
    find_chromium,
    render_report,
)

try:
    find_chromium()
except ChromiumMissing:
    pytest.skip(f"Chromium is not installed; install it with `{CHROMIUM_INSTALL}`",
                allow_module_level=True)

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
HOSTILE = ("<script>alert(1)</script> <img src=x onerror=alert(1)> "
           "</script><script>document.title='owned'</script>")

NOTEBOOK_CELLS = [
    ("markdown", "# Tolls by outlet\nTwo charts and a table of claims."),
    ("parameters", 'article_set = "demo"'),
    ("code", ("import altair as alt\nimport polars as pl\n"
              "from tolldrift.charts import show\nfrom tolldrift.render import html_table\n"
              f"hostile = {HOSTILE!r}\n"
              "claims = pl.DataFrame({'outlet': ['A', 'B', 'C', hostile],\n"
              "                       'killed': [12, 15, 9, 20],\n"
              "                       'hour': [1, 2, 3, 4]})")),
    ("markdown", "Bars: the latest toll each outlet gave."),
    ("code", "show(alt.Chart(claims).mark_bar().encode(x='outlet:N', y='killed:Q'), 'tolls')"),
    ("code", ("show(alt.Chart(claims).mark_line(point=True).encode(x='hour:Q', y='killed:Q',\n"
              "     tooltip=['outlet', 'killed']), 'tolls over time')")),
    ("code", "html_table(claims, caption='Claims as written')"),
]


def _notebook() -> nbformat.NotebookNode:
    cells = []
    for kind, source in NOTEBOOK_CELLS:
        if kind == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            tags = ["parameters"] if kind == "parameters" else []
            cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": tags}))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("browser")
    nbformat.write(_notebook(), base / "src.ipynb")
    executed = base / "02-charts.ipynb"
    papermill.execute_notebook(base / "src.ipynb", executed, parameters={"article_set": "x"},
                               progress_bar=False, log_output=False, cwd=str(base))
    render_report(executed, base / "02-charts.html", executed)
    return base / "02-charts.html"


def test_report_draws_every_chart_without_errors(report):
    check = check_report(report, screenshot=ARTIFACTS / "browser-report.png")
    assert check.console_errors == ()
    assert check.n_charts == 2
    # 4 bars; 1 line path + 4 points.
    assert check.marks_per_chart == (4, 5)
    assert check.n_marks == 9
    assert check.injected_ran is False


def test_report_shows_article_text_escaped(report):
    page = report.read_text(encoding="utf-8")
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 1
    assert page.count("<script>") == 0, "every script the report carries is typed"


def _page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head>" \
           f"<body>{body}</body></html>"


@pytest.mark.parametrize(("body", "errors", "injected"), [
    pytest.param("<p>12 killed</p>", (), False, id="plain-page"),
    pytest.param("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", (), False, id="escaped-text"),
    pytest.param("<script>alert(1)</script>", (), True, id="script-ran"),
    pytest.param("<img src=x onerror=alert(1)>", ("failed to load",), True, id="onerror-ran"),
    pytest.param("<script>document.title = 'owned'</script>", (), True, id="title-changed"),
    pytest.param('<script src="https://cdn.example.org/vega.js"></script>',
                 ("failed to load https://cdn.example.org/vega.js",), False, id="cdn-script"),
    pytest.param("<script>console.error('bad spec')</script>", ("bad spec",), False,
                 id="console-error"),
    pytest.param("<script>missing()</script>", ("Uncaught ReferenceError",), False,
                 id="uncaught"),
])
def test_check_report_sees_problems(tmp_path, body, errors, injected):
    page = tmp_path / "page.html"
    page.write_text(_page(body), encoding="utf-8")
    check = check_report(page, budget_ms=2000)
    assert len(check.console_errors) == len(errors)
    for got, expected in zip(check.console_errors, errors, strict=True):
        assert expected in got
    assert check.injected_ran is injected
    assert (check.n_charts, check.n_marks) == (0, 0)


def test_check_report_sees_a_chart_that_failed(tmp_path):
    import altair as alt
    import polars as pl

    page = tmp_path / "bad.html"
    chart = alt.Chart(pl.DataFrame({"a": [1, 2]})).mark_bar().encode(x="a:Q", y="a:Q")
    save_chart_html(chart, page, title="bad chart")
    text = page.read_text(encoding="utf-8")
    assert text.count('"mark":{"type":"bar"}') == 1
    page.write_text(text.replace('"mark":{"type":"bar"}', '"mark":{"type":"nope"}'),
                    encoding="utf-8")
    check = check_report(page, budget_ms=5000)
    assert check.n_charts == 1 and check.n_marks == 0
    assert any("tolldrift-chart-bad-chart" in e for e in check.console_errors)


def test_standalone_chart_page(tmp_path):
    import altair as alt
    import polars as pl

    page = tmp_path / "chart.html"
    df = pl.DataFrame({"outlet": ["A", "B", HOSTILE], "killed": [1, 2, 3]})
    save_chart_html(alt.Chart(df).mark_bar().encode(x="outlet:N", y="killed:Q"), page)
    check = check_report(page, budget_ms=5000)
    assert (check.n_charts, check.marks_per_chart, check.console_errors,
            check.injected_ran) == (1, (3,), (), False)
