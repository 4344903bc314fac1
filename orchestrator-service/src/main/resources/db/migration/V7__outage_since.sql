-- When the outage an execution answers began, as the detectors saw it (the outage event's data.since): the start of
-- the detection time in the runbook's history (GET /api/runbooks/{name}/history) and in its predicted RTO. Null for
-- executions no outage started (drills and failovers asked for by hand) and for those before this column.
-- The application role's update privilege on runbook_execution (V4) covers the new column.
alter table runbook_execution add column outage_since timestamptz;
