-- Issue 16: the SQL functions a booking calls once or more, and that Postgres cannot inline
-- (they return one value, not rows), planned their query again on every call: a
-- language-sql function keeps no plan between calls, where a plpgsql one keeps each
-- statement's plan for the session. Measured with track_functions = 'all' on the one-calendar
-- bench world (mixed 9:1, 10 s; self time a call): fd_by_intent 0.43 ms (asked on every
-- refused booking: is this call's booking of that slot already held?), fd_appointment_json
-- 0.28 ms (twice per booking). The same queries, now in plpgsql. (fd_blocked_changes, of
-- 20261127000100, is plpgsql for the same reason: 0.58 ms a call as language sql, 0.29 ms.)

create or replace function fd_appointment_json(a appointments) returns jsonb
language plpgsql stable as $$
begin
    return jsonb_build_object(
        'id', a.id, 'business_id', a.business_id,
        'calendar_id', (select external_id from calendars c where c.id = a.calendar_id),
        'staff_id', a.staff_id,
        'room_unit', (select unit from room_units r where r.id = a.room_unit_id),
        'service', a.service, 'starts_at', a.starts_at, 'ends_at', a.ends_at,
        'blocked_start', lower(a.blocked), 'blocked_end', upper(a.blocked),
        'status', a.status, 'customer_name', a.customer_name,
        'customer_phone', a.customer_phone, 'customer_email', a.customer_email,
        'notes', a.notes,
        'calendar_event_id', a.calendar_event_id, 'calendar_synced', a.calendar_synced,
        'call_id', a.call_id, 'created_at', a.created_at, 'updated_at', a.updated_at);
end
$$;

-- (At most one active appointment has an intent: appointments_active_intent is unique.)
create or replace function fd_by_intent(p_business text, p_intent text) returns jsonb
language plpgsql stable as $$
begin
    return (select fd_appointment_json(a) from appointments a
            where a.business_id = p_business and a.intent_key = p_intent
              and a.status <> 'cancelled');
end
$$;
