-- Issue 16: every change to what a search reads (our appointments, the calendar mirror) is
-- announced on the channel `frontdesk_data` with the business id, after commit. Instances keep
-- the busy time of recent searches in memory and drop it when told (app/db/change_feed.py), so a
-- search needs no round trip while nothing changed, and sees any change made through any
-- instance (or synced from Google) as soon as it is committed. Postgres folds identical
-- notifications of one transaction into one.

create or replace function fd_announce_change() returns trigger
language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform pg_notify('frontdesk_data', old.business_id);
    else
        perform pg_notify('frontdesk_data', new.business_id);
    end if;
    return null;
end
$$;

create or replace trigger appointments_announce
    after insert or update or delete on appointments
    for each row execute function fd_announce_change();

create or replace trigger calendar_mirror_announce
    after insert or update or delete on calendar_mirror
    for each row execute function fd_announce_change();

-- Tool-call records in batches (app/journal.py): one round trip for many calls.
create or replace function fd_record_tool_calls(p_business text, p jsonb) returns void
language sql as $$
    insert into tool_calls (call_id, business_id, tool, outcome, duration_ms, appointment_id, created_at)
    select r.call_id, p_business, r.tool, r.outcome, r.duration_ms, r.appointment_id,
           coalesce(r.at, now())
    from jsonb_to_recordset(p) as r(call_id text, tool text, outcome text, duration_ms numeric,
                                    appointment_id text, at timestamptz)
$$;
