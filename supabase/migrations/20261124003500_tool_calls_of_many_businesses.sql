-- Issue 16: tool-call records of every business an instance serves, in one round trip
-- (app/journal.py): with 200 businesses, one write per business per batch was most of the
-- database's work under load. Each record names its business.
create or replace function fd_record_tool_calls_of(p jsonb) returns void
language sql as $$
    insert into tool_calls (call_id, business_id, tool, outcome, duration_ms, appointment_id,
                            created_at, arguments)
    select r.call_id, r.business_id, r.tool, r.outcome, r.duration_ms, r.appointment_id,
           coalesce(r.at, now()), r.arguments
    from jsonb_to_recordset(p) as r(business_id text, call_id text, tool text, outcome text,
                                    duration_ms numeric, appointment_id text, at timestamptz,
                                    arguments jsonb)
$$;
