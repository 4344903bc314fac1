-- Outages being handled, for the blast-radius guard: how many scopes, and so how many protected services, are down
-- at once. Written when outage.detected is dispatched, closed by outage.recovered; one row per incident.
create table open_outage (
    incident_id  varchar(255) primary key,
    scope        varchar(255) not null,
    detected_at  timestamptz  not null,
    recovered_at timestamptz
);
create index open_outage_open on open_outage (detected_at) where recovered_at is null;

-- The cap on concurrent executions per provider: who holds a slot of a provider, and who waits for one (by tier,
-- then since when). Rows of an execution are removed when it releases its slots.
create table provider_slot (
    provider     varchar(63)  not null,
    execution_id varchar(255) not null,
    holding      boolean      not null,
    tier         integer      not null,
    since        timestamptz  not null,
    -- a waiter asks again every few seconds; one that stopped asking (its execution ended) is passed over
    seen_at      timestamptz  not null,
    primary key (provider, execution_id)
);

grant select, insert, update on open_outage to ${appRole};
grant select, insert, update, delete on provider_slot to ${appRole};
