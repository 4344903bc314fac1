package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.DURATION;
import static io.baran.runbook.ActionSpec.Type.STRING;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.Capability;
import io.baran.runbook.ProviderUse;
import io.baran.runbook.WithBlock;
import java.util.List;
import java.util.Map;

/** {@code storage.check-replica}: passes when an object-store replica lags its source by no more than {@code maxLag}. */
public final class StorageCheckReplica extends ActionType {

    public StorageCheckReplica() {
        super(ActionSpec.builder(
                        "storage.check-replica",
                        "Checks that an object-store replica is fresh enough (RPO); changes nothing.")
                .required("source", STRING, "provider:URL of the source bucket, e.g. aws-main:s3://shop-assets")
                .required("replica", STRING, "provider:URL of the replica bucket, e.g. gcp-dr:gs://shop-assets")
                .required("maxLag", DURATION, "the largest acceptable replication lag")
                .needs(Capability.OBJECT_STORE)
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
