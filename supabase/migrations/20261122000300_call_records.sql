-- Call records from Retell's webhooks, the trace of tool calls per call, and caller lookup.

alter table calls add column if not exists call_status text;
alter table calls add column if not exists ended_at timestamptz;
alter table calls add column if not exists duration_ms bigint;
alter table calls add column if not exists disconnection_reason text;
alter table calls add column if not exists transcript text;
alter table calls add column if not exists summary text;
alter table calls add column if not exists last_event text;

-- Every webhook event as received (unknown events too): the raw material, kept whole.
create table if not exists call_events (
    id          bigint generated always as identity primary key,
    call_id     text,
    business_id text        not null,
    event       text        not null,
    payload     jsonb       not null,
    received_at timestamptz not null default now()
);
create index if not exists call_events_call on call_events (call_id, received_at);

create or replace function fd_ms(p_value jsonb) returns timestamptz
language sql immutable as $$
    select case when jsonb_typeof(p_value) = 'number'
                then to_timestamp((p_value::text)::numeric / 1000) end
$$;

-- Webhooks can arrive out of order: the call's state only moves forward.
create or replace function fd_event_rank(p_event text) returns int
language sql immutable as $$
    select case p_event when 'call_started' then 1 when 'call_ended' then 2
                        when 'call_analyzed' then 3 else 0 end
$$;

-- Store one webhook event and fold what it says into the call's row.
create or replace function fd_record_call_event(p_business text, p_event text, p_payload jsonb)
returns void
language plpgsql as $$
declare
    v_call jsonb := coalesce(p_payload->'call', '{}'::jsonb);
    v_id text := v_call->>'call_id';
begin
    insert into call_events (call_id, business_id, event, payload)
    values (v_id, p_business, p_event, p_payload);
    if v_id is null then
        return;
    end if;
    insert into calls as c (
        call_id, business_id, agent_id, direction, from_number, to_number, started_at,
        call_status, ended_at, duration_ms, disconnection_reason, transcript, summary, last_event)
    values (
        v_id, p_business, v_call->>'agent_id', v_call->>'direction', v_call->>'from_number',
        v_call->>'to_number', fd_ms(v_call->'start_timestamp'), v_call->>'call_status',
        fd_ms(v_call->'end_timestamp'), (v_call->>'duration_ms')::bigint,
        v_call->>'disconnection_reason', v_call->>'transcript',
        v_call->'call_analysis'->>'call_summary', p_event)
    on conflict (call_id) do update set
        agent_id = coalesce(excluded.agent_id, c.agent_id),
        direction = coalesce(excluded.direction, c.direction),
        from_number = coalesce(excluded.from_number, c.from_number),
        to_number = coalesce(excluded.to_number, c.to_number),
        started_at = coalesce(excluded.started_at, c.started_at),
        call_status = case when fd_event_rank(excluded.last_event) >= fd_event_rank(c.last_event)
                           then coalesce(excluded.call_status, c.call_status)
                           else c.call_status end,
        ended_at = coalesce(excluded.ended_at, c.ended_at),
        duration_ms = coalesce(excluded.duration_ms, c.duration_ms),
        disconnection_reason = coalesce(excluded.disconnection_reason, c.disconnection_reason),
        transcript = coalesce(excluded.transcript, c.transcript),
        summary = coalesce(excluded.summary, c.summary),
        last_event = case when fd_event_rank(excluded.last_event) >= fd_event_rank(c.last_event)
                          then excluded.last_event else c.last_event end,
        updated_at = now();
end
$$;

create or replace function fd_record_tool_call(
    p_business text, p_call_id text, p_tool text, p_outcome text, p_duration_ms numeric,
    p_appointment_id text
) returns void
language sql as $$
    insert into tool_calls (call_id, business_id, tool, outcome, duration_ms, appointment_id)
    values (p_call_id, p_business, p_tool, p_outcome, p_duration_ms, p_appointment_id)
$$;

-- A call with its tool calls and the appointments it made or changed: what an operator reads.
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
            select jsonb_agg(fd_appointment_json(a) order by a.created_at)
            from appointments a
            where a.call_id = p_call_id
               or a.id in (select appointment_id from tool_calls where call_id = p_call_id)
        ), '[]'::jsonb))
$$;

-- Who is calling: the customer's name and their next appointment, by phone number.
create or replace function fd_caller(p_business text, p_phone text, p_after timestamptz)
returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'name', (select name from customers where business_id = p_business and phone = p_phone),
        'next', (select fd_appointment_json(a) from appointments a
                 where a.business_id = p_business and a.customer_phone = p_phone
                   and a.status = 'booked' and a.starts_at > p_after
                 order by a.starts_at limit 1))
$$;

-- An operator's day view: every appointment (any status) starting in [p_from, p_to).
create or replace function fd_appointments_between(
    p_business text, p_from timestamptz, p_to timestamptz
) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(fd_appointment_json(a) order by a.starts_at), '[]'::jsonb)
    from appointments a
    where a.business_id = p_business and a.starts_at >= p_from and a.starts_at < p_to
$$;
