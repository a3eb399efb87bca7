-- Issue 16: the calendar mirror gets a version of its own, beside the appointments' (the
-- business's `version`). A booking changes our appointments, not the mirror, so the busy time
-- kept from the mirror (app/db/span_cache.py) stays valid across it and is not read again after
-- every booking; answers to searches depend on both and are kept under both
-- (app/db/versions.py).

alter table data_versions add column if not exists mirror_version bigint not null default 0;

-- The one bump function of 20261124001200, now telling the two apart; the triggers of
-- 20261125000100 still say when it fires. A mirrored event moves the mirror's version; a new
-- appointment, ours. An appointment moved, cancelled or deleted moves both: it may uncover its
-- own event in the mirror, which did not move the mirror's version when it arrived inside the
-- appointment's blocked time (fd_mirror_row_covered).
create or replace function fd_bump_data_version() returns trigger
language plpgsql as $$
declare
    v_business text := case when tg_op = 'DELETE' then old.business_id else new.business_id end;
    v_ours int := case when tg_table_name = 'calendar_mirror' then 0 else 1 end;
    v_mirror int := case when tg_table_name = 'calendar_mirror' or tg_op <> 'INSERT' then 1 else 0 end;
begin
    insert into data_versions as d (business_id, version, mirror_version)
    values (v_business, v_ours, v_mirror)
    on conflict (business_id) do update
        set version = d.version + v_ours, mirror_version = d.mirror_version + v_mirror;
    return null;
end
$$;

-- Both versions of many businesses in one round trip (a business never changed: 0 and 0).
create or replace function fd_data_versions(p_businesses text[])
returns table (business_id text, version bigint, mirror_version bigint)
language sql stable as $$
    select b, coalesce(d.version, 0), coalesce(d.mirror_version, 0)
    from unnest(p_businesses) as b left join data_versions d on d.business_id = b
$$;
