-- Issue 13: the business's other systems hear of every booking, move and cancellation, by the
-- caller, staff in Google or an operator. The business's channels (its [webhooks], else a log
-- line) are mirrored here at start-up so the history trigger can write the sends in the same
-- transaction as the change.

create table if not exists business_channels (
    business_id text  not null,
    channel     text  not null,  -- webhook | log
    config      jsonb not null default '{}'::jsonb,  -- webhook: {"url", "secret_env"}
    primary key (business_id, channel)
);

create or replace function fd_set_channels(p_business text, p jsonb) returns void
language plpgsql as $$
begin
    delete from business_channels where business_id = p_business;
    insert into business_channels (business_id, channel, config)
    select p_business, c->>'channel', coalesce(c->'config', '{}'::jsonb)
    from jsonb_array_elements(p) c;
end
$$;

-- `email` lets a confirmation be emailed; `sequence` (the history row's id) orders an
-- appointment's calendar files (SEQUENCE).
create or replace function fd_announce_appointment_event() returns trigger
language plpgsql as $$
declare
    v_type text := case new.action
        when 'booked' then 'appointment.booked'
        when 'moved' then 'appointment.rescheduled'
        when 'cancelled' then 'appointment.cancelled'
    end;
    v_data jsonb;
begin
    if v_type is null then
        return null;
    end if;
    select jsonb_build_object(
        'appointment_id', a.id, 'service', a.service, 'starts_at', a.starts_at,
        'ends_at', a.ends_at, 'previous_starts_at', new.previous_starts_at,
        'staff_id', a.staff_id, 'name', a.customer_name, 'phone', a.customer_phone,
        'email', a.customer_email, 'status', a.status, 'by', new.actor, 'reason', new.reason,
        'call_id', a.call_id, 'sequence', new.id)
    into v_data
    from appointments a where a.id = new.appointment_id;
    insert into outbox (id, business_id, channel, kind, payload)
    select 'evt_' || md5(new.id::text || '|' || c.channel), new.business_id, c.channel, v_type,
           jsonb_build_object(
               'event', jsonb_build_object(
                   'id', 'evt_' || md5(new.id::text || '|' || c.channel), 'type', v_type,
                   'created_at', new.at, 'business_id', new.business_id, 'data', v_data))
           || c.config
    from business_channels c where c.business_id = new.business_id
    on conflict (id) do nothing;
    return null;
end
$$;

create or replace trigger appointment_history_events
    after insert on appointment_history
    for each row execute function fd_announce_appointment_event();
