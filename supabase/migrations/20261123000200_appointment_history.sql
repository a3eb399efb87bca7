-- What happened to each appointment, kept for good: booked, moved, cancelled, and by whom
-- (the caller, staff editing the calendar, an operator, or the system releasing abandoned work).
-- Rows are written by a trigger on appointments, so no code path can forget; the actor comes
-- from the transaction's `frontdesk.actor` setting (app/db/history.py), else it is inferred.

create table if not exists appointment_history (
    id                 bigint generated always as identity primary key,
    appointment_id     text        not null,
    business_id        text        not null,
    at                 timestamptz not null default clock_timestamp(),
    action             text        not null,  -- reserved | booked | moved | cancelled | released | noted | resync
    actor              text        not null,  -- caller | staff | operator | system
    status             text,
    starts_at          timestamptz,
    ends_at            timestamptz,
    previous_starts_at timestamptz,
    call_id            text,
    reason             text,
    notes              text
);
create index if not exists appointment_history_appointment
    on appointment_history (appointment_id, id);

-- Append-only: history that can be edited is not history.
create or replace function fd_history_is_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'appointment_history is append-only';
end
$$;
create or replace trigger appointment_history_append_only
    before update or delete on appointment_history
    for each row execute function fd_history_is_append_only();

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
    then
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
create or replace trigger appointments_history
    after insert or update on appointments
    for each row execute function fd_record_appointment_history();

-- An operator's note on an appointment's history (e.g. a resync they asked for).
create or replace function fd_note_history(
    p_appointment text, p_action text, p_actor text, p_reason text
) returns void
language sql as $$
    insert into appointment_history (
        appointment_id, business_id, action, actor, status, starts_at, ends_at, call_id, reason)
    select a.id, a.business_id, p_action, p_actor, a.status, a.starts_at, a.ends_at, a.call_id,
           p_reason
    from appointments a where a.id = p_appointment
$$;

create or replace function fd_appointment_history(p_appointment text) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(jsonb_build_object(
        'at', h.at, 'action', h.action, 'actor', h.actor, 'status', h.status,
        'starts_at', h.starts_at, 'ends_at', h.ends_at,
        'previous_starts_at', h.previous_starts_at, 'call_id', h.call_id,
        'reason', h.reason, 'notes', h.notes) order by h.id), '[]'::jsonb)
    from appointment_history h where h.appointment_id = p_appointment
$$;

-- Calls from a number and/or on a day, newest first, with how many tool calls each made.
-- p_phone is digits only and matches the end of the number (a number said without its country
-- code still finds the call).
create or replace function fd_find_calls(
    p_business text, p_phone text, p_from timestamptz, p_to timestamptz
) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(jsonb_build_object(
        'call_id', c.call_id, 'from_number', c.from_number, 'started_at', c.started_at,
        'ended_at', c.ended_at, 'call_status', c.call_status, 'summary', c.summary,
        'tool_calls', (select count(*) from tool_calls t where t.call_id = c.call_id),
        'appointments', (select coalesce(jsonb_agg(distinct t.appointment_id), '[]'::jsonb)
                         from tool_calls t
                         where t.call_id = c.call_id and t.appointment_id is not null))
        order by c.started_at desc nulls last), '[]'::jsonb)
    from calls c
    where c.business_id = p_business
      and (p_phone is null
           or right(regexp_replace(c.from_number, '\D', '', 'g'), length(p_phone)) = p_phone)
      and (p_from is null or coalesce(c.started_at, c.created_at) >= p_from)
      and (p_to is null or coalesce(c.started_at, c.created_at) < p_to)
$$;

-- The call trace, now with each appointment's history.
create or replace function fd_call_trace(p_call_id text) returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'call', (select to_jsonb(c) from calls c where c.call_id = p_call_id),
        'tool_calls', coalesce((
            select jsonb_agg(jsonb_build_object(
                'tool', t.tool, 'outcome', t.outcome, 'duration_ms', t.duration_ms,
                'appointment_id', t.appointment_id, 'at', t.created_at) order by t.created_at)
            from tool_calls t where t.call_id = p_call_id), '[]'::jsonb),
        'appointments', coalesce((
            select jsonb_agg(fd_appointment_json(a)
                             || jsonb_build_object('history', fd_appointment_history(a.id))
                             order by a.created_at)
            from appointments a
            where a.call_id = p_call_id
               or a.id in (select appointment_id from tool_calls where call_id = p_call_id)
        ), '[]'::jsonb))
$$;
