-- Issue 16: a version per business of what a search reads (our appointments, the calendar
-- mirror), moved on by every change in the same transaction. Instances keep the busy time of
-- recent searches in memory together with the version it was read at (app/db/span_cache.py);
-- a search reads the version (one tiny query) instead of the busy time itself, and any change
-- committed through any instance, or synced from Google, is seen by the very next search.

create table if not exists data_versions (
    business_id text   primary key,
    version     bigint not null default 0
);

create or replace function fd_bump_data_version() returns trigger
language plpgsql as $$
declare
    v_business text := case when tg_op = 'DELETE' then old.business_id else new.business_id end;
begin
    insert into data_versions as d (business_id, version) values (v_business, 1)
    on conflict (business_id) do update set version = d.version + 1;
    return null;
end
$$;

create or replace trigger appointments_data_version
    after insert or update or delete on appointments
    for each row execute function fd_bump_data_version();

create or replace trigger calendar_mirror_data_version
    after insert or update or delete on calendar_mirror
    for each row execute function fd_bump_data_version();

create or replace function fd_data_version(p_business text) returns bigint
language sql stable as $$
    select coalesce((select version from data_versions where business_id = p_business), 0)
$$;

-- Tool-call records in batches (app/journal.py): one round trip for many calls.
create or replace function fd_record_tool_calls(p_business text, p jsonb) returns void
language sql as $$
    insert into tool_calls (call_id, business_id, tool, outcome, duration_ms, appointment_id, created_at)
    select r.call_id, p_business, r.tool, r.outcome, r.duration_ms, r.appointment_id,
           coalesce(r.at, now())
    from jsonb_to_recordset(p) as r(call_id text, tool text, outcome text, duration_ms numeric,
                                    appointment_id text, at timestamptz)
$$;
