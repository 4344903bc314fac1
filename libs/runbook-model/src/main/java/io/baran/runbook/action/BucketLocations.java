package io.baran.runbook.action;

import io.baran.runbook.Capability;
import io.baran.runbook.ProviderUse;
import io.baran.runbook.WithBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code source} and {@code replica} fields of the storage actions: each {@code <provider>:<scheme>://<bucket>[/<prefix>]},
 * e.g. {@code aws-main:s3://shop-assets}, the two not one bucket; each names a provider with the object-store capability.
 */
final class BucketLocations {

    private static final Pattern LOCATION = Pattern.compile("([a-z0-9]([a-z0-9-]*[a-z0-9])?):([a-z0-9]+)://(.+)");
    private static final List<String> FIELDS = List.of("source", "replica");

    private BucketLocations() {}

    static void check(Map<String, Object> values, WithBlock with) {
        for (String field : FIELDS) {
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

    static List<ProviderUse> providerUses(Map<String, Object> values) {
        List<ProviderUse> uses = new ArrayList<>();
        for (String field : FIELDS) {
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
