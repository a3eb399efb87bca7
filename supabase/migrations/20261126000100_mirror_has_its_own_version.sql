-- Issue 16: the calendar mirror gets a version of its own, beside the appointments' (the
-- business's `version`). A booking changes our appointments, not the mirror, so the busy time
-- kept from the mirror (app/db/span_cache.py) stays valid across it and is not read again after
-- every booking; answers to searches depend on both and are kept under both
-- (app/db/versions.py). The triggers fire exactly when 20261125000100 says; only which number
-- moves differs.

alter table data_versions add column if not exists mirror_version bigint not null default 0;

create or replace function fd_bump_mirror_version() returns trigger
language plpgsql as $$
declare
    v_business text := case when tg_op = 'DELETE' then old.business_id else new.business_id end;
begin
    insert into data_versions as d (business_id, mirror_version) values (v_business, 1)
    on conflict (business_id) do update set mirror_version = d.mirror_version + 1;
    return null;
end
$$;

drop trigger if exists calendar_mirror_data_version on calendar_mirror;
create trigger calendar_mirror_data_version
    after delete on calendar_mirror
    for each row execute function fd_bump_mirror_version();

create or replace trigger calendar_mirror_data_version_on_insert
    after insert on calendar_mirror
    for each row
    when (new.busy and not fd_mirror_row_covered(new))
    execute function fd_bump_mirror_version();

create or replace trigger calendar_mirror_data_version_on_update
    after update on calendar_mirror
    for each row
    when (old.business_id is distinct from new.business_id
          or old.calendar_id is distinct from new.calendar_id
          or old.starts_at is distinct from new.starts_at
          or old.ends_at is distinct from new.ends_at
          or old.busy is distinct from new.busy)
    execute function fd_bump_mirror_version();

-- An appointment moved, cancelled or deleted may uncover its own event in the mirror, which
-- did not move the mirror's version when it arrived inside the appointment's blocked time
-- (fd_mirror_row_covered): such changes move both versions. A new appointment (a booking, the
-- common change) moves only the appointments' version.
create or replace function fd_bump_both_versions() returns trigger
language plpgsql as $$
declare
    v_business text := case when tg_op = 'DELETE' then old.business_id else new.business_id end;
begin
    insert into data_versions as d (business_id, version, mirror_version) values (v_business, 1, 1)
    on conflict (business_id) do update
        set version = d.version + 1, mirror_version = d.mirror_version + 1;
    return null;
end
$$;

drop trigger if exists appointments_data_version on appointments;
create trigger appointments_data_version
    after insert on appointments
    for each row execute function fd_bump_data_version();

create or replace trigger appointments_data_version_on_delete
    after delete on appointments
    for each row execute function fd_bump_both_versions();

create or replace trigger appointments_data_version_on_update
    after update on appointments
    for each row
    when (old.business_id is distinct from new.business_id
          or old.calendar_id is distinct from new.calendar_id
          or old.room_unit_id is distinct from new.room_unit_id
          or old.blocked is distinct from new.blocked
          or old.starts_at is distinct from new.starts_at
          or (old.status = 'cancelled') is distinct from (new.status = 'cancelled'))
    execute function fd_bump_both_versions();

-- Both versions of many businesses in one round trip (a business never changed: 0 and 0).
create or replace function fd_data_versions(p_businesses text[])
returns table (business_id text, version bigint, mirror_version bigint)
language sql stable as $$
    select b, coalesce(d.version, 0), coalesce(d.mirror_version, 0)
    from unnest(p_businesses) as b left join data_versions d on d.business_id = b
$$;
