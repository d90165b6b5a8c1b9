"""Reading article sets: decoding, metadata, boilerplate, bad input, the seed set."""

import csv
import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from conftest import tree_digest, write_set

from tolldrift import ingest
from tolldrift.ingest import IngestError, Meta, SkipFile, decode, ingest_set, parse_text

DATA = Path(__file__).parent / "data"


# ------------------------------------------------------------------ decoding


@pytest.mark.parametrize(
    ("raw", "text", "codec"),
    [
        pytest.param(b"Ten killed.", "Ten killed.", "utf-8", id="utf8"),
        pytest.param(b"\xef\xbb\xbfTen killed.", "Ten killed.", "utf-8-sig", id="utf8-bom"),
        pytest.param(b"Ten\r\nkilled.\r\n", "Ten\r\nkilled.\r\n", "utf-8", id="crlf-kept"),
        pytest.param("Ten “killed”.".encode("cp1252"), "Ten “killed”.", "cp1252",
                     id="cp1252-smart-quotes"),
        pytest.param("Ten killed.".encode("utf-16"), "Ten killed.", "utf-16", id="utf16-bom"),
    ],
)
def test_decode(raw, text, codec):
    assert decode(raw) == (text, codec)
    assert raw.decode(codec) == text


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(b"  \n\t\r\n", "file holds only white space", id="whitespace"),
        pytest.param(b"PK\x03\x04\x00\x00binary", "binary file: NUL byte at offset 4",
                     id="nul-bytes"),
        pytest.param(b"\xef\xbb\xbfok \xff\xfe bad", "invalid UTF-8 at byte 6 although the file "
                     "starts with a UTF-8 byte-order mark", id="bom-then-invalid"),
        pytest.param(b"abc \x81\x8d", "invalid UTF-8 at byte 4, and not Windows-1252 either",
                     id="undefined-cp1252"),
        pytest.param(bytes(range(1, 32)) * 20, "binary file: 520 control characters in 620",
                     id="control-characters"),
    ],
)
def test_decode_rejects(raw, reason):
    with pytest.raises(SkipFile) as exc:
        decode(raw)
    assert str(exc.value) == reason


# ------------------------------------------------------------------ boilerplate


def _boilerplate_cases():
    path = DATA / "boilerplate_cases.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            if set(row) != {"line", "rule"}:
                raise ValueError(f"{path}, row {number}: expected columns line, rule")
            yield pytest.param(row["line"], row["rule"] or None, id=f"row{number}")


@pytest.mark.parametrize(("line", "rule"), list(_boilerplate_cases()))
def test_boilerplate_rules(line, rule):
    assert ingest.boilerplate_rules().match(line) == rule


# ------------------------------------------------------------------ metadata


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Floods Sweep the Delta\nBy Ana Ruiz, The Associated Press\nWater rose fast.",
            {"title": "Floods Sweep the Delta", "author": "Ana Ruiz", "outlet": "AP",
             "outlet_how": "text:byline_outlet", "author_how": "text:byline_outlet"},
            id="byline-with-outlet-alias"),
        pytest.param(
            "Water rose fast overnight.\n\nBy – Pavel",
            {"title": None, "author": "Pavel", "author_how": "text:byline"},
            id="byline-dash"),
        pytest.param(
            "Storm Hits Coast | Harbour Herald\n\nBy: kemal\n\nWinds tore roofs off.",
            {"title": "Storm Hits Coast", "author": "kemal", "title_how": "text:first_line"},
            id="title-site-suffix-and-byline-colon"),
        pytest.param(
            " date 2024-02-01 Delta Wire/ Floods killed nine people, officials said.",
            {"outlet": "Delta Wire", "outlet_how": "text:date_outlet_slash",
             "published_at": datetime(2024, 2, 1), "published_precision": "day"},
            id="date-and-outlet-slash"),
        pytest.param(
            "2025-03-08 06:01:00 Rescue crews reached the village at dawn.",
            {"published_at": datetime(2025, 3, 8, 6, 1), "published_precision": "second",
             "published_how": "text:bare_timestamp"},
            id="bare-timestamp"),
        pytest.param(
            "MOSUL, Iraq (Reuters) – A car bomb killed five people on Monday.",
            {"outlet": "Reuters", "outlet_how": "text:dateline_agency", "title": None},
            id="dateline-agency"),
        pytest.param(
            "Roads were closed.\n“Stay calm,” Harbour.Az reports, citing local media.",
            {"outlet": "Harbour.Az", "outlet_how": "text:reports_citing"},
            id="reports-citing"),
        pytest.param(
            "Roads were closed.\nStay updated by visiting Delta Times and Delta Today for more!",
            {"outlet": "Delta Times", "outlet_how": "text:visiting"},
            id="visiting-ad-line"),
        pytest.param(
            "Officials said the dam held, and nobody was reported hurt in the town.",
            {"outlet": None, "outlet_how": "none", "author": None, "title": None,
             "published_at": None},
            id="nothing-to-find"),
        pytest.param(
            "Bystanders were told by police to leave.\nHe was visiting relatives.",
            {"outlet": None, "author": None},
            id="by-and-visiting-in-prose-are-not-metadata"),
    ],
)
def test_metadata_inference(text, expected):
    meta = Meta()
    parse_text(text, meta)
    for field, value in expected.items():
        assert getattr(meta, field) == value, field


