-- Issue 11: staff and shared rooms. Each staff member books into their own calendar (its own
-- row of `calendars`, so appointments_no_overlap already keeps one person from being booked
-- twice at once); a room unit is a resource with the same guarantee. Existing rows stay valid:
-- the new columns are nullable (no staff recorded = the business calendar, no room).

alter table appointments add column if not exists staff_id text;

-- One row per unit of a shared room ("whitening-suite#1"), owned by a business.
create table if not exists room_units (
    id          bigint generated always as identity primary key,
    business_id text        not null,
    unit        text        not null,
    created_at  timestamptz not null default now(),
    unique (business_id, unit)
);

alter table appointments add column if not exists room_unit_id bigint references room_units (id);

-- The same test as for calendars: two active appointments on one room unit never overlap.
do $$
begin
    if not exists (select 1 from pg_constraint where conname = 'appointments_room_no_overlap') then
        alter table appointments add constraint appointments_room_no_overlap
            exclude using gist (
                int8range(room_unit_id, room_unit_id, '[]') with &&,
                blocked with &&
            ) where (status <> 'cancelled' and room_unit_id is not null);
    end if;
end
$$;

create index if not exists appointments_room_active
    on appointments (room_unit_id, starts_at)
    where status <> 'cancelled' and room_unit_id is not null;

create or replace function fd_room_key(p_business text, p_unit text) returns bigint
language sql as $$
    insert into room_units (business_id, unit) values (p_business, p_unit)
    on conflict (business_id, unit) do update set business_id = excluded.business_id
    returning id
$$;

create or replace function fd_appointment_json(a appointments) returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'id', a.id, 'business_id', a.business_id,
        'calendar_id', (select external_id from calendars c where c.id = a.calendar_id),
        'staff_id', a.staff_id,
        'room_unit', (select unit from room_units r where r.id = a.room_unit_id),
        'service', a.service, 'starts_at', a.starts_at, 'ends_at', a.ends_at,
        'blocked_start', lower(a.blocked), 'blocked_end', upper(a.blocked),
        'status', a.status, 'customer_name', a.customer_name,
        'customer_phone', a.customer_phone, 'customer_email', a.customer_email,
        'notes', a.notes,
        'calendar_event_id', a.calendar_event_id, 'calendar_synced', a.calendar_synced,
        'call_id', a.call_id, 'created_at', a.created_at, 'updated_at', a.updated_at)
$$;

-- Our appointments' blocked spans over [p_from, p_to) for several calendars and room units at
-- once (one round trip per search, however many staff): rows of (kind, key, s, e) where kind
-- is 'calendar' (key: its external id) or 'room' (key: the unit).
create or replace function fd_blocked_each(
    p_business text, p_calendars text[], p_units text[], p_from timestamptz, p_to timestamptz,
    p_except text default null
) returns table (kind text, key text, s bigint, e bigint)
language sql stable as $$
    select 'calendar', c.external_id,
           extract(epoch from lower(a.blocked))::bigint, extract(epoch from upper(a.blocked))::bigint
    from appointments a join calendars c on c.id = a.calendar_id
    where c.business_id = p_business and c.external_id = any(p_calendars)
      and a.status <> 'cancelled' and a.blocked && tstzrange(p_from, p_to)
      and a.id is distinct from p_except
    union all
    select 'room', r.unit,
           extract(epoch from lower(a.blocked))::bigint, extract(epoch from upper(a.blocked))::bigint
    from appointments a join room_units r on r.id = a.room_unit_id
    where r.business_id = p_business and r.unit = any(p_units)
      and a.status <> 'cancelled' and a.blocked && tstzrange(p_from, p_to)
      and a.id is distinct from p_except
$$;

-- Active appointments per calendar and local date (in p_zone) starting in [p_from, p_to).
create or replace function fd_count_by_day_each(
    p_business text, p_calendars text[], p_from timestamptz, p_to timestamptz, p_zone text,
    p_except text default null
) returns table (calendar text, day date, n bigint)
language sql stable as $$
    select c.external_id, (a.starts_at at time zone p_zone)::date, count(*)
    from appointments a join calendars c on c.id = a.calendar_id
    where c.business_id = p_business and c.external_id = any(p_calendars)
      and a.status <> 'cancelled' and a.starts_at >= p_from and a.starts_at < p_to
      and a.id is distinct from p_except
    group by 1, 2
