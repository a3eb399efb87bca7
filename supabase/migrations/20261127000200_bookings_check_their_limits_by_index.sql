-- Issue 16: what a booking asks Postgres no longer grows with the business's appointments.
-- Measured on the 8-staff bench world with 2,653 appointments, one booking at a time
-- (pg_stat_statements): fd_reserve 1.43 ms, of which the per-call cap's count 0.59 ms (it read
-- every active appointment of the business: no index has call_id) and the person's daily cap
-- 0.29 ms (every active appointment of the calendar: the local date is not indexable);
-- fd_staff_load's "last assigned" read every active appointment of each calendar; and every
-- reservation rewrote (and locked, to its commit) its calendar's row to learn its key.
--
-- A calendar's key is now read, and its row only ever inserted, never rewritten: with the
-- version taken before an appointment's insert (20261127000100), a reservation holding the
-- version must not wait on a calendar row another reservation rewrote, or the two deadlock
-- (seen in the bench's first bookings of each person).

create index if not exists appointments_call
    on appointments (business_id, call_id) where status <> 'cancelled';
create index if not exists appointments_calendar_assigned
    on appointments (calendar_id, created_at) where status <> 'cancelled';

-- A calendar's or room unit's key: read, and written only the first time.
create or replace function fd_calendar_key(p_business text, p_calendar text) returns bigint
language plpgsql as $$
declare
    v_id bigint;
begin
    select id into v_id from calendars where business_id = p_business and external_id = p_calendar;
    if v_id is null then
        insert into calendars (business_id, external_id) values (p_business, p_calendar)
        on conflict (business_id, external_id) do nothing
        returning id into v_id;
    end if;
    if v_id is null then  -- another transaction made it meanwhile (the insert waited for it)
        select id into v_id from calendars where business_id = p_business and external_id = p_calendar;
    end if;
    return v_id;
end
$$;

create or replace function fd_room_key(p_business text, p_unit text) returns bigint
language plpgsql as $$
declare
    v_id bigint;
begin
    select id into v_id from room_units where business_id = p_business and unit = p_unit;
    if v_id is null then
        insert into room_units (business_id, unit) values (p_business, p_unit)
        on conflict (business_id, unit) do nothing
        returning id into v_id;
    end if;
    if v_id is null then  -- another transaction made it meanwhile (the insert waited for it)
        select id into v_id from room_units where business_id = p_business and unit = p_unit;
    end if;
    return v_id;
end
$$;


-- fd_reserve as in 20261124001100, its person's daily cap counted over an index range (a
-- start on the same local date lies within two days of it) before the exact test of the date.
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
              and starts_at > v_starts - interval '2 days'
              and starts_at < v_starts + interval '2 days'
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