def test_prefix_is_cut_from_first_sentence():
    text = "LATAKIA, Syria (AP) – Clashes killed 12. More followed."
    meta = Meta()
    parsed = parse_text(text, meta)
    assert [text[s:e] for _, s, e, _ in parsed.sentences] == ["Clashes killed 12.",
                                                             "More followed."]
    assert [(text[s:e], rule) for _, s, e, rule in parsed.removed] == [
        ("LATAKIA, Syria (AP) – ", "dateline_agency")]


# ------------------------------------------------------------------ the seed set


def test_seed_set(seed_set):
    before = tree_digest(seed_set)
    result = ingest_set(seed_set)
    assert tree_digest(seed_set) == before
    a = result.articles
    assert a.height == 5
    assert a.get_column("outlet").to_list() == [
        "Caliber.Az", None, "Shafaq News", "ZTC News", "AP"]
    assert a.filter(pl.col("article") == "002_ff16c28f27aaeab9").get_column(
        "published_at").to_list() == [datetime(2025, 3, 7)]
    assert a.get_column("author").to_list() == [
        "Khagan Isayev", "Nikita", None, "fateh", "Omar Albam"]
    assert result.skips.height == 0
    removed = result.removed.filter(pl.col("article") == "001_379d34028e8dd8eb")
    assert removed.get_column("rule").to_list() == [
        "must_read", "byline", "advertisement", "more_articles", "leave_reply",
        "comment_prompt", "comment_prompt", "advertisement", "latest"]


@pytest.mark.parametrize("which", ["seed_set", "tiny_set"])
def test_sentence_offsets_slice_raw_files(which, request):
    folder = request.getfixturevalue(which)
    result = ingest_set(folder)
    joined = result.sentences.join(result.articles.select("article", "file", "format",
                                                          "encoding", "text"), on="article")
    assert joined.height == result.sentences.height > 0
    for row in joined.iter_rows(named=True):
        assert row["text_right"][row["start"]:row["end"]] == row["text"]
        if row["format"] == "txt":
            raw = (folder / row["file"]).read_bytes().decode(row["encoding"])
            assert raw[row["start"]:row["end"]] == row["text"]
        assert row["text"] == row["text"].strip()


def test_tiny_set_reads_every_format(tiny_set):
    result = ingest_set(tiny_set)
    a = result.articles
    assert a.select("article", "format", "encoding", "outlet", "outlet_how").rows() == [
        ("01-northwind", "txt", "utf-8-sig", "Northwind Wire", "manifest"),
        ("02-harbour-post", "html", "utf-8", "Harbour Post", "manifest"),
        ("03-wire-a", "jsonl", "utf-8", "Coastline Daily", "metadata"),
        ("03-wire-b", "jsonl", "utf-8", "Coastline Daily", "metadata"),
    ]
    assert a.get_column("published_at").to_list() == [
        datetime(2024, 5, 14, 8, 15), datetime(2024, 5, 15, 9, 30),
        datetime(2024, 5, 14, 18, 5), datetime(2024, 5, 16, 7, 40)]
    first = result.sentences.filter(pl.col("article") == "01-northwind")
    assert first.get_column("text").to_list()[0] == "Quake Hits Valmora Province, At Least 12 Dead"
    assert first.get_column("is_headline").to_list()[0] is True


# ------------------------------------------------------------------ bad input


GOOD = "Floods killed four people in the valley on Monday.\n"


