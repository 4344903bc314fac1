package io.baran.worker.provider;

/**
 * Something a runbook step may ask of a provider. Every configured provider declares each one as
 * {@link Support#can() can}, {@link Support#cannot cannot} or {@link Support#notYet not yet}, with the
 * reason, so a step that needs what its provider lacks is refused before any call is made.
 */
public enum Capability {
    DNS_RECORDS("dns", "change simple A, AAAA, CNAME and TXT record sets (dns.switch)"),
    DNS_ROUTING_POLICIES("dns", "change the weights of a weighted record set (dns.set-weights)"),
    CDN_TTL("cdn", "raise a CDN's cache TTLs and restore them (cdn.extend-ttl)"),
    CDN_SERVE_STALE("cdn", "make a CDN serve stale content while its origin fails (cdn.extend-ttl serveStale)"),
    CDN_CACHE_POLICY("cdn", "switch the cache policy of a CDN's behaviours"),
    DATABASE_PROMOTE("database-replica", "promote a read replica to primary (database.promote-replica)"),
    DATABASE_FENCE("database-replica", "make the old primary refuse writes when its replica is promoted"),
    DATABASE_DEMOTE("database-replica", "turn a promoted replica back into a replica (the undo of a promotion)"),
    DATABASE_SWITCHOVER("database-switchover", "switch the primary role to a replica without data loss, and back (database.switchover)"),
    OBJECT_STORE("object-store", "read, write, list and delete objects");

    /** The groups {@code baran.providers."<name>".capabilities} may list, as the runbook model names them. */
    public static final java.util.List<String> GROUPS = java.util.List.of("dns", "cdn", "database-replica", "database-switchover",
            "object-store");

    private final String group;
    private final String meaning;

    Capability(String group, String meaning) {
        this.group = group;
        this.meaning = meaning;
    }

    /** The coarse capability it belongs to: dns, cdn, database-replica, database-switchover or object-store. */
    public String group() {
        return group;
    }

    /** What the capability is, in words, e.g. for the worker's provider listing. */
    public String meaning() {
        return meaning;
    }
}
