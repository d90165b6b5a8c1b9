"""Reading one article set: raw files -> articles, sentences, removed lines, skips.

Raw files are only ever read. A problem that stops the whole set (no such set, an
empty folder, a malformed manifest) raises `IngestError` naming the file and the
reason; a problem with one file (empty, binary, undecodable, duplicate id) skips
that file and is recorded in the `skips` table shown in the ingest report.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import polars as pl

from tolldrift import schema
from tolldrift.lexicon import RuleError, compile_pattern, load_rules, rules_path
from tolldrift.text import has_final_punctuation, lines, split_sentences, word_count

NUL = b"\x00"
# Size limits: a news article is far below them; anything above is not prose and is
# skipped before any per-line work (keeps every set readable in seconds).
MAX_TEXT_CHARS = 1_000_000
MAX_LINE_CHARS = 100_000
MAX_HTML_CHARS = 20_000_000
MAX_ID_CHARS = 200
# Elements whose content a reader never sees as article text.
HTML_PRUNE = ("//script", "//style", "//noscript", "//iframe", "//template", "//object",
              "//embed", "//svg", "//canvas")
_CONTROL_BYTES = bytes(c for c in range(32) if chr(c) not in "\t\n\r\f\v")
_CONTROL_CHARS = re.compile("[" + re.escape(_CONTROL_BYTES.decode("ascii")) + "]")
_LONG_LINE = re.compile(rf"(?<![^\r\n])[^\r\n]{{{MAX_LINE_CHARS + 1}}}")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LONG_TOKEN = re.compile(r"(?<!\S)\S{40,}")
ARTICLE_SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl",
                    ".parquet": "parquet"}
# A parquet file of articles is read this many rows at a time.
PARQUET_READ_ROWS = 2_000
RESERVED_FILES = {"articles.csv", "gold.jsonl", "descriptors.yaml"}
MANIFEST = "articles.csv"
MANIFEST_COLUMNS = ("article", "outlet", "author", "published", "url", "title")
SET_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,80}$")
JSONL_TEXT_FIELDS = ("text", "body", "content", "article_text")
JSONL_FIELDS = {
    "article": ("article", "id", "article_id"),
    "outlet": ("outlet", "source", "site", "sitename", "publisher"),
    "author": ("author", "authors", "byline"),
    "published": ("published", "published_at", "date", "datetime", "pubdate"),
    "url": ("url", "link"),
    "title": ("title", "headline"),
}


class IngestError(ValueError):
    """The set cannot be read; the message names the file and the reason."""


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class MetadataRules:
    prefix: tuple[tuple[str, re.Pattern], ...]
    line: tuple[tuple[str, re.Pattern], ...]
    later_line: tuple[tuple[str, re.Pattern], ...]
    anywhere: tuple[tuple[str, re.Pattern], ...]
    title_max_words: int
    site_suffix: re.Pattern
    timezones: dict[str, float]
    aliases: dict[str, str]


@dataclass(frozen=True)
class BoilerplateRules:
    rules: tuple[tuple[str, re.Pattern], ...]

    @functools.cached_property
    def _either(self) -> re.Pattern:
        """All rules as one alternation, tried in order: the first rule that matches
        the whole line wins, as when trying them one by one, in one regex call."""
        return re.compile("|".join(f"(?P<r{i}>{p.pattern})"
                                   for i, (_, p) in enumerate(self.rules)), re.IGNORECASE)

    def match(self, line: str) -> str | None:
        m = self._either.fullmatch(line.strip())
        return self.rules[int(m.lastgroup[1:])][0] if m else None


_PART_REF = re.compile(r"\{([a-z_]+)\}")


def _expand(pattern: str, parts: dict[str, str], file: Path, key: str) -> str:
    """`pattern` with every `{part}` replaced by `(?:part)`; RuleError for an unknown part."""
    def sub(m: re.Match) -> str:
        if m.group(1) not in parts:
            raise RuleError(file, key, f"unknown part {{{m.group(1)}}}")
        return f"(?:{parts[m.group(1)]})"
    return _PART_REF.sub(sub, pattern)


def _pattern_section(data: dict, key: str, file: Path, flags: int = 0,
                     parts: dict[str, str] | None = None, optional: bool = False):
    section = data.get(key)
    if optional and section is None:
        return ()
    if not isinstance(section, dict) or not section:
        raise RuleError(file, key, "must be a non-empty mapping of rule name to pattern")
    out = []
    for name, pattern in section.items():
        if not isinstance(pattern, str):
            raise RuleError(file, f"{key}.{name}", "pattern must be a string")
        pattern = _expand(pattern, parts or {}, file, f"{key}.{name}")
        out.append((str(name), compile_pattern(pattern, file, f"{key}.{name}", flags)))
    return tuple(out)


def _parts(data: dict, file: Path) -> dict[str, str]:
    """The `parts` section, each part expanded with the parts defined before it."""
    section = data.get("parts", {})
    if not isinstance(section, dict):
        raise RuleError(file, "parts", "must be a mapping of part name to pattern")
    parts: dict[str, str] = {}
    for name, pattern in section.items():
        if not isinstance(pattern, str):
            raise RuleError(file, f"parts.{name}", "pattern must be a string")
        parts[str(name)] = _expand(pattern, parts, file, f"parts.{name}")
        compile_pattern(parts[str(name)], file, f"parts.{name}")
    return parts


@cache
def metadata_rules() -> MetadataRules:
    file = rules_path("metadata.yaml")
    data = load_rules(file, required=("prefix", "line", "anywhere", "title", "aliases"))
    title = data["title"]
    if not isinstance(title, dict) or not isinstance(title.get("max_words"), int):
        raise RuleError(file, "title.max_words", "must be an integer")
    if not isinstance(title.get("site_suffix"), str):
        raise RuleError(file, "title.site_suffix", "must be a pattern string")
    aliases = data["aliases"]
    if not isinstance(aliases, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()
    ):
        raise RuleError(file, "aliases", "must map names to names")
    zones = data.get("timezones", {})
    if not isinstance(zones, dict) or not all(
        isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
        and -14 <= v <= 14 for k, v in zones.items()
    ):
        raise RuleError(file, "timezones", "must map abbreviations to hours from UTC (-14..14)")
    parts = _parts(data, file)
    return MetadataRules(
        prefix=_pattern_section(data, "prefix", file, parts=parts),
        line=_pattern_section(data, "line", file, parts=parts),
        later_line=_pattern_section(data, "later_line", file, parts=parts, optional=True),
        anywhere=_pattern_section(data, "anywhere", file, parts=parts),
        title_max_words=title["max_words"],
        site_suffix=compile_pattern(title["site_suffix"], file, "title.site_suffix"),
        timezones={k: float(v) for k, v in zones.items()},
        aliases={k.casefold(): v for k, v in aliases.items()},
    )


@cache
def boilerplate_rules() -> BoilerplateRules:
    file = rules_path("boilerplate.yaml")
    data = load_rules(file, required=("rules",))
    return BoilerplateRules(_pattern_section(data, "rules", file, re.IGNORECASE))


def normalise_outlet(name: str | None) -> str | None:
    if name is None:
        return None
    name = re.sub(r"\s+", " ", name).strip(" .,;:-–—")
    if not name:
        return None
    return metadata_rules().aliases.get(name.casefold(), name)


# --------------------------------------------------------------------------- decoding


@dataclass(frozen=True)
class Skip:
    file: str
    reason: str


class SkipFile(Exception):
    """One raw file cannot be used; the set goes on without it."""


def decode(data: bytes) -> tuple[str, str]:
    """Decode raw bytes; returns (text, codec) with `data.decode(codec) == text`.

    UTF-8 (with or without BOM) and UTF-16 with BOM are read as such, and so is
    UTF-16 without BOM when half its code units or more are ASCII; other bytes that
    are not UTF-8 are read as Windows-1252 when every byte is defined there.
    Raises SkipFile (and nothing else) for empty, binary or undecodable input.
    """
    if not data.strip():
        raise SkipFile("empty file" if not data else "file holds only white space")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SkipFile(f"invalid UTF-16 after its byte-order mark at byte {exc.start}")
        codec = "utf-16"
    elif NUL in data and (bomless := _utf16_without_bom(data)) is not None:
        text, codec = bomless
    else:
        if NUL in data:
            raise SkipFile(f"binary file: NUL byte at offset {data.index(NUL)}")
        codec = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            if codec == "utf-8-sig":
                raise SkipFile(
                    f"invalid UTF-8 at byte {exc.start + 3} although the file starts with a "
                    "UTF-8 byte-order mark"
                ) from None
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise SkipFile(
                    f"invalid UTF-8 at byte {exc.start}, and not Windows-1252 either"
                ) from None
            codec = "cp1252"
    if not text.strip():
        raise SkipFile("file holds only white space")
    if codec.startswith("utf-16"):
        control = len(_CONTROL_CHARS.findall(text))
    else:  # control characters are the same single bytes in UTF-8 and Windows-1252
        control = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if control > max(8, len(text) // 100):
        raise SkipFile(f"binary file: {control} control characters in {len(text)}")
    return text, codec


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, codec) when `data` reads as mostly-ASCII UTF-16 without a byte-order mark."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= len(data) // 4 and even == 0:
        codec = "utf-16-le"
    elif even >= len(data) // 4 and odd == 0:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if _CONTROL_CHARS.search(text):
        return None
    return text, codec


def check_size(text: str) -> None:
    """Raise SkipFile when a text is too long, or has a line too long, to be an article."""
    if len(text) > MAX_TEXT_CHARS:
        raise SkipFile(f"text is longer than {MAX_TEXT_CHARS} characters")
    if len(text) > MAX_LINE_CHARS and (m := _LONG_LINE.search(text)):
        number = len(_LINE_BREAK.findall(text, 0, m.start())) + 1
        raise SkipFile(f"line {number} is longer than {MAX_LINE_CHARS} characters")


def id_problem(article: str) -> str | None:
    """Why `article` cannot be an article id, or None when it can."""
    if not article.strip():
        return "article id is empty"
    if len(article) > MAX_ID_CHARS:
        return f"article id is longer than {MAX_ID_CHARS} characters"
    if _CONTROL_CHARS.search(article) or any(ch in article for ch in "\n\r\t\f\v\x7f"):
        return f"article id {article!r} holds control characters"
    return None


# --------------------------------------------------------------------------- metadata


@dataclass
class Meta:
    outlet: str | None = None
    outlet_how: str = "none"
    author: str | None = None
    author_how: str = "none"
    title: str | None = None
    title_how: str = "none"
    published_at: datetime | None = None
    published_precision: str | None = None
    published_how: str = "none"
    url: str | None = None

    def set(self, field_name: str, value, how: str, precision: str | None = None) -> None:
        """Set a field when it is still unknown."""
        attr = "published_at" if field_name == "published" else field_name
        if value is None or value == "" or getattr(self, attr) is not None:
            return
        if field_name == "published":
            self.published_at, self.published_precision = value, precision
            self.published_how = how
            return
        setattr(self, field_name, value)
        if field_name != "url":
            setattr(self, f"{field_name}_how", how)


_DT_FORMATS = (
    ("%Y-%m-%dT%H:%M:%S", "second"),
    ("%Y-%m-%d %H:%M:%S", "second"),
    ("%Y-%m-%dT%H:%M", "minute"),
    ("%Y-%m-%d %H:%M", "minute"),
    ("%Y-%m-%d", "day"),
)


def parse_published(value: str) -> tuple[datetime, str]:
    """Parse an ISO-style date or date-time; offsets are converted to naive UTC.

    Raises ValueError with the reason for anything else.
    """
    value = value.strip()
    for fmt, precision in _DT_FORMATS:
        try:
            return datetime.strptime(value, fmt), precision
        except ValueError:
            pass
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"unrecognised date {value!r} (expected YYYY-MM-DD or "
                         "YYYY-MM-DD HH:MM[:SS])") from None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    precision = "second" if dt.second or dt.microsecond else "minute"
    return dt.replace(microsecond=0), precision


_GMT_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*([+−-])\s*(\d{1,2})(?::?(\d{2}))?|\s([+−-])(\d{2}):?(\d{2})\b")
_ZONE_WORD = re.compile(r"(?<![A-Za-z])[A-Z]{1,5}(?![A-Za-z])")
_HAS_TIME = re.compile(r"\d:\d\d")


def parse_written_date(value: str) -> tuple[datetime, str]:
    """Parse a date as an article prints it: ISO, "Friday, 7 March 2025",
    "07.03.2025 14:20" (day first), "Mar 7, 2025, 6:05 PM GMT+3".

    A GMT/UTC offset or a zone from metadata.yaml `timezones` converts the time to
    naive UTC; without one the time is kept as written. Raises ValueError.
    """
    try:
        return parse_published(value)
    except ValueError:
        pass
    from dateutil import parser as date_parser

    text, offset = value.strip(), None
    if m := _GMT_OFFSET.search(text):
        sign, hh, mm = m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6)
        hours = int(hh) + int(mm or 0) / 60
        offset = -hours if sign in "−-" else hours
        text = text[: m.start()] + text[m.end():]
    else:
        zones = metadata_rules().timezones
        for m in _ZONE_WORD.finditer(text):
            if m.group() in zones:
                offset = zones[m.group()]
                text = text[: m.start()] + text[m.end():]
                break
    text = re.sub(r"\b(?:at|on)\b|[()]", " ", text.replace("−", "-"))
    try:
        dt = date_parser.parse(text, dayfirst=True, ignoretz=True)
    except (ValueError, OverflowError):
        raise ValueError(f"unrecognised date {value!r}") from None
    if offset is not None:
        dt = dt - timedelta(hours=offset)
    if not _HAS_TIME.search(text):
        return dt, "day"
    return dt, "second" if dt.second else "minute"


# --------------------------------------------------------------------------- one text


@dataclass
class Parsed:
    sentences: list[tuple[int, int, int, bool]] = field(default_factory=list)
    removed: list[tuple[int, int, int, str]] = field(default_factory=list)


def parse_text(text: str, meta: Meta) -> Parsed:
    """Find metadata in the text, drop boilerplate, split sentences.

    Fills the unknown fields of `meta` (how = `text:<rule>`); returns sentence
    spans (line, start, end, is_headline) and removed spans (line, start, end, rule).
    """
    mrules = metadata_rules()
    brules = boilerplate_rules()
    out = Parsed()
    all_lines = lines(text)
    body_seen = 0
    for idx, ln in enumerate(all_lines):
        seg = text[ln.start:ln.end]
        rule = brules.match(seg)
        if rule is not None:
            out.removed.append((ln.number, ln.start, ln.end, rule))
            continue
        line_rule = None
        line_rules = mrules.line + mrules.later_line if body_seen else mrules.line
        for name, pattern in line_rules:
            m = pattern.fullmatch(seg)
            if m:
                line_rule = name
                _take(meta, m, f"text:{name}")
                break
        if line_rule is not None:
            out.removed.append((ln.number, ln.start, ln.end, line_rule))
            continue
        start = ln.start
        if body_seen < 3:
            for name, pattern in mrules.prefix:
                m = pattern.match(text, ln.start, ln.end)
                if m and m.end() < ln.end:
                    _take(meta, m, f"text:{name}")
                    out.removed.append((ln.number, ln.start, m.end(), name))
                    start = m.end()
                    break
        is_title_candidate = body_seen == 0 and start == ln.start
        final = has_final_punctuation(seg)
        if is_title_candidate and not final and word_count(seg) <= mrules.title_max_words:
            title = " ".join(seg.split())
            sm = mrules.site_suffix.search(title)
            if sm:
                title = title[: sm.start()].rstrip()
            meta.set("title", title, "text:first_line")
        spans = split_sentences(text, start, ln.end)
        for s, e in spans:
            out.sentences.append((ln.number, s, e, not final and len(spans) == 1))
        body_seen += 1
    if meta.outlet is None:
        probe = _mask_long_tokens(text)
        for name, pattern in mrules.anywhere:
            hit = next((m for ln in all_lines
                        for m in [_search(pattern, text, probe, ln.start, ln.end)] if m), None)
            if hit:
                _take(meta, hit, f"text:{name}")
                break
    return out


def _mask_long_tokens(text: str) -> str:
    """`text` with every run of 40+ non-space characters blanked out (same length).

    A pattern searched everywhere in a line can take time quadratic in the length of
    one long token (a URL, a run of "A-A-A-..."); it is searched in this copy instead.
    """
    if not _LONG_TOKEN.search(text):
        return text
    return _LONG_TOKEN.sub(lambda m: "\x00" * len(m.group()), text)


def _search(pattern: re.Pattern, text: str, probe: str, start: int, end: int):
    """First match of `pattern` in text[start:end], found in `probe` and confirmed in `text`."""
    pos = start
    while (hit := pattern.search(probe, pos, end)) is not None:
        if probe is text:
            return hit
        m = pattern.match(text, hit.start(), end)
        if m is not None:
            return m
        pos = hit.start() + 1
    return None


def _take(meta: Meta, m: re.Match, how: str) -> None:
    groups = m.groupdict()
    if groups.get("outlet"):
        meta.set("outlet", normalise_outlet(groups["outlet"]), how)
    if groups.get("author"):
        meta.set("author", clean_author(groups["author"]), how)
    if groups.get("published"):
        try:
            dt, precision = parse_written_date(groups["published"])
        except ValueError:
            return
        meta.set("published", dt, how, precision)


def clean_author(name: str) -> str:
    """An author as found in a byline: white space collapsed; an all-capitals name
    ("JANE DOE AND JOHN ROE") written with capitals only at word starts."""
    name = " ".join(name.split()).strip(" ,;|")
    if re.sub(r"\band\b", "", name).isupper():
        name = re.sub(r"[^\W\d_]\w*",
                      lambda m: m.group().capitalize() if m.group().isupper() else m.group(),
                      name)
        name = re.sub(r"\bAnd\b", "and", name)
    return name


# --------------------------------------------------------------------------- readers


@dataclass
class RawArticle:
    article: str
    file: str
    format: str
    encoding: str
    text: str
    meta: Meta


def read_txt(path: Path) -> list[RawArticle]:
    text, codec = decode(path.read_bytes())
    check_size(text)
    return [RawArticle(path.stem, path.name, "txt", codec, text, Meta())]


def read_html(path: Path) -> list[RawArticle]:
    import trafilatura

    html, codec = decode(path.read_bytes())
    if len(html) > MAX_HTML_CHARS:
        raise SkipFile(f"HTML page longer than {MAX_HTML_CHARS} characters")
    try:
        doc = trafilatura.bare_extraction(
            html, include_comments=False, include_tables=False, with_metadata=True,
            deduplicate=False, prune_xpath=list(HTML_PRUNE),
        )
        doc = doc.as_dict() if doc is not None else None
    except RecursionError:
        raise SkipFile("HTML too deeply nested to parse") from None
    except Exception as exc:  # noqa: BLE001 - any parser failure skips the file
        raise SkipFile(f"HTML could not be parsed: {type(exc).__name__}: {exc}") from None
    if not doc or not (doc.get("text") or "").strip():
        if _too_deep(html):
            raise SkipFile("no article text found in the HTML page: elements nested deeper "
                           "than the parser's limit of 255")
        raise SkipFile("no article text found in the HTML page")
    check_size(doc["text"])
    meta = Meta()
    meta.set("title", (doc.get("title") or "").strip() or None, "metadata")
    meta.set("author", (doc.get("author") or "").strip() or None, "metadata")
    meta.set("outlet", normalise_outlet(doc.get("sitename")), "metadata")
    meta.set("url", doc.get("url"), "metadata")
    if doc.get("date"):
        try:
            dt, precision = parse_published(str(doc["date"]))
            meta.set("published", dt, "metadata", precision)
        except ValueError:
            pass
    return [RawArticle(path.stem, path.name, "html", codec, doc["text"], meta)]


def _too_deep(html: str) -> bool:
    """Whether the HTML parser stops at its nesting limit on this page."""
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser()
    try:
        lxml_html.document_fromstring(html, parser=parser)
    except Exception:  # noqa: BLE001 - only a diagnosis; the page is skipped anyway
        return False
    return any("depth" in str(e.message) for e in parser.error_log)


def _json_object(line: str) -> dict:
    """One JSONL line as an object; SkipFile with the reason otherwise."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise SkipFile(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise SkipFile("invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise SkipFile(f"invalid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise SkipFile("line is not a JSON object")
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise SkipFile("invalid JSON: a string escapes a lone surrogate (\\ud800-\\udfff)"
                       ) from None
    return obj


def _jsonl_id(value, fallback: str) -> str:
    """The article id of one JSONL line (a string or an integer), or SkipFile."""
    if value is None:
        return fallback
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SkipFile(f"article id must be a string or an integer, not {type(value).__name__}")
    article = str(value).strip() or fallback
    problem = id_problem(article)
    if problem:
        raise SkipFile(problem)
    return article


def _record(obj: dict, where: str, fallback_id: str, fmt: str, codec: str,
            skips: list[Skip]) -> RawArticle:
    """One article from a JSONL object or a parquet row; SkipFile with the reason."""
    body = next((obj[k] for k in JSONL_TEXT_FIELDS if isinstance(obj.get(k), str)), None)
    if body is None or not body.strip():
        raise SkipFile(f"no text field (one of {', '.join(JSONL_TEXT_FIELDS)})")
    check_size(body)
    values = {
        name: next((obj[k] for k in keys if obj.get(k) not in (None, "")), None)
        for name, keys in JSONL_FIELDS.items()
    }
    article = _jsonl_id(values["article"], fallback_id)
    meta = Meta()
    for name in ("author", "title", "url"):
        value = values[name]
        if isinstance(value, dict):
            value = None
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        meta.set(name, str(value).strip() if value is not None else None, "metadata")
    outlet = values["outlet"]
    meta.set("outlet", normalise_outlet(outlet if isinstance(outlet, str) else None),
             "metadata")
    published = values["published"]
    if published is not None:
        if isinstance(published, datetime):
            published = published.isoformat()
        try:
            dt, precision = parse_published(str(published))
            meta.set("published", dt, "metadata", precision)
        except ValueError as exc:
            skips.append(Skip(where, f"published ignored: {exc}"))
    return RawArticle(article, where, fmt, codec, body, meta)


def read_jsonl(path: Path, skips: list[Skip]) -> list[RawArticle]:
    text, codec = decode(path.read_bytes())
    out = []
    # Only CR and LF end a JSONL line: U+2028, U+0085 and the like may sit in strings.
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            out.append(_record(_json_object(line), where, f"{path.stem}-{number}", "jsonl",
                               codec, skips))
        except SkipFile as exc:
            skips.append(Skip(where, str(exc)))
    return out


def read_parquet(path: Path, skips: list[Skip]) -> Iterator[RawArticle]:
    """The articles of a parquet file, one row at a time (read in slices of
    PARQUET_READ_ROWS rows, so a file of any size is read in bounded memory). Columns
    are named as JSONL fields are; rows are numbered from 1."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise SkipFile(f"not a readable parquet file: {exc}") from None
    names = set(reader.schema_arrow.names)
    if not names & set(JSONL_TEXT_FIELDS):
        raise SkipFile(f"no text column (one of {', '.join(JSONL_TEXT_FIELDS)}); "
                       f"columns are {sorted(names)}")
    wanted = [c for c in (*JSONL_TEXT_FIELDS, *(k for ks in JSONL_FIELDS.values() for k in ks))
              if c in names]
    number = 0
    try:
        for batch in reader.iter_batches(batch_size=PARQUET_READ_ROWS, columns=wanted):
            for obj in batch.to_pylist():
                number += 1
                where = f"{path.name}:{number}"
                try:
                    yield _record(obj, where, f"{path.stem}-{number}", "parquet", "utf-8",
                                  skips)
                except SkipFile as exc:
                    skips.append(Skip(where, str(exc)))
    except (pa.ArrowException, OSError) as exc:
        skips.append(Skip(path.name, f"reading stopped after row {number}: {exc}"))


# --------------------------------------------------------------------------- manifest


def read_manifest(path: Path) -> dict[str, dict[str, str | None]]:
    """Read `articles.csv`; raise IngestError naming the file and row on any problem."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path}: not UTF-8 (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise IngestError(f"{path}: column(s) {twice} appear more than once in the header")
    if "article" not in header:
        raise IngestError(f"{path}: header must include 'article' (found {header})")
    unknown = [h for h in header if h not in MANIFEST_COLUMNS]
    if unknown:
        raise IngestError(f"{path}: unknown column(s) {unknown}; allowed: "
                          f"{list(MANIFEST_COLUMNS)}")
    rows: dict[str, dict[str, str | None]] = {}
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise IngestError(f"{path}, row {number}: more fields than the header has")
        article = (row.get("article") or "").strip()
        if not article:
            raise IngestError(f"{path}, row {number}: empty 'article'")
        if article in rows:
            raise IngestError(f"{path}, row {number}: article {article!r} listed twice")
        values = {k: ((row.get(k) or "").strip() or None) for k in MANIFEST_COLUMNS}
        if values["published"]:
            try:
                parse_published(values["published"])
            except ValueError as exc:
                raise IngestError(f"{path}, row {number}: {exc}") from None
        rows[article] = values
    return rows


# --------------------------------------------------------------------------- the set


@dataclass
class IngestResult:
    articles: pl.DataFrame
    sentences: pl.DataFrame
    removed: pl.DataFrame
    skips: pl.DataFrame


def check_set_name(set_name: str, raw_root: Path) -> Path:
    if not SET_NAME.match(set_name or ""):
        raise IngestError(f"set name {set_name!r} is not valid: use lower-case letters, "
                          "digits, '.', '_' and '-'")
    folder = raw_root / set_name
    if not folder.is_dir():
        raise IngestError(f"unknown set {set_name!r}: {folder} does not exist")
    return folder


class SetReader:
    """The articles of one set folder, read one at a time in file order: duplicate ids
    and files the manifest does not list are noted in `skips` as they come; the rest
    of the set-level checks run when the stream ends (`finish`)."""

    def __init__(self, raw_dir: str | Path):
        self.raw_dir = raw_dir = Path(raw_dir)
        if not raw_dir.is_dir():
            raise IngestError(f"{raw_dir}: no such set folder")
        self.skips: list[Skip] = []
        self.files: list[Path] = []
        for p in sorted(raw_dir.iterdir()):
            if p.name.startswith("."):
                continue  # hidden files, as are sub-folders below, are not part of the set
            if p.is_symlink():
                self.skips.append(Skip(p.name, "symbolic link: only regular files in the set "
                                               "folder are read"))
            elif p.is_file():
                self.files.append(p)
        manifest_path = raw_dir / MANIFEST
        self.manifest = read_manifest(manifest_path) if manifest_path.exists() else None
        self.seen: dict[str, str] = {}
        self.read = 0

    def _raws(self) -> Iterator[RawArticle]:
        skips = self.skips
        for path in self.files:
            if path.name in RESERVED_FILES:
                continue
            fmt = ARTICLE_SUFFIXES.get(path.suffix.lower())
            if fmt is None:
                skips.append(Skip(path.name, f"unsupported file type "
                                             f"{path.suffix or '(none)'!r}; expected one of "
                                             f"{sorted(ARTICLE_SUFFIXES)}"))
                continue
            problem = id_problem(path.stem) if fmt in ("txt", "html") else None
            if problem:
                skips.append(Skip(path.name, f"file name unusable: {problem}"))
                continue
            try:
                if fmt == "txt":
                    yield from read_txt(path)
                elif fmt == "html":
                    yield from read_html(path)
                elif fmt == "jsonl":
                    yield from read_jsonl(path, skips)
                else:
                    yield from read_parquet(path, skips)
            except SkipFile as exc:
                skips.append(Skip(path.name, str(exc)))
            except OSError as exc:
                skips.append(Skip(path.name, f"cannot be read: {exc.strerror or exc}"))

    def __iter__(self) -> Iterator[RawArticle]:
        """Each readable article once, in file order."""
        for raw in self._raws():
            self.read += 1
            if raw.article in self.seen:
                self.skips.append(Skip(raw.file, f"duplicate article id {raw.article!r}: "
                                                 f"already read from {self.seen[raw.article]}"))
                continue
            self.seen[raw.article] = raw.file
            if self.manifest is not None and raw.article not in self.manifest:
                self.skips.append(Skip(raw.file, f"not listed in {MANIFEST}: read with "
                                                 "metadata inferred from its text"))
            yield raw

    def finish(self) -> None:
        """The checks that need the whole set: IngestError when nothing was readable;
        manifest rows without a file are noted."""
        if not self.read and not self.skips:
            raise IngestError(f"{self.raw_dir}: the set folder holds no article files "
                              f"({', '.join(sorted(ARTICLE_SUFFIXES))})")
        if self.manifest is not None:
            for article in self.manifest:
                if article not in self.seen:
                    self.skips.append(Skip(MANIFEST, f"row for article {article!r}, but no "
                                                     "such file in the set folder"))
        if not self.seen:
            raise IngestError(f"{self.raw_dir}: no readable article: "
                              + "; ".join(f"{s.file}: {s.reason}" for s in self.skips))

    def skips_table(self) -> pl.DataFrame:
        return schema.enforce(
            pl.DataFrame([(s.file, s.reason) for s in self.skips],
                         schema=schema.SKIPS.polars_schema, orient="row"),
            schema.SKIPS,
        ).sort("file", "reason")


def ingest_set(raw_dir: str | Path) -> IngestResult:
    """Read every article file of one set folder, all in memory (see
    `tolldrift.batches.ingest_to_files` for sets of any size)."""
    reader = SetReader(raw_dir)
    raws = list(reader)
    reader.finish()
    result = _tables(raws, reader.manifest or {})
    result.skips = reader.skips_table()
    return result


def _tables(raws: list[RawArticle], manifest: dict) -> IngestResult:
    """The articles, sentences and removed-lines tables of some articles (skips empty)."""
    arts, sents, removed = [], [], []
    prefix_rules = {name for name, _ in metadata_rules().prefix}
    for raw in raws:
        meta = raw.meta
        row = manifest.get(raw.article)
        if row:
            for name in ("outlet", "author", "title", "url"):
                if row.get(name):
                    value = normalise_outlet(row[name]) if name == "outlet" else row[name]
                    setattr(meta, name, value)
                    if name != "url":
                        setattr(meta, f"{name}_how", "manifest")
            if row.get("published"):
                meta.published_at, meta.published_precision = parse_published(row["published"])
                meta.published_how = "manifest"
        parsed = parse_text(raw.text, meta)
        words = 0
        for sid, (line, s, e, is_headline) in enumerate(parsed.sentences):
            sentence = raw.text[s:e]
            words += word_count(sentence)
            sents.append((raw.article, sid, line, s, e, sentence, is_headline))
        for line, s, e, rule in parsed.removed:
            removed.append((raw.article, line, s, e, raw.text[s:e], rule))
        arts.append({
            "article": raw.article, "file": raw.file, "format": raw.format,
            "encoding": raw.encoding, "outlet": meta.outlet, "outlet_how": meta.outlet_how,
            "author": meta.author, "author_how": meta.author_how, "title": meta.title,
            "title_how": meta.title_how, "published_at": meta.published_at,
            "published_precision": meta.published_precision,
            "published_how": meta.published_how, "url": meta.url, "text": raw.text,
            "words": words, "sentences": len(parsed.sentences),
            "lines_removed": sum(1 for r in parsed.removed if r[3] not in prefix_rules),
        })
    articles = schema.enforce(
        pl.DataFrame(arts, schema=schema.ARTICLES.polars_schema), schema.ARTICLES
    ).sort("article")
    sentences = schema.enforce(
        pl.DataFrame(sents, schema=schema.SENTENCES.polars_schema, orient="row"),
        schema.SENTENCES,
    ).sort("article", "sentence_id")
    removed_df = schema.enforce(
        pl.DataFrame(removed, schema=schema.REMOVED.polars_schema, orient="row"), schema.REMOVED
    ).sort("article", "start")
    return IngestResult(articles, sentences, removed_df, schema.empty(schema.SKIPS))


def corpus_table(articles: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """The ingest report's corpus table, from the articles table."""
    return articles.select(
        "article", "outlet", "author",
        pl.col("published_at").dt.strftime("%Y-%m-%d %H:%M").alias("published"),
        "words", "sentences", "lines_removed",
    )
