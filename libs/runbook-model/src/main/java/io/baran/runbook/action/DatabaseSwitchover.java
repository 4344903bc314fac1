package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.STRING;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.Capability;
import io.baran.runbook.WithBlock;
import java.util.Map;

/**
 * {@code database.switchover}: a planned switchover, which makes a replica (or secondary) the primary and the
 * old primary its replica, losing no data. Unlike a promotion it can be undone: failback switches back to the
 * member that was primary when the step was planned.
 */
public final class DatabaseSwitchover extends ActionType {

    public DatabaseSwitchover() {
        super(ActionSpec.builder(
                        "database.switchover",
                        "Switches the primary role of a database to its replica without data loss;"
                                + " failback switches back to the member that was primary.")
                .provider(
                        "provider",
                        Capability.DATABASE_SWITCHOVER,
                        "a database provider configured in the replication-worker" + " that can switch over")
                .required(
                        "instance",
                        STRING,
                        "the member that becomes primary: on an aws provider, an Aurora DB cluster (name or"
                                + " ARN) that is a secondary of a global database; on a gcp provider, the Cloud SQL disaster-recovery"
                                + " replica of an Enterprise Plus primary")
                .changes()
                .build());
    }

    @Override
    protected void check(Map<String, Object> values, WithBlock with) {
        Instances.check(values, with);
    }
}
