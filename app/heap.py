"""The garbage collector, told what is permanent and how long a request's objects live.

Once the app is built, its heap holds about a million objects that live as long as the process
(libraries, schemas, the businesses' configs, phrase tables). Python's full collections scan
all of them: under load one ran every half second and stopped the event loop for about 90 ms
each time, a fifth of the time (docs/operations.md, "Search speed"). Frozen after start, they
are never scanned again; what requests allocate is collected as before.

Then the young generations' thresholds. With Python's (700, 10, 10), the objects of the 32
requests in flight are still alive at most young collections, so they are promoted to the old
generation and die there; every 11,000 or so promoted objects start a full collection. With
200 businesses under find_slots load that was two full collections a second of 16-22 ms each
(the p99's tail) and 7% of the server's samples (py-spy --native, in gc_collect_main). Young
collections 7x and middle ones 35x rarer let a request's objects die young: no full collection
in a 10 s run, p99 24.5 -> 10.0 ms, 229 -> 208 us of CPU per request (docs/operations.md, fifth
stop). Young collections stay small: a few thousand objects, most of them already garbage.
"""

from __future__ import annotations

import gc

import structlog

log = structlog.get_logger("frontdesk")

YOUNG_THRESHOLD = 5000  # allocations between young collections (Python's default: 700)
MIDDLE_THRESHOLD = 50  # young collections between middle ones (default: 10)


def settle_heap() -> None:
    gc.collect()
    gc.freeze()  # what start-up built is permanent: full collections skip it
    _, _, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, old)
    log.debug("app.heap_frozen", objects=gc.get_freeze_count())
