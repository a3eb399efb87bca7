-- Issue 14: what the operator console reads. One function per page, so a page is one round trip.

-- Recent calls: those Retell told us of and those known only by their tool calls, newest first,
-- each with its tool calls (tool and outcome, in order) and the appointments it touched.
create or replace function fd_console_calls(
    p_business text, p_from timestamptz, p_to timestamptz, p_limit int
) returns jsonb
language sql stable as $$
    with ids as (
        select c.call_id, coalesce(c.started_at, c.created_at) as at
        from calls c
        where c.business_id = p_business
          and coalesce(c.started_at, c.created_at) >= p_from
          and coalesce(c.started_at, c.created_at) < p_to
        union
        select t.call_id, min(t.created_at)
        from tool_calls t
        where t.business_id = p_business and t.call_id is not null
          and t.created_at >= p_from and t.created_at < p_to
          and not exists (select 1 from calls c
                          where c.call_id = t.call_id and c.business_id = p_business)
        group by t.call_id
    ), recent as (
        select call_id, min(at) as at from ids group by call_id order by min(at) desc limit p_limit
    )
    select coalesce(jsonb_agg(jsonb_build_object(
        'call_id', r.call_id, 'at', r.at,
        'from_number', c.from_number, 'duration_ms', c.duration_ms,
        'disconnection_reason', c.disconnection_reason,
        'tools', coalesce((select jsonb_agg(jsonb_build_array(t.tool, t.outcome)
                                            order by t.created_at)
                           from tool_calls t
                           where t.call_id = r.call_id and t.business_id = p_business),
                          '[]'::jsonb),
        'appointments', coalesce((select jsonb_agg(distinct t.appointment_id)
                                  from tool_calls t
                                  where t.call_id = r.call_id and t.business_id = p_business
                                    and t.appointment_id is not null), '[]'::jsonb))
        order by r.at desc), '[]'::jsonb)
    from recent r
    left join calls c on c.call_id = r.call_id and c.business_id = p_business
$$;

-- The health page: each calendar's sync and channel, the reconciler's backlog, recent errors.
create or replace function fd_console_health(p_business text, p_since timestamptz) returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'calendars', coalesce((
            select jsonb_agg(jsonb_build_object(
                'calendar_id', s.calendar_id, 'synced_at', s.synced_at,
                'channel_expires_at', (select max(ch.expires_at) from calendar_channels ch
                                       where ch.business_id = p_business
                                         and ch.calendar_id = s.calendar_id),
                'mirror_updated_at', (select max(m.updated_at) from calendar_mirror m
                                      where m.business_id = p_business
                                        and m.calendar_id = s.calendar_id))
                order by s.calendar_id)
            from calendar_sync s where s.business_id = p_business), '[]'::jsonb),
        'unsettled', (select count(*) from appointments a
                      where a.business_id = p_business
                        and (a.status = 'pending'
                             or (not a.calendar_synced and a.status <> 'cancelled'))),
        'errors', coalesce((
            select jsonb_agg(jsonb_build_object('outcome', e.outcome, 'n', e.n) order by e.n desc)
            from (select t.outcome, count(*) as n from tool_calls t
                  where t.business_id = p_business and t.created_at >= p_since
                    and t.outcome <> 'ok'
                  group by t.outcome) e), '[]'::jsonb))
$$;

-- Insights over [p_from, p_to) in the business's zone: calls and calls that booked per day,
-- tool calls per hour of the day, and each tool's latency percentiles.
create or replace function fd_console_insights(
    p_business text, p_from timestamptz, p_to timestamptz, p_zone text
) returns jsonb
language sql stable as $$
    with calls_in as (
        select t.call_id, min(t.created_at) as at,
               bool_or(t.tool = 'book_appointment' and t.outcome = 'ok') as booked
        from tool_calls t
        where t.business_id = p_business and t.call_id is not null
          and t.created_at >= p_from and t.created_at < p_to
        group by t.call_id
    )
    select jsonb_build_object(
        'days', coalesce((
            select jsonb_agg(jsonb_build_object('day', d.day, 'calls', d.calls,
                                                'booked', d.booked) order by d.day)
            from (select (at at time zone p_zone)::date as day, count(*) as calls,
                         count(*) filter (where booked) as booked
                  from calls_in group by 1) d), '[]'::jsonb),
        'hours', coalesce((
            select jsonb_agg(jsonb_build_object('hour', h.hour, 'calls', h.calls) order by h.hour)
            from (select extract(hour from at at time zone p_zone)::int as hour,
                         count(*) as calls
                  from calls_in group by 1) h), '[]'::jsonb),
        'latency', coalesce((
            select jsonb_agg(jsonb_build_object('tool', l.tool, 'n', l.n, 'p50', l.p50,
                                                'p95', l.p95) order by l.tool)
            from (select t.tool, count(*) as n,
                         percentile_cont(0.5) within group (order by t.duration_ms) as p50,
                         percentile_cont(0.95) within group (order by t.duration_ms) as p95
                  from tool_calls t
                  where t.business_id = p_business
                    and t.created_at >= p_from and t.created_at < p_to
                  group by t.tool) l), '[]'::jsonb))
$$;

-- What each tool call was asked (never who asked: app/tool_trace.py `asked`), for the console.
alter table tool_calls add column if not exists arguments jsonb;

create or replace function fd_record_tool_calls(p_business text, p jsonb) returns void
language sql as $$
    insert into tool_calls (call_id, business_id, tool, outcome, duration_ms, appointment_id,
                            created_at, arguments)
    select r.call_id, p_business, r.tool, r.outcome, r.duration_ms, r.appointment_id,
           coalesce(r.at, now()), r.arguments
    from jsonb_to_recordset(p) as r(call_id text, tool text, outcome text, duration_ms numeric,
                                    appointment_id text, at timestamptz, arguments jsonb)
$$;

-- A call's tool calls with what they were asked, in order.
create or replace function fd_console_tool_calls(p_business text, p_call_id text) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(jsonb_build_object(
        'tool', t.tool, 'outcome', t.outcome, 'duration_ms', t.duration_ms,
        'appointment_id', t.appointment_id, 'at', t.created_at,
        'arguments', coalesce(t.arguments, '{}'::jsonb)) order by t.created_at, t.id), '[]'::jsonb)
    from tool_calls t
    where t.business_id = p_business and t.call_id = p_call_id
$$;
