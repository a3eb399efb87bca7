-- The calendar mirror's and push channels' statements as functions, like the rest of the store:
-- app/db/calendar_mirror.py only calls them.

create or replace function fd_mirror_sync_token(p_business text, p_calendar text)
returns text
language sql stable as $$
    select sync_token from calendar_sync
    where business_id = p_business and calendar_id = p_calendar
$$;

-- Fold one sync's changes (a jsonb array of {event_id, cancelled, start, end, busy,
-- appointment_id}, in Google's order) into the mirror and keep the next sync token. A full
-- listing replaces the calendar's mirror. An event listed twice counts as its last state.
create or replace function fd_mirror_save(
    p_business text, p_calendar text, p_changes jsonb, p_token text, p_full boolean
) returns void
language plpgsql as $$
begin
    if p_full then
        delete from calendar_mirror where business_id = p_business and calendar_id = p_calendar;
    end if;
    with batch as (
        select distinct on (c.value->>'event_id')
            c.value->>'event_id' as event_id,
            not coalesce((c.value->>'cancelled')::boolean, false)
                and c.value->>'start' is not null and c.value->>'end' is not null as live,
            (c.value->>'start')::timestamptz as starts_at,
            (c.value->>'end')::timestamptz as ends_at,
            coalesce((c.value->>'busy')::boolean, true) as busy,
            c.value->>'appointment_id' as appointment_id
        from jsonb_array_elements(p_changes) with ordinality as c(value, position)
        order by c.value->>'event_id', c.position desc
    ), gone as (
        delete from calendar_mirror m using batch b
        where m.business_id = p_business and m.calendar_id = p_calendar
          and m.event_id = b.event_id and not b.live
    )
    insert into calendar_mirror (business_id, calendar_id, event_id, starts_at, ends_at, busy,
                                 appointment_id)
    select p_business, p_calendar, b.event_id, b.starts_at, b.ends_at, b.busy, b.appointment_id
    from batch b where b.live
    on conflict (business_id, calendar_id, event_id) do update set
        starts_at = excluded.starts_at, ends_at = excluded.ends_at, busy = excluded.busy,
        appointment_id = excluded.appointment_id, updated_at = now();
    update calendar_sync set sync_token = p_token, synced_at = now(), lease_until = null
    where business_id = p_business and calendar_id = p_calendar;
end
$$;

-- [appointment id, event id] of booked, in-step appointments on the calendar ending after
-- p_after and last changed before p_listed_at: what a full listing must contain.
create or replace function fd_mirror_booked_before(
    p_business text, p_calendar text, p_after timestamptz, p_listed_at timestamptz
) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(jsonb_build_array(a.id, a.calendar_event_id)), '[]'::jsonb)
    from appointments a join calendars c on c.id = a.calendar_id
    where c.business_id = p_business and c.external_id = p_calendar and a.status = 'booked'
      and a.calendar_synced and a.ends_at > p_after and a.updated_at < p_listed_at
      and a.calendar_event_id is not null
$$;

-- A live push channel: {calendar_id, token}, or null when unknown or expired.
create or replace function fd_channel(p_business text, p_channel text)
returns jsonb
language sql stable as $$
    select jsonb_build_object('calendar_id', calendar_id, 'token', token)
    from calendar_channels
    where channel_id = p_channel and business_id = p_business and expires_at > now()
$$;

create or replace function fd_keep_channel(
    p_business text, p_channel text, p_calendar text, p_resource text, p_token text,
    p_expires timestamptz
) returns void
language sql as $$
    insert into calendar_channels (channel_id, business_id, calendar_id, resource_id, token,
                                   expires_at)
    values (p_channel, p_business, p_calendar, p_resource, p_token, p_expires)
$$;

create or replace function fd_forget_channel(p_channel text) returns void
language sql as $$
    delete from calendar_channels where channel_id = p_channel
$$;

-- Give the sync lease back early (a sync that failed), so the next one need not wait it out.
create or replace function fd_sync_release(p_business text, p_calendar text) returns void
language sql as $$
    update calendar_sync set lease_until = null
    where business_id = p_business and calendar_id = p_calendar
$$;
