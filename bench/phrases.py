"""Reading a time phrase: every phrase of the corpus (tests/agent_tools/corpus), each read 30
times in rounds over the whole corpus (so caches are as cold as between real calls, and a burst
of load elsewhere lands on one sample of many phrases), against a baseline measured in the same
run (``resolve_when`` on an ISO date, which skips the grammar, and bare
``datetime.fromisoformat``). Target: any phrase under 0.2 ms.

python -m bench.phrases
"""

from __future__ import annotations

import statistics
from datetime import datetime
from functools import partial

from agent_tools.errors import UnclearTime
from agent_tools.when import resolve_when
from bench.stats import machine, summary, time_ms
from tests.agent_tools.corpus.table import business, rows

REPEAT = 30


def _read(phrase: str, reference: datetime, where: str) -> object:
    try:
        return resolve_when(phrase, reference, business(where))
    except UnclearTime:
        return None


def main() -> None:
    corpus = rows()
    reads = [partial(_read, row.phrase, row.reference, row.business) for row in corpus]
    for read in reads:
        read()  # warm up
    samples: list[list[float]] = [[] for _ in corpus]
    for _ in range(REPEAT):
        for index, read in enumerate(reads):
            samples[index].extend(time_ms(read, 1))
    per_phrase = [
        (statistics.median(times), row.phrase) for times, row in zip(samples, corpus, strict=True)
    ]
    reference = corpus[0].reference
    iso_when = time_ms(lambda: _read("2027-03-15", reference, "business"), 5000)
    iso_bare = time_ms(lambda: datetime.fromisoformat("2027-03-15T14:00"), 5000)
    medians = [ms for ms, _ in per_phrase]
    slowest = sorted(per_phrase, reverse=True)[:5]
    print(f"machine: {machine()}")
    print(f"corpus phrases (median of {REPEAT} reads each)  {summary(medians)}")
    print(f"baseline resolve_when('2027-03-15')           {summary(iso_when)}")
    print(f"baseline datetime.fromisoformat                {summary(iso_bare)}")
    ratio = statistics.median(medians) / statistics.median(iso_when)
    print(f"median phrase / median ISO date through resolve_when: {ratio:.1f}x")
    print("slowest: " + "; ".join(f"{phrase!r} {ms:.3f} ms" for ms, phrase in slowest))
    over = [phrase for ms, phrase in per_phrase if ms >= 0.2]
    print(f"phrases at or over 0.2 ms: {len(over)} of {len(per_phrase)}")


if __name__ == "__main__":
    main()
