"""Generate a synthetic news corpus for benchmarks.

Articles about invented conflicts and disasters in invented places, built from
templates: casualty sentences of many shapes (numbers as digits or words, vague
amounts, qualifiers, sources, times), filler sentences, and sentences with
numbers that are not casualties (dates, ages, vehicles, distances, durations).
The output is deterministic for a given seed, article count and chunk size; it is written in
chunks as a partitioned parquet folder (`part-00000.parquet`, ...) with columns
article, outlet, published_at, text, so memory stays bounded at any size.

    python benchmarks/generate_corpus.py --articles 100000 --out bench/out/corpus-100k
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl

PLACES = ["Port Amara", "Velka", "Dunmore", "Qasr Halim", "Norvik", "San Teodoro", "Kessel",
          "Marrak", "Linhaven", "Tarsi", "Old Brenn", "Ilvo", "Azuleta", "Korvan Valley",
          "the northern province", "the coastal region", "the eastern districts"]
EVENTS = {
    "conflict": ["clashes", "fighting", "an ambush", "an airstrike", "shelling", "a bombing",
                 "an attack on a checkpoint", "a raid"],
    "disaster": ["the earthquake", "the floods", "the cyclone", "a landslide", "the wildfire",
                 "a building collapse", "the storm", "a ferry capsizing"],
}
SOURCES = ["the health ministry", "the civil defence agency", "a war monitor", "police",
           "the interior ministry", "local officials", "the Red Crescent", "a UN agency",
           "hospital sources", "state media", "the regional governor", "rescue workers"]
OUTLETS = ["Harbor Times", "The Daily Ledger", "Meridian News", "Northwind Post",
           "Coastline Radio", "Global Dispatch", "The Evening Courier", "Wire Service 24"]
GROUPS = {
    "conflict": ["civilians", "soldiers", "police officers", "fighters", "militants",
                 "members of the security forces", "children", "rebels", "gunmen"],
    "disaster": ["people", "residents", "children", "rescue workers", "tourists",
                 "villagers", "passengers"],
}
KILLED = ["were killed", "died", "lost their lives", "were confirmed dead", "were killed"]
HURT = ["were wounded", "were injured", "were hurt", "needed hospital treatment"]
OTHER = ["remain missing", "were displaced", "were arrested", "were taken captive"]
VAGUE = ["Dozens", "Scores", "Hundreds", "Thousands"]
QUALIFIERS = ["at least", "more than", "over", "about", "nearly", "up to", "some",
              "an estimated", "almost", ""]
WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "fifteen", "twenty", "thirty", "forty", "fifty"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PARTS = ["morning", "afternoon", "evening", "night"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def cap(words: str) -> str:
    """`words` with the first letter upper-cased (the rest kept)."""
    return words[:1].upper() + words[1:]


class Writer:
    """Builds articles from a seeded random source. Templates are functions, so only
    the chosen one draws random values (a few per sentence keeps generation fast)."""

    def __init__(self, rng: random.Random):
        self.rand = rng.random
        self.pareto = rng.paretovariate
        self.shapes = self._shapes()
        self.fillers = self._fillers()

    def pick(self, seq):
        return seq[int(self.rand() * len(seq))]

    def int(self, low: int, high: int) -> int:
        return low + int(self.rand() * (high - low + 1))

    def number(self, low: int = 2) -> str:
        n = min(int(self.pareto(1.2) * low), 20_000)
        if n <= 50 and self.rand() < 0.3:
            return self.pick(WORDS)
        return f"{n:,}"

    def figure(self) -> str:
        return f"{self.pick(QUALIFIERS)} {self.number()}".lstrip()

    def when(self) -> str:
        r = self.rand()
        if r < 0.25:
            return f"on {self.pick(WEEKDAYS)}"
        if r < 0.4:
            return f"on {self.pick(WEEKDAYS)} {self.pick(PARTS)}"
        if r < 0.5:
            return "over the past 24 hours"
        if r < 0.6:
            return f"since {self.pick(WEEKDAYS)}"
        if r < 0.7:
            return "overnight"
        return ""

    def _shapes(self):
        p, k = self.pick, self
        return [
            lambda g, e: (f"{cap(p(SOURCES))} said {k.figure()} {p(g)} {p(KILLED)} in {p(e)} "
                          f"in {p(PLACES)} {k.when()}"),
            lambda g, e: f"The death toll from {p(e)} rose to {k.figure()}, according to "
                         f"{p(SOURCES)}",
            lambda g, e: (f"{cap(k.figure())} {p(g)} {p(KILLED)} and {k.number()} {p(HURT)} "
                          f"{k.when()}"),
            lambda g, e: (f"At least {k.number()} people {p(OTHER)} after {p(e)}, "
                          f"{p(SOURCES)} said"),
            lambda g, e: f"{p(VAGUE)} of {p(g)} {p(HURT + KILLED)} in {p(PLACES)}",
            lambda g, e: (f"Among the dead were {k.number()} {p(g)} and {k.number()} {p(g)}, "
                          f"{p(SOURCES)} reported"),
            lambda g, e: (f"{cap(p(SOURCES))} put the number of casualties at {k.figure()} "
                          f"{k.when()}"),
            lambda g, e: (f"{cap(k.when()) or 'Earlier'}, {p(SOURCES)} reported "
                          f"{k.figure()} deaths in {p(PLACES)}"),
        ]

    def _fillers(self):
        p, i = self.pick, self.int
        return [
            lambda: f"Residents of {p(PLACES)} described scenes of chaos.",
            lambda: f"Authorities in {p(PLACES)} declared {p(WORDS)} days of mourning.",
            lambda: f"A {i(8, 90)}-year-old man said he had lost everything.",
            lambda: f"{i(3, 80)} vehicles were destroyed near {p(PLACES)}.",
            lambda: f"The town lies about {i(5, 300)} kilometres from the capital.",
            lambda: f"Fighting lasted {i(2, 30)} hours before a lull.",
            lambda: f"The region has seen unrest since {i(1990, 2023)}.",
            lambda: (f"On {p(MONTHS)} {i(1, 28)}, {i(2015, 2024)}, a similar incident hit "
                     f"{p(PLACES)}."),
            lambda: "Thousands march on the capital every year to remember the victims.",
            lambda: "Officials said the situation may worsen in the coming days.",
            lambda: f"Aid convoys carrying {self.number(10)} tonnes of supplies arrived.",
            lambda: f"The government said {i(3, 40)} villages were cut off.",
            lambda: "Witnesses reported hearing explosions throughout the night.",
            lambda: "It was not possible to verify the figures independently.",
        ]

    def casualty(self, kind: str) -> str:
        text = self.pick(self.shapes)(GROUPS[kind], EVENTS[kind])
        return " ".join(text.split()) + "."

    def article(self, index: int) -> dict:
        kind = "conflict" if self.rand() < 0.6 else "disaster"
        event = self.pick(EVENTS[kind]).split(" ", 1)[-1].title()
        head = f"{self.number()} Killed in {event} in {self.pick(PLACES)}"
        paragraphs = []
        for _ in range(self.int(3, 9)):
            sentences = [self.casualty(kind) if self.rand() < 0.35 else self.pick(self.fillers)()
                         for _ in range(self.int(1, 4))]
            paragraphs.append(" ".join(sentences))
        published = None
        if self.rand() < 0.9:
            published = datetime(2020, 1, 1) + timedelta(minutes=int(self.rand() * 6 * 525_600))
        return {"article": f"gen{index:08d}", "outlet": self.pick(OUTLETS),
                "published_at": published, "text": head + "\n\n" + "\n\n".join(paragraphs) + "\n"}


SCHEMA = pl.Schema({"article": pl.String, "outlet": pl.String,
                    "published_at": pl.Datetime("us"), "text": pl.String})


def chunks(articles: int, chunk: int = 20_000, seed: int = 0) -> Iterator[pl.DataFrame]:
    """The corpus as frames of at most `chunk` articles; chunk k depends only on (seed, k)."""
    for k, first in enumerate(range(0, articles, chunk)):
        writer = Writer(random.Random(f"{seed}-{k}"))
        rows = [writer.article(i) for i in range(first, min(first + chunk, articles))]
        yield pl.DataFrame(rows, schema=SCHEMA)


def write_corpus(out: str | Path, articles: int, chunk: int = 20_000, seed: int = 0) -> int:
    """Write the corpus as out/part-NNNNN.parquet; returns the number of parts."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("part-*.parquet"):
        old.unlink()
    n = 0
    for n, frame in enumerate(chunks(articles, chunk, seed), start=1):
        frame.write_parquet(out / f"part-{n - 1:05d}.parquet", compression="zstd",
                            statistics=False)
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--out", required=True, help="output folder for part-*.parquet")
    ap.add_argument("--chunk", type=int, default=20_000, help="articles per part")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    t0 = time.perf_counter()
    parts = write_corpus(args.out, args.articles, args.chunk, args.seed)
    took = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in Path(args.out).glob("part-*.parquet"))
    print(f"{args.articles:,} articles in {parts} part(s), {size / 1e6:.1f} MB, "
          f"{took:.1f} s ({args.articles / took:,.0f} articles/s) -> {args.out}")


if __name__ == "__main__":
    main()
