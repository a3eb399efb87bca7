-- What each tool call asked for (the non-personal arguments: service, start, when, slot id,
-- appointment id; never a name, number or email), for the operator console's call trace.
-- Existing rows keep a null: nothing was recorded for them.

alter table tool_calls add column if not exists arguments jsonb;

drop function if exists fd_record_tool_call(text, text, text, text, numeric, text);
create or replace function fd_record_tool_call(
    p_business text, p_call_id text, p_tool text, p_outcome text, p_duration_ms numeric,
    p_appointment_id text, p_arguments jsonb default null
) returns void
language sql as $$
    insert into tool_calls (call_id, business_id, tool, outcome, duration_ms, appointment_id,
                            arguments)
    values (p_call_id, p_business, p_tool, p_outcome, p_duration_ms, p_appointment_id,
            p_arguments)
$$;

create or replace function fd_call_trace(p_call_id text) returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'call', (select to_jsonb(c) from calls c where c.call_id = p_call_id),
        'tool_calls', coalesce((
            select jsonb_agg(jsonb_build_object(
                'tool', t.tool, 'outcome', t.outcome, 'duration_ms', t.duration_ms,
                'appointment_id', t.appointment_id, 'at', t.created_at,
                'arguments', t.arguments) order by t.created_at)
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
