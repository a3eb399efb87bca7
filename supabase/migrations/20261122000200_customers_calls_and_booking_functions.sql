-- Customers, calls, booking intents, calendar sync state, and the booking operations as SQL
-- functions. Every multi-statement operation lives here, so the asyncpg store (DATABASE_URL)
-- and the Supabase store (PostgREST rpc) run the very same logic. Idempotent: safe to re-apply.

create table if not exists customers (
    id          bigint generated always as identity primary key,
    business_id text        not null,
    phone       text,
    email       text,
    name        text        not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create unique index if not exists customers_business_phone
    on customers (business_id, phone) where phone is not null;

-- One row per Retell call; issue 6 fills in the call lifecycle from Retell's webhooks.
create table if not exists calls (
    call_id      text primary key,
    business_id  text        not null,
    agent_id     text,
    direction    text,
    from_number  text,
    to_number    text,
    started_at   timestamptz,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);

-- Every tool call we answered: the trace an operator reads for a call.
create table if not exists tool_calls (
    id          bigint generated always as identity primary key,
    call_id     text,
    business_id text        not null,
    tool        text        not null,
    outcome     text        not null,
    duration_ms numeric     not null,
    appointment_id text,
    created_at  timestamptz not null default now()
);
create index if not exists tool_calls_call on tool_calls (call_id, created_at);

-- The durable side of idempotency: the first final reply of a mutating tool call, replayed for
-- 24 hours when Redis has forgotten it (restart, eviction) or is down.
create table if not exists idempotency_records (
    key         text primary key,
    fingerprint text        not null,
    status_code int         not null,
    body        text        not null, -- the JSON as sent: replays must match byte for byte
    created_at  timestamptz not null default now()
);
create index if not exists idempotency_records_created on idempotency_records (created_at);

alter table appointments add column if not exists customer_id bigint references customers (id);
-- The same caller asking for the same slot in the same call is one intent: one appointment.
alter table appointments add column if not exists intent_key text;
-- False while the calendar may not match this row; the reconciler converges it.
alter table appointments add column if not exists calendar_synced boolean not null default false;

create unique index if not exists appointments_active_intent
    on appointments (business_id, intent_key)
    where intent_key is not null and status <> 'cancelled';
create index if not exists appointments_unsynced
    on appointments (updated_at) where not calendar_synced or status = 'pending';

create or replace function fd_calendar_key(p_business text, p_calendar text) returns bigint
language sql as $$
    insert into calendars (business_id, external_id) values (p_business, p_calendar)
    on conflict (business_id, external_id) do update set business_id = excluded.business_id
    returning id
$$;

create or replace function fd_appointment_json(a appointments) returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'id', a.id, 'business_id', a.business_id,
        'calendar_id', (select external_id from calendars c where c.id = a.calendar_id),
        'service', a.service, 'starts_at', a.starts_at, 'ends_at', a.ends_at,
        'blocked_start', lower(a.blocked), 'blocked_end', upper(a.blocked),
        'status', a.status, 'customer_name', a.customer_name,
        'customer_phone', a.customer_phone, 'customer_email', a.customer_email,
        'calendar_event_id', a.calendar_event_id, 'calendar_synced', a.calendar_synced,
        'call_id', a.call_id, 'updated_at', a.updated_at)
$$;

-- Busy spans as POSIX seconds; p_except leaves out one appointment (the one being moved).
create or replace function fd_blocked(
    p_business text, p_calendar text, p_from timestamptz, p_to timestamptz,
    p_except text default null
) returns table (s bigint, e bigint)
language sql as $$
    select extract(epoch from lower(a.blocked))::bigint, extract(epoch from upper(a.blocked))::bigint
    from appointments a
    where a.calendar_id = fd_calendar_key(p_business, p_calendar)
      and a.status <> 'cancelled' and a.blocked && tstzrange(p_from, p_to)
      and a.id is distinct from p_except
$$;