@pytest.mark.parametrize(
    ("files", "skips", "articles"),
    [
        pytest.param({"a.txt": GOOD, "b.txt": b""}, [("b.txt", "empty file")], ["a"],
                     id="empty-file"),
        pytest.param({"a.txt": GOOD, "b.txt": b"\x00\x01\x02\x03"},
                     [("b.txt", "binary file: NUL byte at offset 0")], ["a"], id="binary-file"),
        pytest.param({"a.txt": GOOD, "b.txt": b"ok \x81\x8d"},
                     [("b.txt", "invalid UTF-8 at byte 3, and not Windows-1252 either")], ["a"],
                     id="invalid-bytes"),
        pytest.param({"a.txt": GOOD, "a.html": "<html><body><p>" + GOOD + "</p></body></html>"},
                     [("a.txt", "duplicate article id 'a': already read from a.html")], ["a"],
                     id="duplicate-article-id"),
        pytest.param({"a.txt": GOOD, "notes.docx": b"PK"},
                     [("notes.docx", ("unsupported file type '.docx'; expected one of "
                                      "['.htm', '.html', '.jsonl', '.parquet', '.txt']"))], ["a"],
                     id="unsupported-extension"),
        pytest.param({"a.txt": GOOD, "articles.csv": "article,outlet\na,Valley News\nz,Other\n"},
                     [("articles.csv", ("row for article 'z', but no such file in the set "
                                        "folder"))], ["a"], id="manifest-row-for-missing-file"),
        pytest.param({"a.txt": GOOD, "b.txt": GOOD, "articles.csv": "article,outlet\na,Vale\n"},
                     [("b.txt", ("not listed in articles.csv: read with metadata inferred from "
                                 "its text"))], ["a", "b"], id="file-absent-from-manifest"),
        pytest.param({"w.jsonl": json.dumps({"id": "x", "text": GOOD}) + "\n{broken\n"},
                     [("w.jsonl:2", ("invalid JSON: Expecting property name enclosed in double "
                                     "quotes at column 2"))], ["x"], id="jsonl-bad-line"),
        pytest.param({"w.jsonl": json.dumps({"id": "x", "title": "no body"}) + "\n"
                      + json.dumps({"id": "y", "text": GOOD}) + "\n"},
                     [("w.jsonl:1", "no text field (one of text, body, content, article_text)")],
                     ["y"], id="jsonl-no-text"),
    ],
)
def test_bad_files_are_skipped_and_recorded(tmp_path, files, skips, articles):
    folder = write_set(tmp_path / "set", files)
    before = tree_digest(folder)
    result = ingest_set(folder)
    assert result.skips.rows() == sorted(skips)
    assert result.articles.get_column("article").to_list() == articles
    assert tree_digest(folder) == before


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param({}, "the set folder holds no article files", id="empty-set-folder"),
        pytest.param({"gold.jsonl": "{}\n"}, "the set folder holds no article files",
                     id="only-gold"),
        pytest.param({"a.txt": b""}, "no readable article: a.txt: empty file",
                     id="nothing-readable"),
        pytest.param({"a.txt": GOOD, "articles.csv": "outlet\nX\n"},
                     "articles.csv: header must include 'article'", id="manifest-no-article"),
        pytest.param({"a.txt": GOOD, "articles.csv": "article,published\na,7 March\n"},
                     "articles.csv, row 2: unrecognised date '7 March'",
                     id="manifest-bad-date"),
        pytest.param({"a.txt": GOOD, "articles.csv": "article,colour\na,red\n"},
                     "articles.csv: unknown column(s) ['colour']", id="manifest-extra-column"),
        pytest.param({"a.txt": GOOD, "articles.csv": "article\na\na\n"},
                     "articles.csv, row 3: article 'a' listed twice",
                     id="manifest-duplicate-row"),
    ],
)
def test_set_level_errors_name_the_file(tmp_path, files, message):
    folder = write_set(tmp_path / "set", files)
    with pytest.raises(IngestError) as exc:
        ingest_set(folder)
    assert message in str(exc.value)
    assert str(folder) in str(exc.value)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("no-such-set", "unknown set 'no-such-set'", id="unknown-set"),
        pytest.param("../etc", "set name '../etc' is not valid", id="path-in-name"),
    ],
)
def test_set_name_errors(tmp_path, name, message):
    with pytest.raises(IngestError, match=message.replace(".", r"\.")):
        ingest.check_set_name(name, tmp_path)