$$;

-- What fair assignment weighs, per calendar: booked minutes of active appointments starting in
-- [p_from, p_to), and when an appointment was last assigned to it (any time).
create or replace function fd_staff_load(
    p_business text, p_calendars text[], p_from timestamptz, p_to timestamptz
) returns table (calendar text, minutes bigint, last_assigned timestamptz)
language sql stable as $$
    select c.external_id,
           coalesce((select sum(extract(epoch from a.ends_at - a.starts_at))::bigint / 60
                     from appointments a
                     where a.calendar_id = c.id and a.status <> 'cancelled'
                       and a.starts_at >= p_from and a.starts_at < p_to), 0),
           (select max(a.created_at) from appointments a
            where a.calendar_id = c.id and a.status <> 'cancelled')
    from calendars c
    where c.business_id = p_business and c.external_id = any(p_calendars)
$$;

-- The mirror's busy spans, each with its calendar, and whether every calendar asked for was
-- synced recently enough to trust them.
create or replace function fd_mirror_busy_each(
    p_business text, p_calendars text[], p_from timestamptz, p_to timestamptz,
    p_fresh_seconds int
) returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'fresh', (select count(*) = cardinality(p_calendars) from calendar_sync
                  where business_id = p_business and calendar_id = any(p_calendars)
                    and synced_at > now() - make_interval(secs => p_fresh_seconds)),
        'spans', coalesce((
            select jsonb_agg(jsonb_build_array(calendar_id,
                                               extract(epoch from starts_at)::bigint,
                                               extract(epoch from ends_at)::bigint))
            from calendar_mirror
            where business_id = p_business and calendar_id = any(p_calendars) and busy
              and starts_at < p_to and ends_at > p_from), '[]'::jsonb))
$$;

-- fd_reserve as before (20261123000100), plus the staff member, the room unit, and the
-- member's daily cap (p->>'max_per_day_staff', counted under an advisory lock per calendar
-- and day): outcome "limit_staff_day" when that person's day is full.
create or replace function fd_reserve(p jsonb, p_stale_seconds int default 60) returns jsonb
language plpgsql as $$
declare
    v_business text := p->>'business_id';
    v_calendar bigint := fd_calendar_key(p->>'business_id', p->>'calendar_id');
    v_room bigint := case when p->>'room_unit' is null then null
                          else fd_room_key(p->>'business_id', p->>'room_unit') end;
    v_starts timestamptz := (p->>'starts_at')::timestamptz;
    v_zone text := coalesce(p->>'zone', 'UTC');
    v_customer bigint;
    v_row appointments;
begin
    if p->>'intent_key' is not null then
        select * into v_row from appointments
        where business_id = v_business and intent_key = p->>'intent_key'
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

    if p->>'call_id' is not null and p->>'max_per_call' is not null then
        perform pg_advisory_xact_lock(hashtextextended('fd_call|' || v_business || '|'
                                                       || (p->>'call_id'), 0));
        if (select count(*) from appointments
            where business_id = v_business and call_id = p->>'call_id'
              and status <> 'cancelled') >= (p->>'max_per_call')::int then
            return jsonb_build_object('outcome', 'limit_call');
        end if;
    end if;
    if p->>'customer_phone' is not null and p->>'max_per_phone_per_day' is not null then
        perform pg_advisory_xact_lock(hashtextextended('fd_phone|' || v_business || '|'
                                                       || (p->>'customer_phone'), 0));
        if (select count(*) from appointments
            where business_id = v_business and customer_phone = p->>'customer_phone'
              and status <> 'cancelled'
              and (starts_at at time zone v_zone)::date = (v_starts at time zone v_zone)::date)
           >= (p->>'max_per_phone_per_day')::int then
            return jsonb_build_object('outcome', 'limit_phone');
        end if;
    end if;
    if p->>'max_per_day_staff' is not null then
        perform pg_advisory_xact_lock(hashtextextended(
            'fd_staff_day|' || v_calendar || '|' || (v_starts at time zone v_zone)::date, 0));
        if (select count(*) from appointments
            where calendar_id = v_calendar and status <> 'cancelled'
              and (starts_at at time zone v_zone)::date = (v_starts at time zone v_zone)::date)
           >= (p->>'max_per_day_staff')::int then
            return jsonb_build_object('outcome', 'limit_staff_day');
        end if;
    end if;

    if p->>'caller_phone' is not null then
        insert into customers (business_id, phone, email, name)
        values (v_business, p->>'caller_phone', p->>'customer_email', p->>'customer_name')
        on conflict (business_id, phone) where phone is not null do update
            set name = excluded.name, email = coalesce(excluded.email, customers.email),
                updated_at = now()
        returning id into v_customer;
    end if;

    begin
        insert into appointments (
            id, business_id, calendar_id, staff_id, room_unit_id, service, starts_at, ends_at,
            blocked, status, customer_name, customer_phone, customer_email, notes, call_id,
            customer_id, intent_key, calendar_event_id)
        values (
            p->>'id', v_business, v_calendar, p->>'staff_id', v_room, p->>'service',
            v_starts, (p->>'ends_at')::timestamptz,
            tstzrange((p->>'blocked_start')::timestamptz, (p->>'blocked_end')::timestamptz),
            'pending', p->>'customer_name', p->>'customer_phone', p->>'customer_email',
            p->>'notes', p->>'call_id', v_customer, p->>'intent_key', p->>'calendar_event_id')
        returning * into v_row;
    exception
        when exclusion_violation or unique_violation then
            select * into v_row from appointments
            where p->>'intent_key' is not null and business_id = v_business
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

