"""Descriptor labels, spans, quoting, the lexicon loader, the summary and the charts."""

from __future__ import annotations

import textwrap
from datetime import datetime

import altair as alt
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tolldrift import schema
from tolldrift.describe import (
    describe_sentences,
    descriptor_summary,
    distinctive_terms_chart,
    find_descriptors,
    heatmap,
    label_shares_chart,
    load_lexicon,
    quoted_spans,
    sentence_batches,
)
from tolldrift.lexicon import RuleError
from tolldrift.logodds import distinctive_terms

BASE = 100  # where the first sentence starts in the (imagined) source text


def sentences_of(*lines: list[str]) -> tuple[pl.DataFrame, str]:
    """Sentences frame and source text: each argument is one line of sentences."""
    rows, source, sid = [], " " * BASE, 0
    for line_no, line in enumerate(lines):
        for k, text in enumerate(line):
            if k:
                source += " "
            rows.append(("a1", sid, line_no, len(source), len(source) + len(text), text, False))
            source += text
            sid += 1
        source += "\n"
    frame = pl.DataFrame(rows, orient="row", schema=schema.SENTENCES.polars_schema)
    return frame, source


def found(sents: pl.DataFrame, source: str, categories: tuple[str, ...]) -> list[tuple]:
    d = find_descriptors(sents).filter(pl.col("category").is_in(categories))
    for start, end, text in d.select("start", "end", "text").iter_rows():
        assert source[start:end] == text
    return [(r["category"], r["label"], r["start"] - BASE, r["text"], r["is_quoted"])
            for r in d.iter_rows(named=True)]


CASES = [
    pytest.param(
        "Clashes between security forces and gunmen loyal to former President Bashar Assad "
        "continued.", ("actor_state", "actor_armed", "framing"),
        [("framing", "clashes", 0, "Clashes", False),
         ("actor_state", "security_forces", 16, "security forces", False),
         ("actor_armed", "gunmen", 36, "gunmen", False),
         ("actor_armed", "loyalists", 43, "loyal to", False)],
        id="gunmen-loyal-to"),
    pytest.param(
        "Officials blamed remnants of the overthrown regime for the ambush.",
        ("actor_armed", "framing"),
        [("actor_armed", "remnants", 17, "remnants of the overthrown regime", False),
         ("framing", "ambush", 59, "ambush", False)],
        id="remnants-longest-wins"),
    pytest.param(
        "Rights groups warned of sectarian violence after the terrorist attack.", ("framing",),
        [("framing", "sectarian", 24, "sectarian violence", False),
         ("framing", "terrorism", 53, "terrorist attack", False)],
        id="longest-label-wins-in-category"),
    pytest.param(
        "The dead included 745 civilians, many from the Alawite minority, women and children.",
        ("victim",),
        [("victim", "victims", 0, "The dead", False),
         ("victim", "civilians", 22, "civilians", False),
         ("victim", "alawites", 47, "Alawite minority", False),
         ("victim", "women", 65, "women", False),
         ("victim", "children", 75, "children", False)],
        id="victims"),
    pytest.param(
        "Armed supporters of the ousted president attacked checkpoints.", ("actor_armed",),
        [("actor_armed", "supporters", 0, "Armed supporters of the ousted president", False)],
        id="armed-supporters"),
    pytest.param(
        "At least 70 people were reportedly killed, a toll that could not be independently "
        "verified.", ("hedge", "attribution"),
        [("hedge", "at_least", 0, "At least", False),
         ("hedge", "reportedly", 24, "reportedly", False),
         ("attribution", "could_not_verify", 55, "could not be independently verified", False),
         ("hedge", "unconfirmed", 61, "not be independently verified", False)],
        id="hedges"),
    pytest.param(
        "The earthquake and its aftershocks flattened villages.", ("framing",),
        [("framing", "earthquake", 4, "earthquake", False),
         ("framing", "earthquake", 23, "aftershocks", False)],
        id="disaster"),
    # quotation marks
    pytest.param(
        "“It was a massacre,” said a resident.", ("framing", "attribution"),
        [("framing", "massacre", 10, "massacre", True),
         ("attribution", "said", 21, "said", False)],
        id="curly-double-quote"),
    pytest.param(
        'A witness described "summary executions" in the village.', ("framing",),
        [("framing", "execution", 21, "summary executions", True)],
        id="straight-double-quote"),
    pytest.param(
        "Activists denounce ‘revenge killings’ on the coast", ("framing",),
        [("framing", "revenge_killings", 20, "revenge killings", True)],
        id="curly-single-quote-headline"),
    pytest.param(
        "He called it 'a massacre' and left.", ("framing",),
        [("framing", "massacre", 16, "massacre", True)],
        id="straight-single-quote"),
    pytest.param(
        "Assad’s loyalists attacked the army’s positions near the rebels’ base.",
        ("actor_state", "actor_armed", "framing"),
        [("actor_armed", "loyalists", 8, "loyalists", False),
         ("framing", "attack", 18, "attacked", False),
         ("actor_state", "army", 31, "army", False),
         ("actor_armed", "rebels", 57, "rebels", False)],
        id="curly-apostrophes-are-not-quotes"),
    pytest.param(
        "Assad's loyalists attacked the forces' positions, the militants' base.",
        ("actor_armed", "framing"),
        [("actor_armed", "loyalists", 8, "loyalists", False),
         ("framing", "attack", 18, "attacked", False),
         ("actor_armed", "militants", 54, "militants", False)],
        id="straight-apostrophes-are-not-quotes"),
    # must yield nothing in the checked categories
    pytest.param("He died of a heart attack on Monday.", ("framing",), [], id="heart-attack"),
    pytest.param("Crews spent the night fighting fires in the hills.", ("framing",), [],
                 id="fighting-fires"),
    pytest.param("The police chief's car was damaged.", ("victim",), [],
                 id="police-chief-not-victim"),
    pytest.param("The clashing colours of the flag hung over the square.", ("framing",), [],
                 id="clashing-colours"),
    pytest.param("The war monitor updated its figures.", ("framing",), [], id="war-monitor"),
    pytest.param("Firefighters arrived as fighter jets flew over.", ("actor_armed",), [],
                 id="firefighters-and-fighter-jets"),
    pytest.param("The storm claimed 300 lives, all told.", ("attribution",), [],
                 id="claimed-lives-not-attribution"),
    pytest.param("A resident said the market reopened.", ("framing", "actor_armed", "victim"),
                 [], id="no-descriptor"),
]


