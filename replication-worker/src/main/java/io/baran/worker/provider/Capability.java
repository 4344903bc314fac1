package io.baran.worker.provider;

import static io.baran.runbook.Capability.CDN;
import static io.baran.runbook.Capability.DATABASE_REPLICA;
import static io.baran.runbook.Capability.DNS;

/**
 * Something a runbook step may ask of a provider, in finer grain than the runbook model's
 * {@link io.baran.runbook.Capability} (the one vocabulary of runbooks, configuration and the orchestrator), each
 * belonging to one of those. Every configured provider declares each one as {@link Support#can() can},
 * {@link Support#cannot cannot} or {@link Support#notYet not yet}, with the reason, so a step that needs what its
 * provider lacks is refused before any call is made.
 */
public enum Capability {
    DNS_RECORDS(DNS, "change simple A, AAAA, CNAME and TXT record sets (dns.switch)"),
    DNS_ROUTING_POLICIES(DNS, "change the weights of a weighted record set (dns.set-weights)"),
    CDN_TTL(CDN, "raise a CDN's cache TTLs and restore them (cdn.extend-ttl)"),
    CDN_SERVE_STALE(CDN, "make a CDN serve stale content while its origin fails (cdn.extend-ttl serveStale)"),
    CDN_CACHE_POLICY(CDN, "switch the cache policy of a CDN's behaviours"),
    DATABASE_PROMOTE(DATABASE_REPLICA, "promote a read replica to primary (database.promote-replica)"),
    DATABASE_FENCE(DATABASE_REPLICA, "make the old primary refuse writes when its replica is promoted"),
    DATABASE_DEMOTE(DATABASE_REPLICA, "turn a promoted replica back into a replica (the undo of a promotion)"),
    DATABASE_SWITCHOVER(
            io.baran.runbook.Capability.DATABASE_SWITCHOVER,
            "switch the primary role to a replica without data loss, and back (database.switchover)"),
    OBJECT_STORE(io.baran.runbook.Capability.OBJECT_STORE, "read, write, list and delete objects");

    private final io.baran.runbook.Capability group;
    private final String meaning;

    Capability(io.baran.runbook.Capability group, String meaning) {
        this.group = group;
        this.meaning = meaning;
    }

    /** The runbook model's capability it belongs to, e.g. {@code dns}. */
    public io.baran.runbook.Capability group() {
        return group;
    }

    /** What the capability is, in words, e.g. for the worker's provider listing. */
    public String meaning() {
        return meaning;
    }
}
