"""Bad input: every kind of broken or odd raw file gives a recorded skip or a clear
error naming the file, never a traceback, and leaves the raw files byte-identical.

Every case's bytes are generated here from the tables below; nothing binary is
committed. Choices the tables pin down:

* The same text under two ids is read twice, without a note: two outlets carrying
  the same wire copy are two reports, and de-duplication is a later, visible step.
* A symbolic link is never followed (its target may lie outside the set folder);
  it is skipped with a reason. Sub-folders and hidden files are not part of a set.
* A text longer than `MAX_TEXT_CHARS`, or with a line longer than `MAX_LINE_CHARS`,
  is not an article: it is skipped before any per-line work.
"""

import json
import time
from pathlib import Path

import polars as pl
import pytest
import yaml
from conftest import tree_digest, write_set

from tolldrift import ingest
from tolldrift.ingest import IngestError, ingest_set
from tolldrift.sets import ParamsError, SetConfig, load_sets

OK = "Floods killed four people in the valley on Monday.\n"
PAGE = "<html><head><title>Valley floods</title></head><body><article><p>{}</p></article>" \
       "</body></html>"
BODY = ("Floods killed four people in the valley on Monday, officials said. Rescue teams "
        "searched the riverbanks through the night for two people still missing.")


def _jsonl(*rows) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)


def _read(folder: Path):
    """ingest_set with the raw files hashed before and after."""
    before = tree_digest(folder)
    result = ingest_set(folder)
    assert tree_digest(folder) == before
    return result


def _check_offsets(result) -> None:
    texts = dict(result.articles.select("article", "text").iter_rows())
    for row in result.sentences.iter_rows(named=True):
        assert texts[row["article"]][row["start"]:row["end"]] == row["text"]


