-- Runbooks, every accepted version of each, and the exact version each execution ran.

create table runbook (
    name           varchar(63) primary key,
    latest_version integer     not null,
    created_at     timestamptz not null,
    -- set by DELETE /api/runbooks/{name}: the runbook is no longer served; its versions stay for the record
    deleted_at     timestamptz
);

create table runbook_version (
    id           bigserial    primary key,
    runbook_name varchar(63)  not null references runbook (name),
    number       integer      not null check (number > 0),
    sha256       char(64)     not null,
    content      text         not null,
    author       varchar(200) not null,
    -- where the text came from: "api", or the file it was loaded from at start
    source       varchar(500) not null,
    created_at   timestamptz  not null,
    constraint runbook_version_number unique (runbook_name, number)
);

-- A stored version never changes: the database itself refuses updates and deletes.
create function runbook_version_is_immutable() returns trigger language plpgsql as $$
begin
    raise exception 'version % of runbook % is immutable', old.number, old.runbook_name;
end
$$;

create trigger runbook_version_immutable
    before update or delete on runbook_version
    for each row execute function runbook_version_is_immutable();

create table runbook_execution (
    execution_id    varchar(255) primary key,
    runbook_name    varchar(63)  not null,
    runbook_version integer      not null,
    started_at      timestamptz  not null,
    -- set once Temporal reports the execution closed
    finished_at     timestamptz,
    constraint runbook_execution_version foreign key (runbook_name, runbook_version)
        references runbook_version (runbook_name, number)
);

create index runbook_execution_unfinished on runbook_execution (runbook_name) where finished_at is null;
