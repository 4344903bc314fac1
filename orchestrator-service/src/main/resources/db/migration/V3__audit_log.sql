-- Who asked Baran to do what, and what came of it: a hash-chained, append-only trail (io.baran.orchestrator.audit).
-- Each row's hash is SHA-256 over its columns and the previous row's hash (libs/audit-chain, AuditChain), so a row
-- changed, removed or reordered afterwards shows in `baran audit verify` and GET /api/audit/verify.
--
-- id is not a sequence: the trail numbers rows 1, 2, 3... itself while it holds the chain's advisory lock, so a
-- missing id is a removed row (a sequence skips the numbers of rolled-back inserts). groups and detail are JSON
-- kept as text: the hash covers the text exactly as stored, which jsonb would re-format.
create table audit_log (
    id          bigint      primary key check (id > 0),
    at          timestamptz not null,
    actor       text        not null,
    groups      text        not null check (jsonb_typeof(groups::jsonb) = 'array'),
    action      text        not null,
    -- the runbook or execution acted on; null when the request named none (a refused request, say)
    target      text,
    reason      text,
    request_id  text,
    break_glass boolean     not null,
    outcome     text        not null,
    detail      text        check (detail is null or jsonb_typeof(detail::jsonb) = 'object'),
    prev_hash   char(64)    not null check (prev_hash ~ '^[0-9a-f]{64}$'),
    hash        char(64)    not null check (hash ~ '^[0-9a-f]{64}$'),
    -- No two rows follow the same row: the chain cannot fork, whatever a writer gets wrong.
    constraint audit_log_one_successor unique (prev_hash)
);

create index audit_log_by_actor on audit_log (actor, id);
create index audit_log_by_target on audit_log (target, id);
create index audit_log_by_action on audit_log (action, id);
create index audit_log_by_time on audit_log (at);

-- The application may only add and read rows (V4 grants it nothing more). The owner is refused too, unless it
-- deliberately disables these triggers first, and verification would still show what it changed.
create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log rows are never changed or deleted';
end
$$;

create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_is_append_only();

create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only();
