-- Issue 13: reminders before each booked appointment, kept in step with it (a move moves them,
-- a cancellation withdraws them), and the `call.ended` event with the appointments it touched.
-- Both are outbox rows written in the transaction of the change.

-- The hours before an appointment its reminders go out, per business ([notify] reminder_hours).
create table if not exists business_reminders (
    business_id text primary key,
    hours       int[] not null default '{}'
);

create or replace function fd_set_reminders(p_business text, p_hours int[]) returns void
language sql as $$
    insert into business_reminders (business_id, hours) values (p_business, p_hours)
    on conflict (business_id) do update set hours = excluded.hours
$$;

alter table outbox add column if not exists appointment_id text;
alter table outbox add column if not exists withdrawn_at timestamptz;
create index if not exists outbox_appointment on outbox (appointment_id)
    where appointment_id is not null and sent_at is null;

-- Booked: a reminder row per configured hour (those already past are not made). Moved: the
-- unsent reminders move with it (those now past are withdrawn). Cancelled: withdrawn.
create or replace function fd_keep_reminders() returns trigger
language plpgsql as $$
declare
    v_hours int[];
    v_phone text;
    v_data jsonb;
begin
    if new.action not in ('booked', 'moved', 'cancelled') then
        return null;
    end if;
    if new.action = 'cancelled' then
        update outbox set withdrawn_at = now(), failed_at = now(), last_error = 'withdrawn'
        where appointment_id = new.appointment_id and kind = 'appointment.reminder'
          and sent_at is null and failed_at is null;
        return null;
    end if;
    select hours into v_hours from business_reminders where business_id = new.business_id;
    if v_hours is null or cardinality(v_hours) = 0 then
        return null;
    end if;
    if new.action = 'moved' then
        update outbox set withdrawn_at = now(), failed_at = now(), last_error = 'moved'
        where appointment_id = new.appointment_id and kind = 'appointment.reminder'
          and sent_at is null and failed_at is null;
    end if;
    select a.customer_phone,
           jsonb_build_object('appointment_id', a.id, 'service', a.service,
                              'starts_at', a.starts_at, 'ends_at', a.ends_at,
                              'staff_id', a.staff_id, 'name', a.customer_name,
                              'phone', a.customer_phone)
    into v_phone, v_data
    from appointments a where a.id = new.appointment_id;
    if v_phone is null then
        return null;
    end if;
    insert into outbox (id, business_id, channel, kind, payload, due_at, appointment_id)
    select 'rem_' || md5(new.id::text || '|' || h), new.business_id, 'sms',
           'appointment.reminder',
           jsonb_build_object('event', jsonb_build_object(
               'id', 'rem_' || md5(new.id::text || '|' || h), 'type', 'appointment.reminder',
               'created_at', new.at, 'business_id', new.business_id,
               'data', v_data || jsonb_build_object('hours_before', h))),
           new.starts_at - make_interval(hours => h), new.appointment_id
    from unnest(v_hours) h
    where new.starts_at - make_interval(hours => h) > now()
    on conflict (id) do nothing;
    return null;
end
$$;

create or replace trigger appointment_history_reminders
    after insert on appointment_history
    for each row execute function fd_keep_reminders();

-- call.ended: when Retell says a call ended (its call_ended event, whatever order events come
-- in), the business's channels hear of it with the appointments the call touched. Once per call
-- and channel (the event id is derived from the call).
create or replace function fd_announce_call_ended() returns trigger
language plpgsql as $$
declare
    v_call calls;
    v_data jsonb;
begin
    if new.event is distinct from 'call_ended' or new.call_id is null then
        return null;
    end if;
    select * into v_call from calls where call_id = new.call_id and business_id = new.business_id;
    -- This event's own call object first: the calls row is brought up to date after it.
    v_data := jsonb_build_object(
        'call_id', new.call_id,
        'from_number', coalesce(new.payload->'call'->>'from_number', v_call.from_number),
        'ended_at', coalesce(fd_ms(new.payload->'call'->'end_timestamp'), v_call.ended_at),
        'duration_ms', coalesce((new.payload->'call'->>'duration_ms')::bigint, v_call.duration_ms),
        'disconnection_reason', coalesce(new.payload->'call'->>'disconnection_reason',
                                         v_call.disconnection_reason),
        'tools', coalesce((select jsonb_agg(jsonb_build_array(t.tool, t.outcome)
                                            order by t.created_at)
                           from tool_calls t
                           where t.call_id = new.call_id and t.business_id = new.business_id),
                          '[]'::jsonb),
        'appointments', coalesce((select jsonb_agg(distinct t.appointment_id)
                                  from tool_calls t
                                  where t.call_id = new.call_id
                                    and t.business_id = new.business_id
                                    and t.appointment_id is not null), '[]'::jsonb));
    insert into outbox (id, business_id, channel, kind, payload)
    select 'evt_' || md5('call.ended|' || new.call_id || '|' || c.channel), new.business_id,
           c.channel, 'call.ended',
           jsonb_build_object('event', jsonb_build_object(
               'id', 'evt_' || md5('call.ended|' || new.call_id || '|' || c.channel),
               'type', 'call.ended', 'created_at', now(), 'business_id', new.business_id,
               'data', v_data)) || c.config
    from business_channels c
    where c.business_id = new.business_id and c.channel in ('webhook', 'log')
    on conflict (id) do nothing;
    return null;
end
$$;

create or replace trigger call_events_announce_ended
    after insert on call_events
    for each row execute function fd_announce_call_ended();