@pytest.mark.parametrize(("sentence", "categories", "expected"), CASES)
def test_find_descriptors(sentence, categories, expected):
    sents, source = sentences_of([sentence])
    assert found(sents, source, categories) == expected


def test_quote_spans_sentences_of_a_paragraph():
    sents, source = sentences_of(
        ["“We buried our neighbours.", "This was a massacre.”", "The ministry denied it."],
        ["“They attacked us", "at dawn."],
        ["Troops repelled the attack."],
    )
    assert found(sents, source, ("framing", "attribution")) == [
        ("framing", "massacre", 38, "massacre", True),
        ("attribution", "denied", 62, "denied", False),
        # an unclosed quote runs to the end of its paragraph, not into the next
        ("framing", "attack", 79, "attacked", True),
        ("framing", "attack", 120, "attack", False),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("“a” and “b”", [(1, 2), (9, 10)], id="two-double"),
    pytest.param("Assad’s men’s ‘claims’", [(15, 21)], id="apostrophes-then-single"),
    pytest.param("the forces’ base", [], id="plural-possessive"),
    pytest.param("“He said ‘no’ twice", [(1, 19), (10, 12)], id="nested-unclosed"),
    pytest.param("since the ’90s and the '80s", [], id="decade-apostrophe"),
])
def test_quoted_spans(text, expected):
    assert quoted_spans(text) == expected


def test_output_schema_and_order():
    sents, _ = sentences_of(["Gunmen attacked.", "Clashes followed."])
    d = find_descriptors(sents)
    assert d.schema == schema.DESCRIPTORS.polars_schema
    assert d.select("sentence_id", "category", "label").rows() == [
        (0, "actor_armed", "gunmen"), (0, "framing", "attack"), (1, "framing", "clashes")]
    empty = find_descriptors(sents.clear())
    assert empty.schema == schema.DESCRIPTORS.polars_schema and empty.is_empty()