-- Move a booked appointment, possibly to another staff member's calendar and another room
-- unit, in one statement: Postgres refuses the new place if it overlaps another appointment of
-- that person or unit, so the old one is given up only when the new one is secured.
-- Without the keys calendar_id / room_unit, the calendar (and staff) / the room unit are kept.
create or replace function fd_relocate(p jsonb) returns jsonb
language plpgsql as $$
declare
    v_row appointments;
    v_business text := (select business_id from appointments where id = p->>'id');
begin
    update appointments set starts_at = (p->>'starts_at')::timestamptz,
           ends_at = (p->>'ends_at')::timestamptz,
           blocked = tstzrange((p->>'blocked_start')::timestamptz,
                               (p->>'blocked_end')::timestamptz),
           calendar_id = case when p->>'calendar_id' is null then calendar_id
                              else fd_calendar_key(v_business, p->>'calendar_id') end,
           staff_id = case when p->>'calendar_id' is null then staff_id else p->>'staff_id' end,
           room_unit_id = case when not (p ? 'room_unit') then room_unit_id
                               when p->>'room_unit' is null then null
                               else fd_room_key(v_business, p->>'room_unit') end,
           calendar_synced = (p->>'calendar_clean')::boolean, updated_at = now()
    where id = p->>'id' and status = 'booked'
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

-- History: a change of person (calendar) is a move too.
create or replace function fd_record_appointment_history() returns trigger
language plpgsql as $$
declare
    v_action text;
    v_actor text := nullif(current_setting('frontdesk.actor', true), '');
begin
    if tg_op = 'INSERT' then
        v_action := case new.status when 'pending' then 'reserved' else new.status end;
    elsif new.status is distinct from old.status then
        v_action := case
            when new.status = 'cancelled' and old.status = 'pending' then 'released'
            else new.status end;
    elsif new.starts_at is distinct from old.starts_at or new.ends_at is distinct from old.ends_at
          or new.calendar_id is distinct from old.calendar_id then
        v_action := 'moved';
    elsif new.notes is distinct from old.notes then
        v_action := 'noted';
    else
        return null;  -- bookkeeping (calendar sync flags, leases): not an event in its life
    end if;
    insert into appointment_history (
        appointment_id, business_id, action, actor, status, starts_at, ends_at,
        previous_starts_at, call_id, reason, notes)
    values (
        new.id, new.business_id, v_action,
        coalesce(v_actor, case when v_action = 'released' then 'system' else 'caller' end),
        new.status, new.starts_at, new.ends_at,
        case when tg_op = 'UPDATE' and v_action = 'moved' then old.starts_at end,
        new.call_id, case when new.status = 'cancelled' then new.cancel_reason end, new.notes);
    return null;
end
$$;
