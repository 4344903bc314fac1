-- The detector and the replication-worker append their own changing calls (targets; replication sync, failover,
-- failback, conflicts) to the same audit trail, as ${auditRole}: add and read audit_log (the head of the chain is
-- read to append), nothing else, no other table. Like ${appRole}, the role is created outside migrations, before the
-- orchestrator first runs this one (bin/local-stack, docker-compose.yml's postgres-setup, k8s/README.md); where it
-- does not exist yet nothing is granted here, and whoever creates it later grants the same by hand:
--   grant usage on schema public to baran_audit; grant select, insert on audit_log to baran_audit;
do $$
begin
    if exists (select from pg_roles where rolname = '${auditRole}') then
        execute format('grant usage on schema public to %I', '${auditRole}');
        execute format('revoke all on audit_log from %I', '${auditRole}');
        execute format('grant select, insert on audit_log to %I', '${auditRole}');
    end if;
end
$$;