# Each case is read beside ok.txt; `articles` lists (article, format, encoding,
# sentences) of every article read, ok.txt included.
OK_ROW = ("ok", "txt", "utf-8", 1)
SKIPPED = [
    pytest.param({"b.txt": b""}, [("b.txt", "empty file")], id="empty"),
    pytest.param({"b.txt": b" \t\r\n\n  "}, [("b.txt", "file holds only white space")],
                 id="whitespace-only"),
    pytest.param({"b.txt": b"\xef\xbb\xbf"}, [("b.txt", "file holds only white space")],
                 id="utf8-bom-only"),
    pytest.param({"b.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
                 [("b.txt", "binary file: NUL byte at offset 8")], id="png-magic"),
    pytest.param({"b.txt": b"PK\x03\x04\x14\x00\x00\x00\x08\x00"},
                 [("b.txt", "binary file: NUL byte at offset 5")], id="zip-magic"),
    pytest.param({"b.txt": b"Ten killed.\x00\x00 More."},
                 [("b.txt", "binary file: NUL byte at offset 11")], id="nul-bytes"),
    pytest.param({"b.txt": b"Ten killed \x81\x8d there."},
                 [("b.txt", "invalid UTF-8 at byte 11, and not Windows-1252 either")],
                 id="invalid-utf8-not-cp1252"),
    pytest.param({"b.txt": b"\xef\xbb\xbfTen \xe9 killed."},
                 [("b.txt", ("invalid UTF-8 at byte 7 although the file starts with a UTF-8 "
                            "byte-order mark"))], id="utf8-bom-then-latin1"),
    pytest.param({"b.txt": b"\xff\xfeT\x00e\x00n"},
                 [("b.txt", "invalid UTF-16 after its byte-order mark at byte 6")],
                 id="utf16-bom-odd-length"),
    pytest.param({"b.txt": bytes(range(1, 9)) * 30 + b"Ten killed."},
                 [("b.txt", "binary file: 240 control characters in 251")],
                 id="control-characters-many"),
    pytest.param({"b.txt": lambda: b"7" * (1 << 20)},
                 [("b.txt", "text is longer than 1000000 characters")], id="megabyte-of-digits"),
    pytest.param({"b.txt": lambda: "Title\n" + OK + "x" * 100_001 + "\n"},
                 [("b.txt", "line 3 is longer than 100000 characters")], id="line-too-long"),
    pytest.param({"b.txt": "Ten killed.\r" + "y" * 100_001},
                 [("b.txt", "line 2 is longer than 100000 characters")],
                 id="line-too-long-after-lone-cr"),
    pytest.param({"b.pdf": b"%PDF-1.7"},
                 [("b.pdf", ("unsupported file type '.pdf'; expected one of "
                            "['.htm', '.html', '.jsonl', '.parquet', '.txt']"))], id="unsupported-suffix"),
    pytest.param({"noext": OK},
                 [("noext", ("unsupported file type '(none)'; expected one of "
                            "['.htm', '.html', '.jsonl', '.parquet', '.txt']"))], id="no-suffix"),
    pytest.param({"ok.htm": PAGE.format(BODY)},
                 [("ok.txt", "duplicate article id 'ok': already read from ok.htm")],
                 id="duplicate-stem"),
    pytest.param({"w.jsonl": _jsonl({"id": "ok", "text": BODY})},
                 [("w.jsonl:1", "duplicate article id 'ok': already read from ok.txt")],
                 id="jsonl-id-collides-with-file"),
    pytest.param({"a\nb.txt": OK},
                 [("a\nb.txt", ("file name unusable: article id 'a\\nb' holds control "
                               "characters"))], id="file-name-with-newline"),
    pytest.param({"b.html": "<html><body><div></div><script>var t = 1;</script></body></html>"},
                 [("b.html", "no article text found in the HTML page")], id="html-no-body-text"),
    pytest.param({"b.html": lambda: "<html><body>" + "<div>" * 10_000 + "<p>" + BODY + "</p>"
                  + "</div>" * 10_000 + "</body></html>"},
                 [("b.html", ("no article text found in the HTML page: elements nested "
                             "deeper than the parser's limit of 255"))], id="html-nested-10k"),
    pytest.param({"b.html": lambda: "<html><body><div>" * 10_000},
                 [("b.html", ("no article text found in the HTML page: elements nested "
                             "deeper than the parser's limit of 255"))], id="html-unclosed-10k"),
    pytest.param({"b.html": b"\x89PNG\r\n\x1a\n\x00\x00"},
                 [("b.html", "binary file: NUL byte at offset 8")], id="html-binary"),
    pytest.param({"b.html": OK}, [("b.html", "no article text found in the HTML page")],
                 id="html-suffix-plain-text"),
    pytest.param({"w.jsonl": _jsonl({"id": "x", "text": BODY}, "{broken")},
                 [("w.jsonl:2", ("invalid JSON: Expecting property name enclosed in double "
                                "quotes at column 2"))], id="jsonl-one-bad-line"),
    pytest.param({"w.jsonl": _jsonl("[1, 2]", '"text"', "3", "null", {"id": "x", "text": BODY})},
                 [("w.jsonl:1", "line is not a JSON object"),
                  ("w.jsonl:2", "line is not a JSON object"),
                  ("w.jsonl:3", "line is not a JSON object"),
                  ("w.jsonl:4", "line is not a JSON object")], id="jsonl-non-object-lines"),
    pytest.param({"w.jsonl": _jsonl({"id": 2.5, "text": BODY}, {"id": True, "text": BODY},
                                    {"id": ["x"], "text": BODY}, {"id": "x", "text": BODY})},
                 [("w.jsonl:1", "article id must be a string or an integer, not float"),
                  ("w.jsonl:2", "article id must be a string or an integer, not bool"),
                  ("w.jsonl:3", "article id must be a string or an integer, not list")],
                 id="jsonl-id-wrong-type"),
    pytest.param({"w.jsonl": _jsonl({"id": "a\tb", "text": BODY}, {"id": "x" * 201, "text": BODY},
                                    {"id": "x", "text": BODY})},
                 [("w.jsonl:1", "article id 'a\\tb' holds control characters"),
                  ("w.jsonl:2", "article id is longer than 200 characters")],
                 id="jsonl-id-unusable"),
    pytest.param({"w.jsonl": "\n\n   \n\r\n"}, [("w.jsonl", "file holds only white space")],
                 id="jsonl-empty-lines-only"),
    pytest.param({"w.jsonl": _jsonl("[" * 100_000 + "]" * 100_000, {"id": "x", "text": BODY})},
                 [("w.jsonl:1", "invalid JSON: nested too deeply")], id="jsonl-nested-100k"),
    pytest.param({"w.jsonl": _jsonl('{"id": "s", "text": "Ten \\ud800 killed."}',
                                    {"id": "x", "text": BODY})},
                 [("w.jsonl:1", ("invalid JSON: a string escapes a lone surrogate "
                                "(\\ud800-\\udfff)"))], id="jsonl-lone-surrogate"),
    pytest.param({"w.jsonl": _jsonl('{"id": ' + "9" * 5000 + ', "text": "Ten killed."}',
                                    {"id": "x", "text": BODY})},
                 [("w.jsonl:1", ("invalid JSON: Exceeds the limit (4300 digits) for integer "
                                "string conversion: value has 5000 digits; use "
                                "sys.set_int_max_str_digits() to increase the limit"))],
                 id="jsonl-huge-integer"),
    pytest.param({"w.jsonl": _jsonl({"id": "x", "text": 7}, {"id": "y", "body": "  "},
                                    {"id": "z", "content": BODY})},
                 [("w.jsonl:1", "no text field (one of text, body, content, article_text)"),
                  ("w.jsonl:2", "no text field (one of text, body, content, article_text)")],
                 id="jsonl-text-missing-or-not-a-string"),
]


@pytest.mark.parametrize(("files", "skips"), SKIPPED)
def test_bad_file_is_skipped_with_its_reason(tmp_path, files, skips):
    result = _read(write_set(tmp_path / "set", {"ok.txt": OK, **files}))
    assert result.skips.rows() == sorted(skips)
    read = result.articles.get_column("article").to_list()
    assert "ok" in read
    assert not {f for f, _ in skips} & set(result.articles.get_column("file").to_list())
    _check_offsets(result)


READ = [
    pytest.param({"b.txt": "Café in Hama: ten killed.".encode("latin-1")},
                 [("b", "txt", "cp1252", 1)], "Café in Hama: ten killed.", id="latin1"),
    pytest.param({"b.txt": "“Ten” killed — ‘officials’ said.".encode("cp1252")},
                 [("b", "txt", "cp1252", 1)], "“Ten” killed — ‘officials’ said.",
                 id="cp1252-smart-quotes"),
    pytest.param({"b.txt": OK.encode("utf-16")}, [("b", "txt", "utf-16", 1)], OK,
                 id="utf16-le-bom"),
    pytest.param({"b.txt": b"\xfe\xff" + OK.encode("utf-16-be")}, [("b", "txt", "utf-16", 1)],
                 OK, id="utf16-be-bom"),
    pytest.param({"b.txt": OK.encode("utf-16-le")}, [("b", "txt", "utf-16-le", 1)], OK,
                 id="utf16-le-no-bom"),
    pytest.param({"b.txt": OK.encode("utf-16-be")}, [("b", "txt", "utf-16-be", 1)], OK,
                 id="utf16-be-no-bom"),
    pytest.param({"b.txt": b"\xef\xbb\xbfValley Floods\r\nTen killed. Two missing.\r\n"},
                 [("b", "txt", "utf-8-sig", 3)], "Valley Floods\r\nTen killed. Two missing.\r\n",
                 id="utf8-bom-crlf"),
    pytest.param({"b.txt": "Valley Floods\rTen killed.\rTwo missing."},
                 [("b", "txt", "utf-8", 3)], None, id="lone-cr"),
    pytest.param({"b.txt": "Valley Floods\r\nTen killed.\nTwo missing.\rFour hurt.\n"},
                 [("b", "txt", "utf-8", 4)], None, id="mixed-line-ends"),
    pytest.param({"b.txt": "Floods Sweep the Valley"}, [("b", "txt", "utf-8", 1)], None,
                 id="headline-no-body"),
    pytest.param({"b.txt": BODY}, [("b", "txt", "utf-8", 2)], None, id="body-no-headline"),
    pytest.param({"b.txt": "Advertisement\nRead more\nShare this:\n"}, [("b", "txt", "utf-8", 0)],
                 None, id="only-boilerplate"),
    pytest.param({"b.txt": OK}, [("b", "txt", "utf-8", 1)], OK, id="same-text-two-ids"),
    pytest.param({"ein Bericht é.txt": OK, "تقرير.txt": BODY},
                 [("ein Bericht é", "txt", "utf-8", 1), ("تقرير", "txt", "utf-8", 2)], None,
                 id="names-with-spaces-and-unicode"),
    pytest.param({"B.TXT": OK}, [("B", "txt", "utf-8", 1)], OK, id="upper-case-suffix"),
    pytest.param({"b.txt": "Ten " + "x" * 60_000 + " killed. Ten more " + "y" * 30_000 + "."},
                 [("b", "txt", "utf-8", 2)], None, id="extremely-long-words"),
    pytest.param({"b.txt": "قتل أربعة أشخاص في الوادي يوم الاثنين. وفقد اثنان آخران."},
                 [("b", "txt", "utf-8", 1)], None, id="rtl-arabic-only"),
    pytest.param({"b.txt": "🌊🌊 Floods killed 4 😢 people. 🙏 Two missing."},
                 [("b", "txt", "utf-8", 1)], None, id="emoji"),
    pytest.param({"b.txt": "Floods\u200b killed\u200d four\ufeff people.\u200e Two missing."},
                 [("b", "txt", "utf-8", 1)], None, id="zero-width-characters"),
    pytest.param({"b.txt": "Floods \x01killed\x07 four \x1b[0mpeople.\x0b\x0c\x85 Two missing."},
                 [("b", "txt", "utf-8", 2)], None, id="control-characters-few"),
    pytest.param({"b.txt": "Ten killed." + " " * 90_000 + "Two missing."},
                 [("b", "txt", "utf-8", 2)], None, id="long-white-space-run"),
    pytest.param({"b.txt": "x" + "." * 90_000 + " Two missing."}, [("b", "txt", "utf-8", 2)],
                 None, id="long-punctuation-run"),
    pytest.param({"b.txt": "Ten killed. " + "A-" * 45_000 + " reports, citing officials."},
                 [("b", "txt", "utf-8", 2)], None, id="long-hyphenated-token"),
    pytest.param({"b.html": PAGE.format(BODY).encode("cp1252").replace(b"Floods", b"\x93Floods")},
                 [("b", "html", "cp1252", 2)], None, id="html-cp1252"),
    pytest.param({"w.jsonl": b"\xef\xbb\xbf" + _jsonl({"id": 7, "text": BODY}).encode()},
                 [("7", "jsonl", "utf-8-sig", 2)], BODY, id="jsonl-bom-numeric-id"),
    pytest.param({"w.jsonl": _jsonl({"id": "u", "text": "Ten killed.\u2028Two missing."})
                  .replace("\n", "\r\n")},
                 [("u", "jsonl", "utf-8", 2)], "Ten killed.\u2028Two missing.",
                 id="jsonl-line-separator-in-string-and-crlf"),
    pytest.param({"w.jsonl": _jsonl({"id": "", "text": BODY}, {"id": "  ", "text": OK})},
                 [("w-1", "jsonl", "utf-8", 2), ("w-2", "jsonl", "utf-8", 1)], None,
                 id="jsonl-blank-ids-take-line-numbers"),
    pytest.param({"w.jsonl": _jsonl({"id": "m", "text": BODY, "outlet": {"name": "X"},
                                     "author": ["A. Ruiz", "B. Kim"], "title": 12})},
                 [("m", "jsonl", "utf-8", 2)], None, id="jsonl-metadata-odd-types"),
]


@pytest.mark.parametrize(("files", "articles", "text"), READ)
def test_odd_file_is_read(tmp_path, files, articles, text):
    result = _read(write_set(tmp_path / "set", {"ok.txt": OK, **files}))
    assert result.skips.rows() == []
    counts = result.sentences.group_by("article").len()
    rows = result.articles.join(counts, on="article", how="left").with_columns(
        pl.col("len").fill_null(0)).select("article", "format", "encoding", "len").rows()
    assert sorted(rows) == sorted([OK_ROW, *articles])
    if text is not None:
        assert result.articles.filter(pl.col("article") == articles[0][0]).item(
            0, "text") == text
    _check_offsets(result)


def test_jsonl_odd_metadata_types_are_ignored_or_joined(tmp_path):
    files = {"w.jsonl": _jsonl({"id": "m", "text": BODY, "outlet": {"name": "X"},
                                "author": ["A. Ruiz", "B. Kim"], "title": 12})}
    row = _read(write_set(tmp_path / "set", files)).articles.row(0, named=True)
    assert (row["outlet"], row["author"], row["title"]) == (None, "A. Ruiz, B. Kim", "12")


def test_jsonl_bad_date_is_noted_and_the_article_read(tmp_path):
    files = {"w.jsonl": _jsonl({"id": "x", "text": BODY, "published": "2024-02-30"})}
    result = _read(write_set(tmp_path / "set", files))
    assert result.skips.rows() == [("w.jsonl:1", ("published ignored: unrecognised date "
                                    "'2024-02-30' (expected YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS])"))]
    assert result.articles.select("article", "published_at").rows() == [("x", None)]


def test_html_script_iframe_and_noscript_never_reach_the_text(tmp_path):
    page = ("<html><head><script>var toll = 'SCRIPT 99 killed';</script><style>.x{}</style>"
            "</head><body><article><p>" + BODY + "</p><script>document.write('SCRIPT 5')"
            "</script><iframe src='ad.html'>IFRAME 7 killed</iframe><noscript>NOSCRIPT 8"
            "</noscript></article></body></html>")
    result = _read(write_set(tmp_path / "set", {"b.html": page}))
    assert result.articles.item(0, "text") == BODY
    assert result.sentences.get_column("text").to_list() == [
        "Floods killed four people in the valley on Monday, officials said.",
        "Rescue teams searched the riverbanks through the night for two people still missing."]


def test_fifty_megabyte_single_line_is_skipped_fast(tmp_path):
    folder = write_set(tmp_path / "set", {"ok.txt": OK})
    with (folder / "big.txt").open("wb") as fh:
        chunk = b"Floods killed four people. " * 40_000
        for _ in range(50_000_000 // len(chunk) + 1):
            fh.write(chunk)
    started = time.perf_counter()
    result = _read(folder)
    assert time.perf_counter() - started < 10
    assert result.skips.rows() == [("big.txt", "text is longer than 1000000 characters")]
    assert result.articles.get_column("article").to_list() == ["ok"]


def test_long_pathological_lines_parse_in_linear_time():
    """Lines just under the limit that once took minutes (quadratic patterns)."""
    for line in ["x" + " " * 99_990 + "y", "x" + "." * 99_990, "x" + "!?" * 49_990,
                 "A-" * 49_990, ("A" * 39 + " ") * 2_499]:
        started = time.perf_counter()
        ingest.parse_text(line, ingest.Meta())
        assert time.perf_counter() - started < 5, line[:20]


def test_symlink_subfolder_and_hidden_files(tmp_path):
    outside = write_set(tmp_path / "elsewhere", {"secret.txt": "Outside text, never read."})
    folder = write_set(tmp_path / "set", {"ok.txt": OK, ".hidden.txt": OK, ".DS_Store": b"\x00"})
    write_set(folder / "sub", {"inner.txt": BODY})
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    result = _read(folder)
    assert result.skips.rows() == [
        ("dangling.txt", "symbolic link: only regular files in the set folder are read"),
        ("link.txt", "symbolic link: only regular files in the set folder are read")]
    assert result.articles.get_column("article").to_list() == ["ok"]


MANIFEST_ERRORS = [
    pytest.param("article,outlet\nok,Caf\xe9\n".encode("latin-1"),
                 "articles.csv: not UTF-8 (byte 21)", id="manifest-not-utf8"),
    pytest.param(b"\x89PNG\r\n\x1a\n", "articles.csv: not UTF-8 (byte 0)",
                 id="manifest-binary"),
    pytest.param("", "articles.csv: header must include 'article' (found [])",
                 id="manifest-empty"),
    pytest.param("ok,Valley News\n",
                 "articles.csv: header must include 'article' (found ['ok', 'Valley News'])",
                 id="manifest-missing-header"),
    pytest.param("article,outlet,colour\nok,Valley News,red\n",
                 "articles.csv: unknown column(s) ['colour']; allowed: ['article', 'outlet', "
                 "'author', 'published', 'url', 'title']", id="manifest-extra-column"),
    pytest.param("article,outlet,outlet\nok,A,B\n",
                 "articles.csv: column(s) ['outlet'] appear more than once in the header",
                 id="manifest-duplicate-column"),
    pytest.param("article,outlet\nok,Valley News,extra\n",
                 "articles.csv, row 2: more fields than the header has",
                 id="manifest-row-too-long"),
    pytest.param("article,outlet\n,Valley News\n", "articles.csv, row 2: empty 'article'",
                 id="manifest-empty-id"),
    pytest.param("article,published\nok,2024-02-30\n",
                 "articles.csv, row 2: unrecognised date '2024-02-30' (expected YYYY-MM-DD or "
                 "YYYY-MM-DD HH:MM[:SS])", id="manifest-bad-date"),
    pytest.param("article,published\nok,07/03/2025\n",
                 "articles.csv, row 2: unrecognised date '07/03/2025' (expected YYYY-MM-DD or "
                 "YYYY-MM-DD HH:MM[:SS])",
                 id="manifest-date-day-first"),
    pytest.param("article\nok\nok\n", "articles.csv, row 3: article 'ok' listed twice",
                 id="manifest-duplicate-row"),
]


@pytest.mark.parametrize(("manifest", "message"), MANIFEST_ERRORS)
def test_manifest_errors_name_the_file_and_row(tmp_path, manifest, message):
    folder = write_set(tmp_path / "set", {"ok.txt": OK, "articles.csv": manifest})
    before = tree_digest(folder)
    with pytest.raises(IngestError) as exc:
        ingest_set(folder)
    assert str(exc.value) == f"{folder}/{message}"
    assert tree_digest(folder) == before


@pytest.mark.parametrize(
    ("manifest", "skips", "outlet"),
    [
        pytest.param("\ufeffarticle,outlet\nok,Valley News\n", [], "Valley News",
                     id="manifest-bom"),
        pytest.param('article,outlet,title\nok,"Valley News, Evening","Floods, again"\n', [],
                     "Valley News, Evening", id="manifest-quoted-commas"),
        pytest.param("article,outlet\r\nok,Valley News\r\n", [], "Valley News",
                     id="manifest-crlf"),
        pytest.param("article,outlet\nOK,Valley News\n",
                     [("articles.csv", ("row for article 'OK', but no such file in the set "
                                       "folder")),
                      ("ok.txt", ("not listed in articles.csv: read with metadata inferred "
                                 "from its text"))], None, id="manifest-id-case-mismatch"),
        pytest.param("article,outlet\nok,Valley News\nother,Hill Times\n",
                     [("articles.csv", ("row for article 'other', but no such file in the set "
                                       "folder"))], "Valley News", id="manifest-extra-row"),
    ],
)
def test_manifest_quirks_are_read(tmp_path, manifest, skips, outlet):
    result = _read(write_set(tmp_path / "set", {"ok.txt": OK, "articles.csv": manifest}))
    assert result.skips.rows() == skips
    assert result.articles.item(0, "outlet") == outlet


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param({"a.txt": b"", "b.html": "<html></html>", "c.jsonl": "[1]\n"},
                     "no readable article: a.txt: empty file; b.html: no article text found "
                     "in the HTML page; c.jsonl:1: line is not a JSON object",
                     id="nothing-readable"),
        pytest.param({"notes.md": "# notes"}, "no readable article: notes.md: unsupported file "
                     "type '.md'", id="only-unsupported"),
        pytest.param({".hidden.txt": OK}, "the set folder holds no article files",
                     id="only-hidden"),
    ],
)
def test_set_without_articles_is_an_error(tmp_path, files, message):
    folder = write_set(tmp_path / "set", files)
    with pytest.raises(IngestError) as exc:
        ingest_set(folder)
    assert message in str(exc.value)
    assert str(folder) in str(exc.value)


