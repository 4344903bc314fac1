-- A recovery is recorded (recovered_at) before the executions that answer its incident are told, and marked delivered
-- once they were: a recovery the orchestrator could not deliver (Temporal down for longer than its retries) is
-- delivered again by every orchestrator instance's recovery sweep (baran.events.recovery-sweep), so no execution stays
-- failed over because one event went to the dead-letter topic. Recoveries recorded before this column count as
-- delivered. The application role's update privilege on open_outage (V5) covers the new column.
alter table open_outage add column recovery_delivered_at timestamptz;
update open_outage set recovery_delivered_at = recovered_at where recovered_at is not null;
create index open_outage_undelivered on open_outage (recovered_at)
    where recovered_at is not null and recovery_delivered_at is null;
