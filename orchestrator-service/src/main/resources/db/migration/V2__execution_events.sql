-- Every transition of every execution (phase changes and step changes), the audit trail of what Baran did.
-- Rows are only ever added; event_id makes a redelivered transition land once.
CREATE TABLE execution_event (
    id           BIGSERIAL PRIMARY KEY,
    event_id     TEXT        NOT NULL UNIQUE,
    execution_id TEXT        NOT NULL,
    seq          BIGINT      NOT NULL,
    runbook_name TEXT        NOT NULL,
    protects     TEXT        NOT NULL,
    mode         TEXT        NOT NULL,
    phase        TEXT        NOT NULL,
    step_name    TEXT,
    step_state   TEXT,
    detail       TEXT,
    occurred_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX execution_event_by_execution ON execution_event (execution_id, seq);

CREATE FUNCTION execution_event_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'execution_event rows are never changed or deleted';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER execution_event_append_only BEFORE UPDATE OR DELETE ON execution_event
    FOR EACH ROW EXECUTE FUNCTION execution_event_is_append_only();
