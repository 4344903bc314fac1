package io.baran.runbook;

import static io.baran.runbook.Capability.CDN;
import static io.baran.runbook.Capability.DATABASE_REPLICA;
import static io.baran.runbook.Capability.DATABASE_SWITCHOVER;
import static io.baran.runbook.Capability.DNS;
import static io.baran.runbook.Capability.OBJECT_STORE;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of provider the format knows ({@code baran.providers."<name>".type}) and what each kind can
 * do. A configured provider may narrow this down with its own {@code capabilities} list, e.g. an AWS
 * account that Baran may only touch Route 53 in.
 */
public final class ProviderTypes {

    private static final Map<String, Type> TYPES = new LinkedHashMap<>();

    /** One kind of provider and the services behind each capability, for the reference. */
    public record Type(String name, String doc, Map<Capability, String> services) {
        public Set<Capability> capabilities() {
            return services.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(services.keySet()));
        }
    }

    static {
        add(new Type(
                "aws",
                "Amazon Web Services",
                ordered(
                        DNS,
                        "Route 53",
                        CDN,
                        "CloudFront",
                        DATABASE_REPLICA,
                        "RDS / Aurora global database",
                        DATABASE_SWITCHOVER,
                        "Aurora global database switchover",
                        OBJECT_STORE,
                        "S3")));
        add(new Type(
                "gcp",
                "Google Cloud",
                ordered(
                        DNS,
                        "Cloud DNS",
                        CDN,
                        "Cloud CDN",
                        DATABASE_REPLICA,
                        "Cloud SQL",
                        DATABASE_SWITCHOVER,
                        "Cloud SQL switchover to a disaster-recovery replica",
                        OBJECT_STORE,
                        "Cloud Storage")));
        add(new Type(
                "azure",
                "Microsoft Azure",
                ordered(
                        DNS,
                        "Azure DNS",
                        CDN,
                        "Front Door / Azure CDN",
                        DATABASE_REPLICA,
                        "Azure SQL failover group, PostgreSQL flexible server",
                        OBJECT_STORE,
                        "Blob Storage")));
        add(new Type(
                "rfc2136",
                "a self-managed DNS server taking RFC 2136 dynamic updates (BIND, Knot, PowerDNS)",
                ordered(DNS, "RFC 2136 dynamic update with TSIG")));
        add(new Type(
                "postgresql",
                "a self-managed PostgreSQL streaming standby",
                ordered(DATABASE_REPLICA, "pg_promote()")));
        add(new Type("filesystem", "a file system folder used as object store", ordered(OBJECT_STORE, "files")));
    }

    private ProviderTypes() {}

    private static void add(Type type) {
        TYPES.put(type.name(), type);
    }

    private static Map<Capability, String> ordered(Object... pairs) {
        Map<Capability, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((Capability) pairs[i], (String) pairs[i + 1]);
        }
        return Collections.unmodifiableMap(out);
    }

    public static Optional<Type> find(String name) {
        return Optional.ofNullable(TYPES.get(name));
    }

    public static java.util.Collection<Type> all() {
        return Collections.unmodifiableCollection(TYPES.values());
    }
}
