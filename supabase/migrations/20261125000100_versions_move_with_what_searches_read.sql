-- Issue 16: a business's data version (20261124001200) moves on only when something a search
-- reads changes, so the answers and busy time kept in memory are not thrown away for nothing.
-- A search reads, of an appointment: its calendar, room unit, blocked time, start (the per-day
-- caps) and whether it is cancelled; of a mirrored event: its calendar, times and busy flag.
-- Confirming a reservation (pending -> booked), writing down its event id or marking it synced
-- changes none of these. Nor does the mirror learning of our own booking's event, when that
-- event lies within the appointment's blocked time (a span inside another adds nothing to the
-- busy time); if the appointment is cancelled later, that moves the version on itself.

-- The trigger function is 20261124001200's (one bump per row); what changes is when it fires.
drop trigger if exists appointments_data_version on appointments;
create trigger appointments_data_version
    after insert or delete on appointments
    for each row execute function fd_bump_data_version();

create or replace trigger appointments_data_version_on_update
    after update on appointments
    for each row
    when (old.business_id is distinct from new.business_id
          or old.calendar_id is distinct from new.calendar_id
          or old.room_unit_id is distinct from new.room_unit_id
          or old.blocked is distinct from new.blocked
          or old.starts_at is distinct from new.starts_at
          or (old.status = 'cancelled') is distinct from (new.status = 'cancelled'))
    execute function fd_bump_data_version();

-- A mirrored event inside the blocked time of the active appointment it belongs to.
create or replace function fd_mirror_row_covered(p_row calendar_mirror) returns boolean
language sql stable as $$
    select p_row.appointment_id is not null and exists (
        select 1 from appointments a join calendars c on c.id = a.calendar_id
        where a.id = p_row.appointment_id and a.status <> 'cancelled'
          and c.business_id = p_row.business_id and c.external_id = p_row.calendar_id
          and a.blocked @> tstzrange(p_row.starts_at, p_row.ends_at))
$$;

drop trigger if exists calendar_mirror_data_version on calendar_mirror;
create trigger calendar_mirror_data_version
    after delete on calendar_mirror
    for each row execute function fd_bump_data_version();

create or replace trigger calendar_mirror_data_version_on_insert
    after insert on calendar_mirror
    for each row
    when (new.busy and not fd_mirror_row_covered(new))
    execute function fd_bump_data_version();

create or replace trigger calendar_mirror_data_version_on_update
    after update on calendar_mirror
    for each row
    when (old.business_id is distinct from new.business_id
          or old.calendar_id is distinct from new.calendar_id
          or old.starts_at is distinct from new.starts_at
          or old.ends_at is distinct from new.ends_at
          or old.busy is distinct from new.busy)
    execute function fd_bump_data_version();
