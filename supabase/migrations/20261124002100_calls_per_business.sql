-- Many businesses per deployment (issue 12): a Retell call id is unique only within a business,
-- so two businesses' calls with the same id are two rows, and every read of a call names its
-- business. Existing rows keep their business id: they stay valid under the wider key.

alter table calls drop constraint if exists calls_pkey;
alter table calls add constraint calls_pkey primary key (business_id, call_id);
create index if not exists tool_calls_business_call on tool_calls (business_id, call_id, created_at);
create index if not exists call_events_business_call on call_events (business_id, call_id, received_at);

-- Store one webhook event and fold what it says into its business's call row.
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
    on conflict (business_id, call_id) do update set
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

-- One business's call: its row, its tool calls and the appointments it made or changed, each
-- with its history. Another business's call with the same id is not part of it.
create or replace function fd_call_trace(p_business text, p_call_id text) returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'call', (select to_jsonb(c) from calls c
                 where c.business_id = p_business and c.call_id = p_call_id),
        'tool_calls', coalesce((
            select jsonb_agg(jsonb_build_object(
                'tool', t.tool, 'outcome', t.outcome, 'duration_ms', t.duration_ms,
                'appointment_id', t.appointment_id, 'at', t.created_at) order by t.created_at)
            from tool_calls t
            where t.business_id = p_business and t.call_id = p_call_id), '[]'::jsonb),
        'appointments', coalesce((
            select jsonb_agg(fd_appointment_json(a)
                             || jsonb_build_object('history', fd_appointment_history(a.id))
                             order by a.created_at)
            from appointments a
            where a.business_id = p_business
              and (a.call_id = p_call_id
                   or a.id in (select appointment_id from tool_calls
                               where business_id = p_business and call_id = p_call_id))
        ), '[]'::jsonb))
$$;

-- The single-business form, kept for what still calls it: the call under the only business
-- that has it (none when two do).
create or replace function fd_call_trace(p_call_id text) returns jsonb
language sql stable as $$
    select fd_call_trace(
        (select min(business_id) from calls where call_id = p_call_id
         having count(distinct business_id) <= 1),
        p_call_id)
$$;

-- Calls from a number and/or on a day, newest first; tool calls counted within the business.
create or replace function fd_find_calls(
    p_business text, p_phone text, p_from timestamptz, p_to timestamptz
) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(jsonb_build_object(
        'call_id', c.call_id, 'from_number', c.from_number, 'started_at', c.started_at,
        'ended_at', c.ended_at, 'call_status', c.call_status, 'summary', c.summary,
        'tool_calls', (select count(*) from tool_calls t
                       where t.business_id = c.business_id and t.call_id = c.call_id),
        'appointments', (select coalesce(jsonb_agg(distinct t.appointment_id), '[]'::jsonb)
                         from tool_calls t
                         where t.business_id = c.business_id and t.call_id = c.call_id
                           and t.appointment_id is not null))
        order by c.started_at desc nulls last), '[]'::jsonb)
    from calls c
    where c.business_id = p_business
      and (p_phone is null
           or right(regexp_replace(c.from_number, '\D', '', 'g'), length(p_phone)) = p_phone)
      and (p_from is null or coalesce(c.started_at, c.created_at) >= p_from)
      and (p_to is null or coalesce(c.started_at, c.created_at) < p_to)
$$;
