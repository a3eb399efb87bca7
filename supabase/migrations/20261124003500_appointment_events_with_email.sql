-- Issue 13: appointment events carry the customer's email, so a confirmation can be emailed
-- (with an .ics file) when the business sends them; and the history row's id, which orders an
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
