package io.baran.worker.provider.aws;

import io.baran.worker.Failures;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.Set;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.CachePolicyAlreadyExistsException;
import software.amazon.awssdk.services.cloudfront.model.CachePolicyConfig;
import software.amazon.awssdk.services.cloudfront.model.CachePolicyInUseException;
import software.amazon.awssdk.services.cloudfront.model.CachePolicyList;
import software.amazon.awssdk.services.cloudfront.model.CachePolicySummary;
import software.amazon.awssdk.services.cloudfront.model.CachePolicyType;
import software.amazon.awssdk.services.cloudfront.model.GetCachePolicyResponse;
import software.amazon.awssdk.services.cloudfront.model.NoSuchCachePolicyException;
import software.amazon.awssdk.services.cloudfront.model.PreconditionFailedException;

/**
 * Baran's copies of CloudFront cache policies: the cache key and every other setting of the policy a behaviour
 * names, with raised TTLs. A copy's name is made of the TTLs and the original's id
 * ({@code baran-ttl-<default>-<max>-<policy id>}), so a retried apply finds the copy it made instead of making
 * another, and distributions raising the same policy to the same TTLs share one. An undo that takes a copy off
 * the last behaviour using it deletes it (with the copy's ETag as {@code If-Match}); CloudFront refuses to delete
 * a policy still in use ({@code CachePolicyInUse}), which then stays for the undo of the step that still uses it.
 */
final class CachePolicyCopies {

    static final String PREFIX = "baran-ttl-";
    private static final Logger LOG = Logger.getLogger(CachePolicyCopies.class);
    /** ListCachePolicies answers up to 100 policies a page; an account holds at most a few hundred custom ones. */
    private static final int MAX_PAGES = 50;

    private static final int MAX_COMMENT = 128;

    private final String provider;
    private final CloudFrontClient client;
    private final AwsCalls calls;

    CachePolicyCopies(String provider, CloudFrontClient client, AwsCalls calls) {
        this.provider = provider;
        this.client = client;
        this.calls = calls;
    }

    /** The configuration of a cache policy, managed or custom. */
    CachePolicyConfig config(String id) {
        return read(id).cachePolicy().cachePolicyConfig();
    }

    private GetCachePolicyResponse read(String id) {
        return calls.call("GetCachePolicy", "cache policy " + id, () -> client.getCachePolicy(b -> b.id(id)));
    }

    /** The id of the copy of {@code policy} with these TTLs, made now unless it exists already. */
    String copyWith(String policy, BehaviourTtls ttls, String distribution) {
        CachePolicyConfig original = config(policy);
        String name = PREFIX + ttls.defaultTtl() + "-" + ttls.max() + "-" + policy;
        String comment = "cdn.extend-ttl copy of " + original.name() + " with raised TTLs; Baran's undo deletes it";
        CachePolicyConfig copy = original.toBuilder()
                .name(name)
                .comment(comment.length() > MAX_COMMENT ? comment.substring(0, MAX_COMMENT) : comment)
                .minTTL(ttls.min())
                .defaultTTL(ttls.defaultTtl())
                .maxTTL(ttls.max())
                .build();
        try {
            String id = calls.call("CreateCachePolicy", "cache policy " + name, () -> {
                try {
                    return client.createCachePolicy(b -> b.cachePolicyConfig(copy))
                            .cachePolicy()
                            .id();
                } catch (CachePolicyAlreadyExistsException exists) {
                    throw new Exists();
                }
            });
            LOG.infof(
                    "provider %s: made cache policy %s (%s), a copy of %s with TTLs %s, for distribution %s",
                    provider, name, id, policy, ttls.describe(), distribution);
            return id;
        } catch (Exists e) {
            return existing(name, copy);
        }
    }

    /** The copy made before (by a step retried, or for another distribution), if its settings are the copy's. */
    private String existing(String name, CachePolicyConfig copy) {
        String marker = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            String from = marker;
            CachePolicyList list = calls.call(
                            "ListCachePolicies",
                            "custom cache policies",
                            () -> client.listCachePolicies(
                                    b -> b.type(CachePolicyType.CUSTOM).marker(from)))
                    .cachePolicyList();
            for (CachePolicySummary summary :
                    list.items() == null ? java.util.List.<CachePolicySummary>of() : list.items()) {
                CachePolicyConfig found = summary.cachePolicy().cachePolicyConfig();
                if (name.equals(found.name())) {
                    if (!copy.toBuilder().comment(found.comment()).build().equals(found)) {
                        throw Failures.of(
                                FailureTypes.PLAN_UNSAFE,
                                "provider " + provider + " (CloudFront): cache policy " + name
                                        + " (" + summary.cachePolicy().id()
                                        + ") exists with settings other than the copy Baran would make:"
                                        + " it was changed by someone else; Baran will not use it (delete it, then retry)");
                    }
                    return summary.cachePolicy().id();
                }
            }
            marker = list.nextMarker();
            if (marker == null || marker.isEmpty()) {
                break;
            }
        }
        throw Failures.of(
                FailureTypes.PROVIDER_UNAVAILABLE,
                "provider " + provider + " (CloudFront): CreateCachePolicy answered " + "that cache policy " + name
                        + " exists, but ListCachePolicies does not list it; try again later");
    }

    /**
     * Deletes those of the policies that are Baran's copies; a copy still in use elsewhere, changed meanwhile or not
     * deletable now is left, with a warning naming it: the distribution is already restored, and a failed clean-up
     * must not fail the undo.
     */
    void deleteUnused(Set<String> policies, String distribution) {
        for (String id : policies) {
            try {
                GetCachePolicyResponse read;
                try {
                    read = read(id);
                } catch (ApplicationFailure gone) {
                    continue;
                }
                String name = read.cachePolicy().cachePolicyConfig().name();
                if (name == null || !name.startsWith(PREFIX)) {
                    continue;
                }
                String outcome = calls.call("DeleteCachePolicy", "cache policy " + name, () -> {
                    try {
                        client.deleteCachePolicy(b -> b.id(id).ifMatch(read.eTag()));
                        return "deleted";
                    } catch (CachePolicyInUseException inUse) {
                        return "still in use by another behaviour or distribution: left for the undo of the step using it";
                    } catch (PreconditionFailedException changed) {
                        return "changed by someone else since it was read: left as it is";
                    } catch (NoSuchCachePolicyException gone) {
                        return "already deleted";
                    }
                });
                LOG.infof(
                        "provider %s: cache policy %s (%s) taken off distribution %s: %s",
                        provider, name, id, distribution, outcome);
            } catch (ApplicationFailure failed) {
                LOG.warnf(
                        "provider %s: cache policy %s, Baran's copy taken off distribution %s, was not deleted (%s); delete it "
                                + "by hand once no behaviour uses it",
                        provider, id, distribution, failed.getOriginalMessage());
            }
        }
    }

    /** CreateCachePolicy found a policy of the copy's name. */
    private static final class Exists extends RuntimeException {
        Exists() {
            super(null, null, false, false);
        }
    }
}