# --------------------------------------------------------------------------- rule files

def write(tmp_path, text: str):
    path = tmp_path / "set.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "key"), [
    pytest.param("categorys:\n  framing:\n    x: [a]\n", "categorys", id="unknown-top-key"),
    pytest.param("categories:\n  framing:\n    clashes: ['clash(es']\n",
                 "categories.framing.clashes", id="bad-regex"),
    pytest.param("categories:\n  framing:\n    clashes: ['(?<!heart )attack']\n",
                 "categories.framing.clashes", id="look-around-not-for-polars"),
    pytest.param("categories:\n  framing:\n    clashes: clash\n",
                 "categories.framing.clashes", id="not-a-list"),
    pytest.param("categories:\n  framing:\n    Clashes: [clash]\n",
                 "categories.framing.Clashes", id="label-not-snake-case"),
    pytest.param("categories:\n  framing:\n    clashes: ['x?']\n",
                 "categories.framing.clashes", id="matches-empty"),
    pytest.param("categories:\n  framing:\n    truce: [cease: fire]\n",
                 "categories.framing.truce", id="yaml-colon-makes-a-mapping"),
    pytest.param("exclude:\n  framings: [heart attack]\n", "exclude.framings",
                 id="exclude-unknown-category"),
])
def test_rule_file_typos_fail_loudly(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as err:
        load_lexicon(path)
    assert err.value.key == key
    assert err.value.file == str(path)


def test_set_file_overrides_and_extends(tmp_path):
    path = write(tmp_path, """\
        categories:
          actor_armed:
            gunmen: null
            shabiha: [shabiha]
        extend:
          framing:
            massacre: [killing spree]
        """)
    lex = load_lexicon(path)
    sents, _ = sentences_of(["Shabiha gunmen went on a killing spree."])
    assert [(r["label"], r["text"]) for r in find_descriptors(sents, lex).iter_rows(named=True)
            ] == [("shabiha", "Shabiha"), ("massacre", "killing spree")]
    assert "gunmen" in {lab.name for c in load_lexicon().categories for lab in c.labels}


# --------------------------------------------------------------------------- summary, charts

@pytest.fixture
def corpus():
    sents = pl.DataFrame(
        [("a1", 0, 0, 0, 26, "Gunmen attacked a village.", False),
         ("a1", 1, 0, 27, 51, "“A massacre,” one said.", False),
         ("b1", 0, 0, 0, 31, "Insurgents attacked a village.", False)],
        orient="row", schema=schema.SENTENCES.polars_schema)
    arts = pl.DataFrame({"article": ["a1", "b1"], "outlet": ["A", "B"],
                         "published_at": [datetime(2025, 3, 7, 9, 15),
                                          datetime(2025, 3, 7, 11, 5)]})
    return sents, arts


def test_summary(corpus):
    sents, arts = corpus
    s = descriptor_summary(find_descriptors(sents), arts, sents).filter(
        pl.col("category") == "framing")
    expected = pl.DataFrame({
        "outlet": ["A", "A", "B"], "category": ["framing"] * 3,
        "label": ["attack", "massacre", "attack"],
        "n_own": [1, 0, 1], "n_quoted": [0, 1, 0], "articles": [1, 1, 1],
        "example": ["Gunmen attacked a village.", "“A massacre,” one said.",
                    "Insurgents attacked a village."],
        "example_article": ["a1", "a1", "b1"]})
    assert_frame_equal(s, expected, check_dtypes=False)


def test_charts_build(corpus):
    sents, arts = corpus
    d = find_descriptors(sents)
    charts = [heatmap(d, arts, sents, "framing"),
              label_shares_chart(d, arts, "framing", every="1h"),
              distinctive_terms_chart(distinctive_terms(sents, arts))]
    for chart in charts:
        assert isinstance(chart, alt.TopLevelMixin)
        assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    heat = charts[0].to_dict()
    rows = heat["datasets"][next(iter(heat["datasets"]))]
    assert {(r["outlet"], r["label"], r["n"]) for r in rows} == {("A", "attack", 1),
                                                                ("B", "attack", 1)}


def chart_rows(chart: alt.TopLevelMixin) -> list[dict]:
    spec = chart.to_dict()
    return spec["datasets"][next(iter(spec["datasets"]))]


# --------------------------------------------------------------------------- large sets

def article_sentences(rows: list[tuple[str, int, str]]) -> pl.DataFrame:
    """Sentences from (article, line, text) rows; sentence ids and offsets follow on."""
    out, pos, sid = [], {}, {}
    for article, line, text in rows:
        start = pos.get(article, 0)
        out.append((article, sid.get(article, 0), line, start, start + len(text), text, False))
        pos[article], sid[article] = start + len(text) + 1, sid.get(article, 0) + 1
    return pl.DataFrame(out, orient="row", schema=schema.SENTENCES.polars_schema)


SET = article_sentences([
    ("a1", 0, "Gunmen attacked a village."), ("a1", 0, "“It was a massacre."),
    ("a1", 0, "The militias fled,” he said."),
    ("a2", 0, "Clashes erupted as security forces moved in."),
    ("a3", 0, "Insurgents ambushed a convoy."), ("a3", 1, "Officials called it an attack."),
    ("a4", 0, "Gunmen were blamed for the massacre."),
])
OUTLETS = pl.DataFrame({"article": ["a1", "a2", "a3", "a4"], "outlet": ["A", "B", "B", "C"],
                        "published_at": [datetime(2025, 3, d, 9) for d in (6, 7, 8, 9)]})


@pytest.mark.parametrize(("rows", "batches"), [
    pytest.param(1, [["a1"] * 3, ["a2"], ["a3", "a3", "a4"]], id="one-row-slices"),
    pytest.param(3, [["a1"] * 3 + ["a2"], ["a3", "a3", "a4"]], id="slice-ends-inside-a3"),
    pytest.param(4, [["a1"] * 3, ["a2", "a3", "a3", "a4"]], id="article-carried-over"),
    pytest.param(100, [["a1"] * 3 + ["a2", "a3", "a3", "a4"]], id="all-in-one"),
])
def test_sentence_batches_never_split_an_article(rows, batches):
    got = list(sentence_batches(SET, rows))
    assert [b["article"].to_list() for b in got] == batches
    assert_frame_equal(pl.concat(got), SET.select(got[0].columns))


@pytest.mark.parametrize("rows", [
    pytest.param(1, id="one-row-slices"), pytest.param(2, id="two-row-slices"),
    pytest.param(100, id="one-batch"),
])
@pytest.mark.parametrize("order", [
    pytest.param("ascending", id="articles-ascending"),
    pytest.param("descending", id="articles-descending-sorted-first"),
])
def test_describe_in_batches_equals_all_at_once(tmp_path, rows, order):
    sents = SET if order == "ascending" else SET.sort("article", descending=True,
                                                       maintain_order=True)
    whole = find_descriptors(SET)
    assert whole.filter(pl.col("is_quoted")).select("article", "label").rows() == [
        ("a1", "massacre"), ("a1", "militias")]  # a quote over three sentences
    assert_frame_equal(describe_sentences(sents, load_lexicon(), rows=rows), whole)
    path = tmp_path / "sentences.parquet"
    sents.write_parquet(path)
    out = tmp_path / "descriptors.parquet"
    got = describe_sentences(path, load_lexicon(), rows=rows, descriptors_out=out)
    assert isinstance(got, pl.LazyFrame)
    assert_frame_equal(pl.read_parquet(out), whole)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["descriptors.parquet",
                                                          "sentences.parquet"]


def test_describe_of_no_sentences_writes_an_empty_table(tmp_path):
    out = tmp_path / "descriptors.parquet"
    describe_sentences(SET.clear(), load_lexicon(), descriptors_out=out)
    assert_frame_equal(pl.read_parquet(out), schema.empty(schema.DESCRIPTORS))


def test_summary_from_files_equals_in_memory(tmp_path):
    d = find_descriptors(SET)
    for name, frame in (("d", d), ("a", OUTLETS), ("s", SET)):
        frame.write_parquet(tmp_path / f"{name}.parquet")
    assert_frame_equal(descriptor_summary(*(tmp_path / f"{n}.parquet" for n in "das")),
                       descriptor_summary(d, OUTLETS, SET))
    assert descriptor_summary(d, OUTLETS, SET).filter(pl.col("label") == "massacre").select(
        "outlet", "n_own", "n_quoted", "example").rows() == [
        ("A", 0, 1, "“It was a massacre."), ("C", 1, 0, "Gunmen were blamed for the massacre.")]


@pytest.mark.parametrize(("max_outlets", "outlets", "note"), [
    pytest.param(3, ["A", "B", "C"], "", id="all-outlets"),
    pytest.param(1, ["B"], " (the 1 of 3 outlets with the most uses)", id="busiest-outlet"),
])
def test_heatmap_keeps_the_outlets_with_most_uses(max_outlets, outlets, note):
    chart = heatmap(find_descriptors(SET), OUTLETS, SET, "framing", max_outlets=max_outlets)
    assert sorted({r["outlet"] for r in chart_rows(chart)}) == outlets
    assert chart.to_dict()["title"] == f"framing: uses per outlet{note}"


def test_heatmap_example_is_the_first_own_use():
    rows = chart_rows(heatmap(find_descriptors(SET), OUTLETS, SET, "framing"))
    assert [(r["outlet"], r["label"], r["n"], r["example"]) for r in rows] == [
        ("A", "attack", 1, "Gunmen attacked a village."),
        ("B", "ambush", 1, "Insurgents ambushed a convoy."),
        ("B", "attack", 1, "Officials called it an attack."),
        ("B", "clashes", 1, "Clashes erupted as security forces moved in."),
        ("C", "massacre", 1, "Gunmen were blamed for the massacre.")]


@pytest.mark.parametrize(("max_buckets", "every", "buckets", "note"), [
    pytest.param(60, "1d", ["2025-03-06 00:00", "2025-03-07 00:00", "2025-03-08 00:00",
                            "2025-03-10 00:00"], "", id="a-bar-per-day"),
    pytest.param(2, "1w", ["2025-03-03 00:00", "2025-03-10 00:00"],
                 " (1w buckets: too many for one bar per 1d)", id="weeks"),
    pytest.param(1, "1mo", ["2025-03-01 00:00"],
                 " (1mo buckets: too many for one bar per 1d)", id="one-month"),
])
def test_label_shares_widen_buckets_when_too_many(max_buckets, every, buckets, note):
    arts = OUTLETS.with_columns(published_at=pl.Series([datetime(2025, 3, d, 9)
                                                        for d in (6, 7, 8, 10)]))
    chart = label_shares_chart(find_descriptors(SET), arts, "framing", every="1d",
                               sentences=SET, max_buckets=max_buckets)
    spec = chart.to_dict()
    assert sorted({r["published"] for r in chart_rows(chart)}) == buckets
    assert spec["title"] == f"framing: label shares over time{note}"
    assert spec["encoding"]["x"]["title"] == f"published ({every} buckets)"


def test_label_shares_in_wider_buckets_keep_the_first_example():
    chart = label_shares_chart(find_descriptors(SET), OUTLETS, "framing", every="1d",
                               sentences=SET, max_buckets=1)
    assert [(r["label"], r["n"], r["example"]) for r in chart_rows(chart)] == [
        ("ambush", 1, "Insurgents ambushed a convoy."),
        ("attack", 2, "Gunmen attacked a village."),
        ("clashes", 1, "Clashes erupted as security forces moved in."),
        ("massacre", 1, "Gunmen were blamed for the massacre.")]


@pytest.mark.parametrize(("max_groups", "groups", "title"), [
    pytest.param(3, ["A", "B", "C"], None, id="a-panel-per-group"),
    pytest.param(2, ["A", "B"], "The 2 of 3 groups with the most term uses (a panel each)",
                 id="busiest-groups"),
])
def test_distinctive_terms_chart_keeps_the_busiest_groups(max_groups, groups, title):
    table = pl.DataFrame({"outlet": ["A", "A", "B", "B", "C"], "term": ["x", "y", "x", "y", "x"],
                          "n": [5, 1, 3, 3, 2], "z": [1.0, -1.0, 0.5, 0.2, 0.1]})
    chart = distinctive_terms_chart(table, max_groups=max_groups)
    assert sorted({r["outlet"] for r in chart_rows(chart)}) == groups
    assert chart.to_dict().get("title") == title
