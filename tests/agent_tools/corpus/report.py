"""How well the reader reads the corpus: the share of rows right, per source and per pattern.

Run: ``.venv/bin/python -m tests.agent_tools.corpus.report``; ``--misses`` also lists every wrong
row with what the reader made of it, ``--stale`` the rows whose known-miss entry no longer holds
(wrong but not listed, or listed but now right).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence

from tests.agent_tools.corpus.table import Row, describe, known_misses, right, rows


def _table(title: str, key: Callable[[Row], str], results: dict[Row, bool]) -> list[str]:
    total: Counter[str] = Counter(key(row) for row in results)
    good: Counter[str] = Counter(key(row) for row, ok in results.items() if ok)
    order = sorted(total, key=lambda name: (good[name] / total[name], name))
    return [
        f"| {title} | rows | right | share |",
        "|---|---:|---:|---:|",
        *(f"| {n} | {total[n]} | {good[n]} | {good[n] / total[n]:.1%} |" for n in order),
    ]


def report(argv: Sequence[str]) -> str:
    """The Markdown report (and the wrong rows when ``--misses`` is given)."""
    results = {row: describe(row) for row in rows()}
    ok = {row: right(row, got) for row, got in results.items()}
    count = sum(ok.values())
    lines = [
        f"{count} of {len(ok)} rows right ({count / len(ok):.1%}); "
        f"{len(known_misses())} listed as known misses.",
        "",
        *_table("source", lambda row: row.source, ok),
        "",
        *_table("pattern", lambda row: row.pattern, ok),
    ]
    if "--misses" in argv:
        lines.append("")
        for row, got in results.items():
            if not ok[row]:
                lines += [row.id, f"    want {row.expected}", f"    got  {got}"]
    if "--stale" in argv:
        listed = known_misses()
        lines += ["", "wrong but not listed:"]
        lines += [f"  {row.id}" for row, good in ok.items() if not good and row.id not in listed]
        lines += ["listed but now right:"]
        lines += [f"  {row.id}" for row, good in ok.items() if good and row.id in listed]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(report(sys.argv[1:]))
