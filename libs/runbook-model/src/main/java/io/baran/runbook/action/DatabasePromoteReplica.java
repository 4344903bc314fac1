package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.STRING;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.Capability;
import io.baran.runbook.WithBlock;
import java.util.Map;

/**
 * {@code database.promote-replica}: makes a read replica the primary. There is no undo: a promoted
 * replica no longer follows its old primary, so failback of a runbook that promotes lists its steps.
 */
public final class DatabasePromoteReplica extends ActionType {

    public DatabasePromoteReplica() {
        super(ActionSpec.builder("database.promote-replica", "Promotes a read replica to primary.")
                .provider(
                        "provider",
                        Capability.DATABASE_REPLICA,
                        "a database provider configured in the replication-worker")
                .required(
                        "instance",
                        STRING,
                        "the replica to promote; on an aws provider, a read-replica DB instance, or an"
                                + " Aurora DB cluster that is a secondary of a global database (the global database fails over to it)")
                .oneOf(
                        "fence",
                        false,
                        "required (default): refuse to promote unless the old primary is fenced first, so two"
                                + " primaries never both take writes; best-effort: fence when the provider can, promote anyway (RDS"
                                + " cannot fence)",
                        "required",
                        "best-effort")
                .defaultsTo("fence", "required")
                .changesWithoutUndo("a promoted replica cannot become a replica again")
                .build());
    }

    @Override
    protected void check(Map<String, Object> values, WithBlock with) {
        Instances.check(values, with);
    }
}
