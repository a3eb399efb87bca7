-- Google Calendar sync: a mirror of busy time kept current by incremental sync, the sync state
-- per calendar (token, freshness, a lease so one instance syncs at a time), and push channels.

create table if not exists calendar_mirror (
    business_id    text        not null,
    calendar_id    text        not null,
    event_id       text        not null,
    starts_at      timestamptz not null,
    ends_at        timestamptz not null,
    busy           boolean     not null default true,
    appointment_id text,
    updated_at     timestamptz not null default now(),
    primary key (business_id, calendar_id, event_id)
);
create index if not exists calendar_mirror_time on calendar_mirror (business_id, calendar_id, starts_at);

create table if not exists calendar_sync (
    business_id text not null,
    calendar_id text not null,
    sync_token  text,
    synced_at   timestamptz,
    lease_until timestamptz,
    primary key (business_id, calendar_id)
);

create table if not exists calendar_channels (
    channel_id  text primary key,
    business_id text        not null,
    calendar_id text        not null,
    resource_id text        not null,
    token       text        not null,
    expires_at  timestamptz not null,
    created_at  timestamptz not null default now()
);

-- Busy spans from the mirror, and whether every calendar asked for was synced recently enough
-- to trust them.
create or replace function fd_mirror_busy(
    p_business text, p_calendars text[], p_from timestamptz, p_to timestamptz,
    p_fresh_seconds int
) returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'fresh', (select count(*) = cardinality(p_calendars) from calendar_sync
                  where business_id = p_business and calendar_id = any(p_calendars)
                    and synced_at > now() - make_interval(secs => p_fresh_seconds)),
        'spans', coalesce((
            select jsonb_agg(jsonb_build_array(extract(epoch from starts_at)::bigint,
                                               extract(epoch from ends_at)::bigint))
            from calendar_mirror
            where business_id = p_business and calendar_id = any(p_calendars) and busy
              and starts_at < p_to and ends_at > p_from), '[]'::jsonb))
$$;

-- Take the calendar's sync lease for p_seconds; false when another instance holds it.
create or replace function fd_sync_lease(p_business text, p_calendar text, p_seconds int)
returns boolean
language plpgsql as $$
begin
    insert into calendar_sync (business_id, calendar_id) values (p_business, p_calendar)
    on conflict do nothing;
    update calendar_sync set lease_until = now() + make_interval(secs => p_seconds)
    where business_id = p_business and calendar_id = p_calendar
      and (lease_until is null or lease_until < now());
    return found;
end
$$;
