package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.DURATION;
import static io.baran.runbook.ActionSpec.Type.STRING;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.Capability;
import io.baran.runbook.ProviderUse;
import io.baran.runbook.WithBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code storage.check-replica}: passes when an object-store replica lags its source by no more than {@code maxLag}. */
public final class StorageCheckReplica extends ActionType {

    /** {@code <provider>:<scheme>://<bucket>[/<prefix>]}, e.g. {@code aws-main:s3://shop-assets}. */
    private static final Pattern LOCATION = Pattern.compile("([a-z0-9]([a-z0-9-]*[a-z0-9])?):([a-z0-9]+)://(.+)");

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
        for (String field : List.of("source", "replica")) {
            if (values.get(field) instanceof String location
                    && !LOCATION.matcher(location).matches()) {
                with.error(
                        field, "\"" + location + "\" is not provider:URL of a bucket (e.g. aws-main:s3://shop-assets)");
            }
        }
        if (values.get("source") instanceof String source
                && values.get("replica") instanceof String replica
                && bucket(source).equals(bucket(replica))) {
            with.error("replica", "is the same bucket as source");
        }
    }

    /** {@code aws-main:s3://assets/} and {@code aws-main:s3://assets} are one bucket. */
    private static String bucket(String location) {
        String l = location.trim();
        while (l.endsWith("/")) {
            l = l.substring(0, l.length() - 1);
        }
        return l;
    }

    @Override
    public List<ProviderUse> providerUses(Map<String, Object> values) {
        List<ProviderUse> uses = new ArrayList<>();
        for (String field : List.of("source", "replica")) {
            if (values.get(field) instanceof String location) {
                Matcher m = LOCATION.matcher(location);
                if (m.matches()) {
                    uses.add(new ProviderUse(field, m.group(1), Capability.OBJECT_STORE));
                }
            }
        }
        return uses;
    }
}
