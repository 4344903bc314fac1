package io.baran.worker.provider.gcp;

import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A global backend service or backend bucket, the Compute resource whose {@code cdnPolicy} holds Cloud CDN's
 * TTLs. A URL map names them by URL ({@code https://www.googleapis.com/compute/v1/projects/p/global/backendServices/web})
 * or by partial path ({@code global/backendBuckets/assets}); a runbook by {@code backendServices/web}.
 *
 * @param collection {@code backendServices} or {@code backendBuckets}
 */
record CdnBackend(String collection, String name) {

    private static final Pattern REFERENCE =
            Pattern.compile("(?:^|.*/)(backendServices|backendBuckets)/([a-z]([-a-z0-9]{0,61}[a-z0-9])?)$");
    private static final Pattern REGIONAL = Pattern.compile(".*/regions/[^/]+/backendServices/.*");

    /** Parses a reference; fails (CapabilityMissing) on a regional backend service, which Cloud CDN does not serve. */
    static CdnBackend parse(String reference, String where) {
        if (REGIONAL.matcher(reference).matches()) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    where + " routes to the regional backend service " + reference
                            + "; Cloud CDN caches for global backends only");
        }
        Matcher m = REFERENCE.matcher(reference);
        if (!m.matches()) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    where + ": \"" + reference + "\" is not a global backend service "
                            + "or backend bucket (a distribution is backendServices/<name>, backendBuckets/<name> or urlMaps/<name>)");
        }
        return new CdnBackend(m.group(1), m.group(2));
    }

    boolean isBucket() {
        return collection.equals("backendBuckets");
    }

    /** Backend services spell it enableCDN, backend buckets enableCdn. */
    String enableField() {
        return isBucket() ? "enableCdn" : "enableCDN";
    }

    @Override
    public String toString() {
        return collection + "/" + name;
    }
}