create or replace function fd_count_by_day(
    p_business text, p_calendar text, p_from timestamptz, p_to timestamptz, p_zone text
) returns table (day date, n bigint)
language sql as $$
    select (a.starts_at at time zone p_zone)::date, count(*)
    from appointments a
    where a.calendar_id = fd_calendar_key(p_business, p_calendar)
      and a.status <> 'cancelled' and a.starts_at >= p_from and a.starts_at < p_to
    group by 1
$$;

-- Reserve a slot as 'pending'. Returns {"outcome": "created" | "existing" | "conflict",
-- "appointment": ...}: "existing" is the same intent already reserved or booked.
-- A pending row older than p_stale_seconds is abandoned work: it is released and replaced.
create or replace function fd_reserve(p jsonb, p_stale_seconds int default 60) returns jsonb
language plpgsql as $$
declare
    v_calendar bigint := fd_calendar_key(p->>'business_id', p->>'calendar_id');
    v_customer bigint;
    v_row appointments;
begin
    if p->>'intent_key' is not null then
        select * into v_row from appointments
        where business_id = p->>'business_id' and intent_key = p->>'intent_key'
          and status <> 'cancelled'
        for update;
        if found then
            if v_row.status = 'pending'
               and v_row.updated_at < now() - make_interval(secs => p_stale_seconds) then
                update appointments set status = 'cancelled', cancel_reason = 'abandoned',
                       calendar_synced = false, updated_at = now()
                where id = v_row.id;
            else
                return jsonb_build_object('outcome', 'existing',
                                          'appointment', fd_appointment_json(v_row));
            end if;
        end if;
    end if;

    if p->>'customer_phone' is not null then
        insert into customers (business_id, phone, email, name)
        values (p->>'business_id', p->>'customer_phone', p->>'customer_email',
                p->>'customer_name')
        on conflict (business_id, phone) where phone is not null do update
            set name = excluded.name, email = coalesce(excluded.email, customers.email),
                updated_at = now()
        returning id into v_customer;
    end if;

    begin
        insert into appointments (
            id, business_id, calendar_id, service, starts_at, ends_at, blocked, status,
            customer_name, customer_phone, customer_email, notes, call_id, customer_id,
            intent_key, calendar_event_id)
        values (
            p->>'id', p->>'business_id', v_calendar, p->>'service',
            (p->>'starts_at')::timestamptz, (p->>'ends_at')::timestamptz,
            tstzrange((p->>'blocked_start')::timestamptz, (p->>'blocked_end')::timestamptz),
            'pending', p->>'customer_name', p->>'customer_phone', p->>'customer_email',
            p->>'notes', p->>'call_id', v_customer, p->>'intent_key', p->>'calendar_event_id')
        returning * into v_row;
    exception
        when exclusion_violation or unique_violation then
            select * into v_row from appointments
            where p->>'intent_key' is not null and business_id = p->>'business_id'
              and intent_key = p->>'intent_key' and status <> 'cancelled';
            if found then
                return jsonb_build_object('outcome', 'existing',
                                          'appointment', fd_appointment_json(v_row));
            end if;
            return jsonb_build_object('outcome', 'conflict');
    end;
    return jsonb_build_object('outcome', 'created', 'appointment', fd_appointment_json(v_row));
end
$$;

-- pending -> booked, calendar in sync. Null when the row is no longer pending.
create or replace function fd_confirm(p_id text) returns jsonb
language sql as $$
    update appointments set status = 'booked', calendar_synced = true, updated_at = now()
    where id = p_id and status = 'pending'
    returning fd_appointment_json(appointments.*)
$$;

-- pending -> cancelled (the reservation could not be completed). The calendar is left to
-- the reconciler unless the caller knows no event was made.
create or replace function fd_release(p_id text, p_reason text, p_calendar_clean boolean)
returns void
language sql as $$
    update appointments set status = 'cancelled', cancel_reason = p_reason,
           calendar_synced = p_calendar_clean, updated_at = now()
    where id = p_id and status = 'pending'
