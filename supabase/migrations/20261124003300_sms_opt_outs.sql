-- Issue 13: callers who reply STOP are never texted again (per business and number), until
-- they reply START.

create table if not exists sms_opt_outs (
    business_id text        not null,
    phone       text        not null,  -- E.164
    since       timestamptz not null default now(),
    primary key (business_id, phone)
);

create or replace function fd_sms_opt(p_business text, p_phone text, p_out boolean) returns void
language plpgsql as $$
begin
    if p_out then
        insert into sms_opt_outs (business_id, phone) values (p_business, p_phone)
        on conflict (business_id, phone) do nothing;
    else
        delete from sms_opt_outs where business_id = p_business and phone = p_phone;
    end if;
end
$$;

create or replace function fd_sms_opted_out(p_business text, p_phone text) returns boolean
language sql stable as $$
    select exists (select 1 from sms_opt_outs where business_id = p_business and phone = p_phone)
$$;
