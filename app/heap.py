"""The garbage collector, told what is permanent.

Once the app is built, its heap holds about a million objects that live as long as the process
(libraries, schemas, the businesses' configs, phrase tables). Python's full collections scan
all of them: under load one ran every half second and stopped the event loop for about 90 ms
each time, a fifth of the time (docs/operations.md, "Search speed"). Frozen after start, they
are never scanned again; what requests allocate is collected as before.
"""

from __future__ import annotations

import gc

import structlog

log = structlog.get_logger("frontdesk")


def settle_heap() -> None:
    gc.collect()
    gc.freeze()  # what start-up built is permanent: full collections skip it
    log.debug("app.heap_frozen", objects=gc.get_freeze_count())
