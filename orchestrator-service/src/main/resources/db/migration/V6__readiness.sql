-- The latest readiness verdict of each runbook (continuous readiness): one row per runbook, replaced at every
-- evaluation. report is the whole verdict as JSON, as GET /api/readiness serves it.
create table runbook_readiness (
    runbook_name varchar(63) primary key,
    verdict      varchar(16) not null,
    report       text        not null,
    evaluated_at timestamptz not null,
    changed_at   timestamptz not null
);

grant select, insert, update on runbook_readiness to ${appRole};
