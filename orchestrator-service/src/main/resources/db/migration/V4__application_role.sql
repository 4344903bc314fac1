-- The orchestrator connects as its own role (quarkus.datasource.username, ${appRole} here), with only the
-- privileges it needs; migrations run as the owner of the tables (quarkus.flyway.username). The role is created
-- outside migrations, with its password, by whoever sets up the database (bin/local-stack, docker-compose.yml's
-- postgres-setup, the operator in Kubernetes: k8s/README.md): creating roles needs CREATEROLE, which the owner
-- should not need.
--
-- Every later migration that adds a table grants the application what it needs on it, explicitly, as this one does.

grant usage on schema public to ${appRole};

-- Runbooks: added, a new latest version recorded, deleted (deleted_at) and brought back.
grant select, insert, update on runbook to ${appRole};
-- Versions are immutable (a trigger refuses updates and deletes): added and read.
grant select, insert on runbook_version to ${appRole};
grant usage on sequence runbook_version_id_seq to ${appRole};
-- Executions: added, then marked finished.
grant select, insert, update on runbook_execution to ${appRole};
-- Execution transitions: append-only.
grant select, insert on execution_event to ${appRole};
grant usage on sequence execution_event_id_seq to ${appRole};

-- The audit trail: add and read, nothing else, whatever was granted before.
revoke all on audit_log from ${appRole};
grant select, insert on audit_log to ${appRole};
