-- Issue 15: a booking intent is answered before anything else, identity comes only from caller
-- ID, and one call or one number cannot book a whole day. Idempotent: safe to re-apply.

-- The event description carries the notes, so the reconciler needs them to re-create it.
create or replace function fd_appointment_json(a appointments) returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'id', a.id, 'business_id', a.business_id,
        'calendar_id', (select external_id from calendars c where c.id = a.calendar_id),
        'service', a.service, 'starts_at', a.starts_at, 'ends_at', a.ends_at,
        'blocked_start', lower(a.blocked), 'blocked_end', upper(a.blocked),
        'status', a.status, 'customer_name', a.customer_name,
        'customer_phone', a.customer_phone, 'customer_email', a.customer_email,
        'notes', a.notes,
        'calendar_event_id', a.calendar_event_id, 'calendar_synced', a.calendar_synced,
        'call_id', a.call_id, 'updated_at', a.updated_at)
$$;

-- The active appointment of a booking intent (same call, service and start), if any.
create or replace function fd_by_intent(p_business text, p_intent text) returns jsonb
language sql stable as $$
    select fd_appointment_json(a) from appointments a
    where a.business_id = p_business and a.intent_key = p_intent and a.status <> 'cancelled'
$$;

-- Reserve a slot as 'pending'. Returns {"outcome": "created" | "existing" | "conflict" |
-- "limit_call" | "limit_phone", "appointment": ...}: "existing" is the same intent already
-- reserved or booked. A pending row older than p_stale_seconds is abandoned work: it is
-- released and replaced.
-- Identity: the customer row is the caller ID's (p->>'caller_phone'); the phone the caller gave
-- is contact information stored on this appointment only, never a customer's name or identity.
-- Limits: at most p->>'max_per_call' active bookings per call and p->>'max_per_phone_per_day'
-- per contact number per local day (p->>'zone'); advisory locks serialise the counting.
create or replace function fd_reserve(p jsonb, p_stale_seconds int default 60) returns jsonb
language plpgsql as $$
declare
    v_business text := p->>'business_id';
    v_calendar bigint := fd_calendar_key(p->>'business_id', p->>'calendar_id');
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
            id, business_id, calendar_id, service, starts_at, ends_at, blocked, status,
            customer_name, customer_phone, customer_email, notes, call_id, customer_id,
            intent_key, calendar_event_id)
        values (
            p->>'id', v_business, v_calendar, p->>'service',
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

-- Upcoming active appointments of a business that belong to the caller: booked by the number
-- that is calling (p_verified_phone, through the customer its caller ID made), or by name
-- together with the phone number or email given for the booking.
create or replace function fd_find_owned(
    p_business text, p_verified_phone text, p_phone text, p_email text, p_name text,
    p_after timestamptz, p_id text default null
) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(fd_appointment_json(a) order by a.starts_at), '[]'::jsonb)
    from appointments a
    left join customers c on c.id = a.customer_id
    where a.business_id = p_business and a.status = 'booked'
      and a.ends_at > p_after and (p_id is null or a.id = p_id)
      and (
        (p_verified_phone is not null and c.phone = p_verified_phone)
        or (p_name is not null
            and lower(regexp_replace(trim(a.customer_name), '\s+', ' ', 'g')) = p_name
            and ((p_phone is not null and a.customer_phone = p_phone)
                 or (p_email is not null and lower(a.customer_email) = p_email)))
      )
$$;

-- The greeting's name and next appointment: only what this caller ID booked.
create or replace function fd_caller(p_business text, p_phone text, p_after timestamptz)
returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'name', (select name from customers where business_id = p_business and phone = p_phone),
        'next', (select fd_appointment_json(a) from appointments a
                 join customers c on c.id = a.customer_id
                 where a.business_id = p_business and c.phone = p_phone
                   and a.status = 'booked' and a.starts_at > p_after
                 order by a.starts_at limit 1))
$$;
