"""Fuzz the reading chain: decode -> parse_text -> extract_claims on mutated articles.

Each round takes one seed article's bytes and applies 1-4 seeded mutations (random
byte or character insertions, deletions, duplicated slices, encoding flips, line-end
and BOM changes, long runs); then it decodes, checks the size, parses and extracts
claims. It prints how many rounds ended in each outcome, and saves every input that
raised anything but SkipFile to the failures folder with its traceback.

    python benchmarks/fuzz_extract.py --rounds 10000 --seed 1
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import time
import traceback
from pathlib import Path

import polars as pl

from tolldrift import ingest
from tolldrift.claims import extract_claims

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "raw" / "syria-coast-2025-03"
OUT = ROOT / "bench" / "out" / "fuzz-failures"
NOISE = [b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\r", b"\r\n", b"\n\n", b"\t", b"\x85",
         b"\xe2\x80\xa8", b"\xe2\x80\x8b", b"\xc3", b"\x93", b"...", b" killed ", b" 1,200 ",
         b" at least ", b" twenty-one ", b"\xd9\x82\xd8\xaa\xd9\x84", b"\xf0\x9f\x98\xa2", b"\x1b"]


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """Apply 1-4 random mutations; returns the bytes and the mutation names."""
    names = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["insert_byte", "insert_noise", "delete", "duplicate", "flip_byte",
                           "encode", "line_ends", "bom", "long_run", "truncate", "swap"])
        names.append(kind)
        n = len(data)
        i = rng.randrange(n + 1)
        if kind == "insert_byte":
            data = data[:i] + bytes([rng.randrange(256)]) + data[i:]
        elif kind == "insert_noise":
            data = data[:i] + rng.choice(NOISE) * rng.randint(1, 5) + data[i:]
        elif kind == "delete" and n:
            data = data[:i] + data[i + rng.randint(1, 200):]
        elif kind == "duplicate" and n:
            j = min(n, i + rng.randint(1, 400))
            data = data[:j] + data[i:j] * rng.randint(1, 20) + data[j:]
        elif kind == "flip_byte" and n:
            k = rng.randrange(n)
            data = data[:k] + bytes([data[k] ^ (1 << rng.randrange(8))]) + data[k + 1:]
        elif kind == "encode":
            codec = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"])
            data = _text(data).encode(codec, "replace")
        elif kind == "line_ends":
            data = re.sub(rb"\r\n|\n|\r", rng.choice([b"\r\n", b"\r", b"\n", b" "]), data)
        elif kind == "bom":
            data = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]) + data
        elif kind == "long_run":
            run = rng.choice([b" ", b".", b"A-", b"9", b"\xd9\x82", b"(", b"\""])
            data = data[:i] + run * rng.randint(100, 20_000) + data[i:]
        elif kind == "truncate":
            data = data[:i]
        elif kind == "swap" and n > 2:
            a, b = sorted(rng.sample(range(n), 2))
            data = data[:a] + data[b:] + data[a:b]
    return data, names


def run_once(data: bytes) -> tuple[str, int]:
    """decode, check the size, parse and extract; returns (outcome, claims)."""
    try:
        text, _ = ingest.decode(data)
        ingest.check_size(text)
    except ingest.SkipFile as exc:
        return "skip: " + re.sub(r"(?<= )\d+", "N", str(exc)), 0
    parsed = ingest.parse_text(text, ingest.Meta())
    articles = pl.DataFrame({"article": ["a"], "text": [text], "published_at": [None],
                             "published_precision": [None]},
                            schema_overrides={"published_at": pl.Datetime("us"),
                                              "published_precision": pl.String})
    rows = [("a", i, line, s, e, text[s:e], head)
            for i, (line, s, e, head) in enumerate(parsed.sentences)]
    sentences = pl.DataFrame(rows, orient="row", schema={
        "article": pl.String, "sentence_id": pl.Int32, "line": pl.Int32, "start": pl.Int64,
        "end": pl.Int64, "text": pl.String, "is_headline": pl.Boolean})
    claims = extract_claims(sentences, articles)
    for quote, s, e in claims.select("quote", "start", "end").iter_rows():
        if text[s:e] != quote:
            raise AssertionError(f"claim offsets {s}:{e} do not slice the text")
    return ("read, claims" if claims.height else "read, no claim"), claims.height


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    seeds = [p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))]
    rng = random.Random(args.seed)
    outcomes: collections.Counter[str] = collections.Counter()
    mutations: collections.Counter[str] = collections.Counter()
    claims_total, slowest, failures = 0, (0.0, -1), 0
    started = time.perf_counter()
    for round_no in range(args.rounds):
        data, names = mutate(rng.choice(seeds), rng)
        mutations.update(names)
        t0 = time.perf_counter()
        try:
            outcome, n = run_once(data)
            claims_total += n
        except Exception:  # noqa: BLE001 - every failure is counted and saved
            outcome = "EXCEPTION"
            failures += 1
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"round-{round_no:05d}.bin").write_bytes(data)
            (args.out / f"round-{round_no:05d}.txt").write_text(
                f"mutations: {names}\n\n{traceback.format_exc()}", encoding="utf-8")
        slowest = max(slowest, (time.perf_counter() - t0, round_no))
        outcomes[outcome] += 1
    elapsed = time.perf_counter() - started
    print(f"{args.rounds} rounds (seed {args.seed}) in {elapsed:.1f}s, "
          f"{1000 * elapsed / max(args.rounds, 1):.1f} ms per round; slowest round "
          f"{slowest[1]} took {slowest[0]:.2f}s")
    print(f"claims extracted: {claims_total}; failures saved: {failures}"
          + (f" (in {args.out})" if failures else ""))
    for outcome, count in outcomes.most_common():
        print(f"  {count:6d}  {outcome}")
    print("mutations applied: " + ", ".join(f"{k} {v}" for k, v in sorted(mutations.items())))


if __name__ == "__main__":
    main()