def test_unknown_set_and_set_that_is_a_file(tmp_path):
    with pytest.raises(IngestError, match="unknown set 'nope'"):
        ingest.check_set_name("nope", tmp_path)
    (tmp_path / "afile").write_text(OK)
    with pytest.raises(IngestError, match="afile: no such set folder"):
        ingest_set(tmp_path / "afile")


# ------------------------------------------------------------------ params.yaml


def _params(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "params.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_load_sets_reads_dates_strings_and_nulls(tmp_path):
    path = _params(tmp_path, "other_stage: {x: 1}\nsets:\n  quake-2024:\n    title: Quake\n"
                             "    start: 2024-05-14\n    end: '2024-05-16'\n"
                             "  bare:\n  open-set:\n    start: null\n")
    import datetime as dt

    assert load_sets(path) == {
        "quake-2024": SetConfig("quake-2024", "Quake", dt.date(2024, 5, 14),
                                dt.date(2024, 5, 16)),
        "bare": SetConfig("bare", "bare", None, None),
        "open-set": SetConfig("open-set", "open-set", None, None),
    }


def test_load_sets_reads_the_project_params(seed_set):
    sets = load_sets(seed_set.parent.parent.parent / "params.yaml")
    assert {"syria-coast-2025-03", "valmora-quake-2024-05"} <= set(sets)


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        pytest.param("- a\n- b\n", None, "must be a mapping at the top level", id="top-list"),
        pytest.param("sets: [a, b]\n", "sets", "must be a non-empty mapping of set name to "
                     "settings", id="sets-not-mapping"),
        pytest.param("sets: {}\n", "sets", "must be a non-empty mapping of set name to "
                     "settings", id="sets-empty"),
        pytest.param("x: 1\n", "sets", "must be a non-empty mapping of set name to settings",
                     id="sets-missing"),
        pytest.param("sets:\n  s: [1]\n", "sets.s", "must be a mapping of title, start, end, "
                     "not list", id="set-not-mapping"),
        pytest.param("sets:\n  s: {start: 7 March}\n", "sets.s.start",
                     "must be a date written YYYY-MM-DD or null, not '7 March'", id="bad-date"),
        pytest.param("sets:\n  s: {start: '2024-02-30'}\n", "sets.s.start",
                     "'2024-02-30' is not a date: day is out of range for month",
                     id="impossible-date"),
        pytest.param("sets:\n  s: {end: 20240514}\n", "sets.s.end",
                     "must be a date written YYYY-MM-DD or null, not 20240514",
                     id="date-as-number"),
        pytest.param("sets:\n  s: {start: 2024-05-14 10:00:00}\n", "sets.s.start",
                     "must be a date (YYYY-MM-DD), not a date-time 2024-05-14 10:00:00",
                     id="date-time"),
        pytest.param("sets:\n  s: {start: 2024-05-16, end: 2024-05-14}\n", "sets.s.end",
                     "2024-05-14 is before start 2024-05-16", id="end-before-start"),
        pytest.param("sets:\n  s: {title: T, colour: red}\n", "sets.s.colour",
                     "unknown key; allowed: title, start, end", id="unknown-key"),
        pytest.param("sets:\n  s: {title: 12}\n", "sets.s.title",
                     "must be a non-empty string, not 12", id="title-not-string"),
        pytest.param("sets:\n  s: {title: ''}\n", "sets.s.title",
                     "must be a non-empty string, not ''", id="title-empty"),
        pytest.param("sets:\n  Bad Name: {}\n", "sets.Bad Name", "set name must be lower-case "
                     "letters, digits, '.', '_' or '-' (it names a folder)", id="name-spaces"),
        pytest.param("sets:\n  ../up: {}\n", "sets.../up", "set name must be lower-case "
                     "letters, digits, '.', '_' or '-' (it names a folder)", id="name-path"),
        pytest.param("sets:\n  12: {}\n", "sets.12", "set name must be lower-case letters, "
                     "digits, '.', '_' or '-' (it names a folder)", id="name-not-string"),
        pytest.param(b"sets:\n  s: {title: Caf\xe9}\n", None, "not UTF-8 (byte 22)",
                     id="not-utf8"),
    ],
)
def test_load_sets_errors_name_file_and_key(tmp_path, text, key, reason):
    path = _params(tmp_path, text)
    with pytest.raises(ParamsError) as exc:
        load_sets(path)
    where = str(path) + (f", key {key!r}" if key else "")
    assert str(exc.value) == f"{where}: {reason}"
    assert isinstance(exc.value, ValueError)


def test_load_sets_invalid_yaml_and_missing_file(tmp_path):
    with pytest.raises(ParamsError, match="params.yaml: not valid YAML"):
        load_sets(_params(tmp_path, "sets: {a: [\n"))
    with pytest.raises(ParamsError, match="nope.yaml: file not found"):
        load_sets(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("sets", "folders", "message"),
    [
        pytest.param({"a-set": {"title": "A"}}, ["a-set"], None, id="known-set"),
        pytest.param({"a-set": {"title": "A"}, "b-set": {"title": "B"}}, ["a-set"],
                     "key 'sets.b-set': unknown set", id="unknown-set"),
    ],
)
def test_sets_check_names_unknown_sets(tmp_path, sets, folders, message):
    from tolldrift.sets import ParamsError, check

    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump({"sets": sets}), encoding="utf-8")
    for name in folders:
        (tmp_path / "raw" / name).mkdir(parents=True)
    if message is None:
        assert check(params, tmp_path / "raw") == list(sets)
    else:
        with pytest.raises(ParamsError, match=message):
            check(params, tmp_path / "raw")
