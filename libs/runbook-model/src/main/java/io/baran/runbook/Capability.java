package io.baran.runbook;

import java.util.Arrays;
import java.util.Optional;

/** What a provider can be asked to do; an action needs at most one of these from the provider it names. */
public enum Capability {
    DNS("dns", "DNS records"),
    CDN("cdn", "CDN distributions and their cache TTLs"),
    DATABASE_REPLICA("database-replica", "database replicas that can be promoted"),
    DATABASE_SWITCHOVER(
            "database-switchover",
            "databases whose primary role can be switched to a replica without data loss, and back"),
    OBJECT_STORE("object-store", "object-storage buckets and their replicas");

    private final String id;
    private final String doc;

    Capability(String id, String doc) {
        this.id = id;
        this.doc = doc;
    }

    /** The name used in configuration and messages, e.g. {@code database-replica}. */
    public String id() {
        return id;
    }

    public String doc() {
        return doc;
    }

    public static Optional<Capability> byId(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
