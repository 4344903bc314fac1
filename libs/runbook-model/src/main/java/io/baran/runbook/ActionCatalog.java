package io.baran.runbook;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static io.baran.runbook.ActionSpec.Type.BOOL;
import static io.baran.runbook.ActionSpec.Type.DURATION;
import static io.baran.runbook.ActionSpec.Type.INT;
import static io.baran.runbook.ActionSpec.Type.STRING;
import static io.baran.runbook.ActionSpec.Type.STRING_OR_LIST;

/**
 * The actions a runbook step may name. Fails on a duplicate name, so two definitions of one action
 * cannot both be loaded.
 */
public final class ActionCatalog {

    private final Map<String, ActionSpec> actions = new LinkedHashMap<>();

    public ActionCatalog(Collection<ActionSpec> specs) {
        for (ActionSpec spec : specs) {
            if (actions.putIfAbsent(spec.name(), spec) != null) {
                throw new IllegalStateException("action " + spec.name() + " is defined twice");
            }
        }
    }

    public Optional<ActionSpec> find(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    public Collection<ActionSpec> all() {
        return actions.values();
    }

    /** The actions of the runbook format, with what this version implements. */
    public static ActionCatalog standard() {
        return new ActionCatalog(java.util.List.of(
                ActionSpec.builder("dns.switch", "Points a DNS record at the standby; failback puts back the record it replaced.")
                        .required("provider", STRING, "a DNS provider configured in the replication-worker")
                        .required("zone", STRING, "the hosted zone, e.g. example.com")
                        .required("record", STRING, "the record name, relative to the zone (www) or fully qualified (www.example.com.)")
                        .oneOf("type", true, "the record type", "A", "AAAA", "CNAME", "TXT")
                        .required("to", STRING_OR_LIST, "the new value, or a list of values")
                        .optional("ttl", INT, "TTL of the new record in seconds (default 60)")
                        .changes()
                        .build(),
                ActionSpec.builder("health.check", "Waits until a URL answers with the expected status; changes nothing.")
                        .required("url", STRING, "the URL to call (http or https)")
                        .optional("expect", INT, "the expected HTTP status (default 200)")
                        .optional("within", DURATION, "how long to keep trying (default 1m)")
                        .optional("interval", DURATION, "time between tries (default 1s)")
                        .build(),
                ActionSpec.builder("wait", "Pauses the runbook; changes nothing.")
                        .required("for", DURATION, "how long to wait")
                        .build(),
                ActionSpec.builder("cdn.extend-ttl", "Raises a CDN's cache TTLs so it keeps serving while the origin is down.")
                        .required("provider", STRING, "a CDN provider configured in the replication-worker")
                        .required("distribution", STRING, "the distribution or endpoint")
                        .required("ttl", DURATION, "the new TTL")
                        .optional("serveStale", BOOL, "serve stale content while the origin fails")
                        .changes().notImplementedYet().build(),
                ActionSpec.builder("database.promote-replica", "Promotes a read replica to primary.")
                        .required("provider", STRING, "a database provider configured in the replication-worker")
                        .required("instance", STRING, "the replica to promote")
                        .changes().notImplementedYet().build(),
                ActionSpec.builder("storage.check-replica", "Checks that an object-store replica is fresh enough (RPO).")
                        .required("source", STRING, "provider:bucket URL of the source")
                        .required("replica", STRING, "provider:bucket URL of the replica")
                        .required("maxLag", DURATION, "the largest acceptable replication lag")
                        .notImplementedYet().build(),
                ActionSpec.builder("approval", "Waits for a person to approve.")
                        .optional("timeout", DURATION, "how long to wait for the decision")
                        .notImplementedYet().build(),
                ActionSpec.builder("notify", "Sends a message to people on call.")
                        .required("channel", STRING, "where to send it")
                        .required("message", STRING, "what to say")
                        .notImplementedYet().build()));
    }
}
