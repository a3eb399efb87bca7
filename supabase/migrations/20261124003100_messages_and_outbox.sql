-- Issue 13 (first part): messages the receptionist takes, and the outbox that tells the
-- business. Every send is a row of `outbox`, written in the same transaction as the change that
-- causes it; any instance delivers due rows under `skip locked` leases (app/outbox/).

create table if not exists messages (
    id              text primary key,
    business_id     text        not null,
    call_id         text,
    name            text,
    phone           text,
    body            text        not null,
    callback_start  timestamptz,
    callback_end    timestamptz,
    callback_phrase text,
    urgent          boolean     not null default false,
    created_at      timestamptz not null default now(),
    handled_at      timestamptz,
    handled_by      text
);
create index if not exists messages_inbox on messages (business_id, handled_at, urgent, created_at);

create table if not exists outbox (
    id          text primary key,  -- the event id: a webhook's Idempotency-Key on every retry
    business_id text        not null,
    channel     text        not null,  -- webhook | log (sms, email: later)
    kind        text        not null,  -- message.taken, ...
    payload     jsonb       not null,
    created_at  timestamptz not null default now(),
    due_at      timestamptz not null default now(),
    attempts    int         not null default 0,
    lease_until timestamptz,
    sent_at     timestamptz,
    failed_at   timestamptz,
    last_error  text
);
create index if not exists outbox_due on outbox (due_at)
    where sent_at is null and failed_at is null;

-- A message and its sends, in one transaction. Idempotent on the message id.
create or replace function fd_take_message(p jsonb, p_sends jsonb) returns jsonb
language plpgsql as $$
declare
    v_row messages;
begin
    insert into messages (id, business_id, call_id, name, phone, body, callback_start,
                          callback_end, callback_phrase, urgent)
    values (p->>'id', p->>'business_id', p->>'call_id', p->>'name', p->>'phone', p->>'body',
            (p->>'callback_start')::timestamptz, (p->>'callback_end')::timestamptz,
            p->>'callback_phrase', coalesce((p->>'urgent')::boolean, false))
    on conflict (id) do nothing
    returning * into v_row;
    if not found then
        select * into v_row from messages where id = p->>'id';
        return to_jsonb(v_row);
    end if;
    insert into outbox (id, business_id, channel, kind, payload)
    select s->>'id', v_row.business_id, s->>'channel', s->>'kind', s->'payload'
    from jsonb_array_elements(p_sends) s;
    return to_jsonb(v_row);
end
$$;

-- Due sends, leased to the caller for p_lease_seconds (another instance skips them meanwhile).
create or replace function fd_outbox_claim(p_limit int, p_lease_seconds int) returns jsonb
language sql as $$
    with due as (
        select id from outbox
        where sent_at is null and failed_at is null and due_at <= now()
          and (lease_until is null or lease_until < now())
        order by due_at
        limit p_limit
        for update skip locked
    ), claimed as (
        update outbox o set lease_until = now() + make_interval(secs => p_lease_seconds),
                            attempts = o.attempts + 1
        from due where o.id = due.id
        returning o.*
    )
    select coalesce(jsonb_agg(jsonb_build_object(
        'id', id, 'business_id', business_id, 'channel', channel, 'kind', kind,
        'payload', payload, 'attempts', attempts, 'created_at', created_at)
        order by due_at), '[]'::jsonb)
    from claimed
$$;

create or replace function fd_outbox_sent(p_id text) returns void
language sql as $$
    update outbox set sent_at = now(), lease_until = null, last_error = null where id = p_id
$$;

create or replace function fd_outbox_later(p_id text, p_due timestamptz, p_error text)
returns void
language sql as $$
    update outbox set due_at = p_due, lease_until = null, last_error = p_error where id = p_id
$$;

create or replace function fd_outbox_failed(p_id text, p_error text) returns void
language sql as $$
    update outbox set failed_at = now(), lease_until = null, last_error = p_error where id = p_id
$$;

create or replace function fd_outbox_backlog() returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'depth', count(*),
        'oldest_due_seconds', coalesce(extract(epoch from now() - min(due_at)), 0))
    from outbox where sent_at is null and failed_at is null and due_at <= now()
$$;

-- The console's inbox: unhandled first, urgent first, newest first.
create or replace function fd_messages(p_business text, p_limit int) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(to_jsonb(m) order by m.handled_at is not null, m.urgent desc,
                                                  m.created_at desc), '[]'::jsonb)
    from (select * from messages where business_id = p_business
          order by handled_at is not null, urgent desc, created_at desc limit p_limit) m
$$;

create or replace function fd_message_handled(p_business text, p_id text, p_by text)
returns boolean
language sql as $$
    update messages set handled_at = now(), handled_by = p_by
    where business_id = p_business and id = p_id and handled_at is null
    returning true
$$;
