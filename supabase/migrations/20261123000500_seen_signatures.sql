-- Signed webhooks seen, kept until the signature itself expires: a replay is recognised on
-- every instance and after a restart. Redis holds them first; this table when Redis is away.
create table if not exists seen_signatures (
    digest text primary key,
    expires_at timestamptz not null
);
create index if not exists seen_signatures_expiry on seen_signatures (expires_at);

-- True the first time a signature digest is seen while unexpired; expired rows are reused.
create or replace function fd_first_sighting(p_digest text, p_expires_at timestamptz)
returns boolean language sql as $$
    with claimed as (
        insert into seen_signatures as s (digest, expires_at)
        values (p_digest, p_expires_at)
        on conflict (digest) do update set expires_at = excluded.expires_at
            where s.expires_at < now()
        returning 1
    )
    select exists (select 1 from claimed);
$$;
