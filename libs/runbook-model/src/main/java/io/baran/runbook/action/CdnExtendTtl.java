package io.baran.runbook.action;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.Capability;

import static io.baran.runbook.ActionSpec.Type.BOOL;
import static io.baran.runbook.ActionSpec.Type.DURATION;
import static io.baran.runbook.ActionSpec.Type.STRING;

/** {@code cdn.extend-ttl}: keeps a CDN serving from cache while the origin is down; undo restores the old TTLs. */
public final class CdnExtendTtl extends ActionType {

    public CdnExtendTtl() {
        super(ActionSpec.builder("cdn.extend-ttl", "Raises a CDN's cache TTLs so it keeps serving while the origin is down; failback restores the TTLs it replaced.")
                .provider("provider", Capability.CDN, "a CDN provider configured in the replication-worker")
                .required("distribution", STRING, "the distribution or endpoint")
                .required("ttl", DURATION, "the new TTL, in whole seconds from 1s to 365d")
                .optional("serveStale", BOOL, "serve stale content while the origin fails (CloudFront has no such setting and refuses it)")
                .changes().build());
    }
}
