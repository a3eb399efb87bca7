"""A booking history for the load worlds, so Postgres plans as it does for a business that has
been taking calls: a full diary of past appointments on every calendar and a few booked ahead,
then ``ANALYZE`` of what was written.

Without it each world starts on empty tables, and the plans the pool's connections cache for
the booking functions on their first calls (kept for the connection's life) are chosen for an
empty table: the intent lookup then walked every appointment of the business by an index on
``business_id`` alone (460 buffers a lookup after 962 bookings; ``fd_reserve`` read 1,299
buffers a call, 62 once analyzed).
A deployment leaves that state within a minute (autovacuum analyzes a table after its first
50 changes, which replans); a ten-second run never does.

With the past alone, the statistics said no appointment lies ahead, and the spans read for a
search were planned from the time range across every business (the overlap index on
``blocked`` alone, then a join filter on the calendar: 1,036 rows and 3,457 buffers for a
business's 4 future appointments, 27.9 ms, where it had planned for one row). The rows ahead
(two a weekday, at 10:00 and 14:00 local) are what a working business has; searches find
those times taken. All are written with triggers off (this database is the bench's own), so
no confirmation is queued; what the version trigger does is done here instead (the business's
version moves on and the rows carry it), so what a running server keeps is brought up to date
with them like with any other change (app/db/kept_occupancy.py).
"""

from __future__ import annotations

import asyncpg

WEEKS = 4  # of history behind now, and of bookings already made ahead of it
HOURS = (9, 10, 11, 13, 14, 15, 16)  # local starts on past weekdays: a full diary
AHEAD = (10, 14)  # local starts on coming weekdays (from the day after tomorrow): a few

_SEED = """
insert into appointments (
    id, business_id, calendar_id, staff_id, service, starts_at, ends_at, blocked, status,
    customer_name, customer_phone, call_id, intent_key, calendar_event_id, calendar_synced,
    cancel_reason, created_at, updated_at, changed_in)
select
    'seed-' || $4 || '-' || n, $1, $2, $3, 'checkup', t, t + interval '30 minutes',
    tstzrange(t, t + interval '30 minutes'),
    case when n % 10 = 0 and t < now() then 'cancelled' else 'booked' end,
    'Past Caller', '+1415555' || lpad((n % 500)::text, 4, '0'), 'seed-call-' || $4 || '-' || n,
    'seed-intent-' || $4 || '-' || n, 'seed' || $4 || 'x' || n, true,
    case when n % 10 = 0 and t < now() then 'caller' end,
    least(t, now()) - interval '3 days', least(t, now()) - interval '3 days', $9
from (
    select row_number() over (order by day, hour) as n,
           (day + make_interval(hours => hour)) at time zone $7 as t
    from generate_series(
             date_trunc('day', now() at time zone $7) - make_interval(weeks => $5),
             date_trunc('day', now() at time zone $7) + make_interval(weeks => $5),
             interval '1 day') as day,
         unnest($6::int[]) as hour
    where extract(isodow from day) < 6
      and (day < date_trunc('day', now() at time zone $7)
           or (day >= date_trunc('day', now() at time zone $7) + interval '2 days'
               and hour = any($8::int[])))
) as diary
"""

# What fd_stamp_appointment_change does for an insert (migration 20261127000100).
_MOVE_ON = """
insert into data_versions as d (business_id, version, mirror_version) values ($1, 1, 0)
on conflict (business_id) do update set version = d.version + 1
returning version
"""


async def seed_history(
    database_url: str, lanes: list[tuple[str, str | None, str]], zone: str, weeks: int = WEEKS
) -> int:
    """Appointments on each (business, staff id, calendar) lane, in ``zone``'s days: a full
    diary behind now and a few ahead; how many were written."""
    connection = await asyncpg.connect(database_url)
    try:
        async with connection.transaction():
            await connection.execute("set local session_replication_role = replica")
            for number, (business_id, staff_id, calendar) in enumerate(lanes):
                key = await connection.fetchval(
                    "select fd_calendar_key($1, $2)", business_id, calendar
                )
                version = await connection.fetchval(_MOVE_ON, business_id)
                await connection.execute(
                    _SEED,
                    business_id,
                    key,
                    staff_id,
                    str(number),
                    weeks,
                    list(HOURS),
                    zone,
                    list(AHEAD),
                    version,
                )
        # Only what was written: a table analyzed empty is planned as empty from then on (the
        # replies' table would be read whole by its first plans), one never analyzed as ten
        # pages, as on a new deployment.
        await connection.execute("analyze appointments, calendars")
        written: int = await connection.fetchval(
            "select count(*) from appointments where id like 'seed-%'"
        )
        return written
    finally:
        await connection.close()
