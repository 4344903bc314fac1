package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.STRING;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.Capability;
import io.baran.runbook.ProviderUse;
import io.baran.runbook.WithBlock;
import java.util.List;
import java.util.Map;

/**
 * {@code storage.failover}: the replica of a replication pair serves as primary. Forward copying from the source stops,
 * so what the services write to the replica from now on is never overwritten or deleted by it; its undo is the pair's
 * failback, which copies the replica's changes back to the source (keys changed on both sides are reported as
 * conflicts and left alone) and resumes forward copying.
 */
public final class StorageFailover extends ActionType {

    public StorageFailover() {
        super(ActionSpec.builder(
                        "storage.failover",
                        "Makes an object-store replica serve as primary: forward copying stops until failback, which"
                                + " copies the replica's changes back to the source.")
                .required(
                        "source",
                        STRING,
                        "provider:URL of the source bucket of a replication pair, e.g. aws-main:s3://shop-assets")
                .required(
                        "replica",
                        STRING,
                        "provider:URL of the replica bucket that takes over, e.g. gcp-dr:gs://shop-assets")
                .needs(Capability.OBJECT_STORE)
                .changesUndoneBy("the pair's failback, which copies the replica's changes back to the source, reports"
                        + " keys changed at both sides as conflicts (left as they are) and resumes forward copying; fail"
                        + " storage back after traffic has left the replica")
                .build());
    }

    @Override
    protected void check(Map<String, Object> values, WithBlock with) {
        BucketLocations.check(values, with);
    }

    @Override
    public List<ProviderUse> providerUses(Map<String, Object> values) {
        return BucketLocations.providerUses(values);
    }
}