$$;

create or replace function fd_get(p_id text) returns jsonb
language sql stable as $$
    select fd_appointment_json(a) from appointments a where a.id = p_id
$$;

-- Upcoming active appointments of a business that belong to the caller: by the number that
-- is calling (p_verified_phone), or by name together with a phone number or email.
create or replace function fd_find_owned(
    p_business text, p_verified_phone text, p_phone text, p_email text, p_name text,
    p_after timestamptz, p_id text default null
) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(fd_appointment_json(a) order by a.starts_at), '[]'::jsonb)
    from appointments a
    where a.business_id = p_business and a.status = 'booked'
      and a.ends_at > p_after and (p_id is null or a.id = p_id)
      and (
        (p_verified_phone is not null and a.customer_phone = p_verified_phone)
        or (p_name is not null
            and lower(regexp_replace(trim(a.customer_name), '\s+', ' ', 'g')) = p_name
            and ((p_phone is not null and a.customer_phone = p_phone)
                 or (p_email is not null and lower(a.customer_email) = p_email)))
      )
$$;

-- Move a booked appointment in one statement: Postgres refuses the new range if it overlaps
-- another appointment, so the old time is released only when the new one is secured.
-- Returns {"outcome": "moved" | "conflict" | "not_found", "appointment": ...}.
create or replace function fd_move(
    p_id text, p_starts timestamptz, p_ends timestamptz, p_blocked_start timestamptz,
    p_blocked_end timestamptz, p_calendar_clean boolean
) returns jsonb
language plpgsql as $$
declare
    v_row appointments;
begin
    update appointments set starts_at = p_starts, ends_at = p_ends,
           blocked = tstzrange(p_blocked_start, p_blocked_end),
           calendar_synced = p_calendar_clean, updated_at = now()
    where id = p_id and status = 'booked'
    returning * into v_row;
    if not found then
        return jsonb_build_object('outcome', 'not_found');
    end if;
    return jsonb_build_object('outcome', 'moved', 'appointment', fd_appointment_json(v_row));
exception
    when exclusion_violation then
        return jsonb_build_object('outcome', 'conflict');
end
$$;

-- booked -> cancelled. Null when it was not booked.
create or replace function fd_cancel(p_id text, p_reason text, p_calendar_clean boolean)
returns jsonb
language sql as $$
    update appointments set status = 'cancelled', cancel_reason = p_reason,
           calendar_synced = p_calendar_clean, updated_at = now()
    where id = p_id and status = 'booked'
    returning fd_appointment_json(appointments.*)
$$;

create or replace function fd_mark_unsynced(p_id text) returns void
language sql as $$
    update appointments set calendar_synced = false, updated_at = now() where id = p_id
$$;

-- Rows whose calendar may be out of step, or pending past their grace, claimed for the caller
-- by bumping updated_at (a lease: another instance skips them for p_grace_seconds).
create or replace function fd_claim_unsettled(p_business text, p_grace_seconds int, p_limit int)
returns jsonb
language sql as $$
    with due as (
        select id from appointments
        where business_id = p_business and (not calendar_synced or status = 'pending')
          and updated_at < now() - make_interval(secs => p_grace_seconds)
        order by updated_at
        limit p_limit
        for update skip locked
    ), claimed as (
        update appointments a set updated_at = now()
        from due where a.id = due.id
        returning fd_appointment_json(a.*) as row
    )
    select coalesce(jsonb_agg(row), '[]'::jsonb) from claimed
$$;

-- The calendar now matches the row, unless the row changed since the caller read it.
create or replace function fd_mark_synced(p_id text, p_seen timestamptz) returns boolean
language sql as $$
    with done as (
        update appointments set calendar_synced = true
        where id = p_id and updated_at = p_seen
        returning 1
    )
    select exists (select 1 from done)
$$;
