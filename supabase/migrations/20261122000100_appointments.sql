-- Calendars and appointments. Written to apply to plain Postgres 15+ and to Supabase, and to be
-- harmless when applied twice. No extension is needed (the embedded Postgres ships none).

-- One row per bookable resource (a Google calendar, later a staff member's calendar), owned by
-- a business. The surrogate id keys the overlap constraint below.
create table if not exists calendars (
    id          bigint generated always as identity primary key,
    business_id text        not null,
    external_id text        not null,
    created_at  timestamptz not null default now(),
    unique (business_id, external_id)
);

create table if not exists appointments (
    id                text primary key,
    business_id       text        not null,
    calendar_id       bigint      not null references calendars (id),
    service           text        not null,
    starts_at         timestamptz not null,
    ends_at           timestamptz not null,
    -- The time the appointment keeps others out of: itself plus the service's buffers.
    blocked           tstzrange   not null,
    status            text        not null default 'pending'
                      check (status in ('pending', 'booked', 'cancelled')),
    customer_name     text        not null,
    customer_phone    text,
    customer_email    text,
    notes             text,
    call_id           text,
    calendar_event_id text,
    cancel_reason     text,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    check (starts_at < ends_at),
    check (blocked @> tstzrange(starts_at, ends_at)),
    -- Postgres itself refuses two active appointments whose blocked time overlaps on one
    -- calendar, whatever the application does. int8range(id, id, '[]') && int8range(...) holds
    -- exactly when the ids are equal: the same test as "calendar_id WITH =", without needing the
    -- btree_gist extension.
    constraint appointments_no_overlap exclude using gist (
        int8range(calendar_id, calendar_id, '[]') with &&,
        blocked with &&
    ) where (status <> 'cancelled')
);

create index if not exists appointments_calendar_active
    on appointments (calendar_id, starts_at) where status <> 'cancelled';
create index if not exists appointments_customer_phone
    on appointments (business_id, customer_phone) where status <> 'cancelled';
