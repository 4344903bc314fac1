-- An outage whose service's execution could not say at once whether it takes the outage: told by signal (no
-- orchestrator worker answered the Update joinOutage in time), or refused because it was ending and had not ended
-- within the dispatcher's wait. The join sweep (baran.dispatch.join-sweep.*) watches each until the execution took
-- the outage (it is in its BaranIncidents), or ended without it, and then dispatches the outage again for the service,
-- so an outage is never dropped by an execution that ends as it joins. One row per incident and service.
create table deferred_join (
    incident_id  varchar(255) not null,
    service      varchar(255) not null,
    -- the execution told of the outage
    execution_id varchar(255) not null,
    -- 'signalled' or 'refused'
    reason       varchar(16)  not null,
    scope        varchar(255) not null,
    event_id     varchar(255) not null,
    vantage      varchar(255),
    outage_since timestamptz,
    -- when the event was dated: a deferred join older than baran.dispatch.join-sweep.max-age starts nothing
    detected_at  timestamptz  not null,
    recorded_at  timestamptz  not null,
    -- when a sweep last looked at it (the sweeps look at the longest unchecked first); while a sweep holds it, the end
    -- of that sweep's lease, in the future
    checked_at   timestamptz,
    settled_at   timestamptz,
    outcome      varchar(512),
    primary key (incident_id, service)
);
create index deferred_join_unsettled on deferred_join (coalesce(checked_at, recorded_at)) where settled_at is null;

grant select, insert, update on deferred_join to ${appRole};
