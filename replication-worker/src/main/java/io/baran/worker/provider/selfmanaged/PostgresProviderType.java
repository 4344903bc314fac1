package io.baran.worker.provider.selfmanaged;

import static io.baran.worker.provider.Capability.CDN_CACHE_POLICY;
import static io.baran.worker.provider.Capability.CDN_SERVE_STALE;
import static io.baran.worker.provider.Capability.CDN_TTL;
import static io.baran.worker.provider.Capability.DATABASE_DEMOTE;
import static io.baran.worker.provider.Capability.DATABASE_FENCE;
import static io.baran.worker.provider.Capability.DATABASE_PROMOTE;
import static io.baran.worker.provider.Capability.DATABASE_SWITCHOVER;
import static io.baran.worker.provider.Capability.DNS_RECORDS;
import static io.baran.worker.provider.Capability.DNS_ROUTING_POLICIES;
import static io.baran.worker.provider.Capability.OBJECT_STORE;

import io.baran.worker.provider.Capabilities;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.ProviderType;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * {@code type=postgresql}: standbys in PostgreSQL streaming replication, each named with the primary it
 * streams from. Settings: {@code user}, {@code password-env} (the environment variable holding the
 * password; none when unset), {@code database} (postgres), {@code ssl-mode} (prefer), {@code timeout} (5s),
 * {@code promote-timeout} (60s), {@code site}, and per instance {@code instances."<name>".standby} and
 * {@code instances."<name>".primary} (host:port, port 5432 by default).
 */
public final class PostgresProviderType implements ProviderType {

    private static final Logger LOG = Logger.getLogger(PostgresProviderType.class);
    private static final Capabilities CAPABILITIES = Capabilities.builder("postgresql")
            .can(DATABASE_PROMOTE, DATABASE_FENCE)
            .cannot(
                    "a promoted server has its own timeline: it becomes a standby again only through pg_rewind or a new "
                            + "base backup, on the server's host, which Baran does not reach",
                    DATABASE_DEMOTE)
            .notYet(
                    "a planned switchover (fence, catch up, promote, then re-attach the old primary as a standby) is not built",
                    DATABASE_SWITCHOVER)
            .cannot(
                    "a PostgreSQL server is not a DNS server, a CDN or an object store",
                    DNS_RECORDS,
                    DNS_ROUTING_POLICIES,
                    CDN_TTL,
                    CDN_SERVE_STALE,
                    CDN_CACHE_POLICY,
                    OBJECT_STORE)
            .build();

    @Override
    public String type() {
        return "postgresql";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ConfiguredProvider connect(ProviderSettings settings, ProviderContext context) {
        settings.onlyKnown(
                Set.of("user", "password-env", "database", "ssl-mode", "timeout", "promote-timeout", "site"),
                Set.of("instances."));
        Map<String, PostgresStandby.Pair> instances = new TreeMap<>();
        Map<String, String> raw = settings.under("instances.");
        for (Map.Entry<String, String> e : raw.entrySet()) {
            int dot = e.getKey().lastIndexOf('.');
            String instance = dot < 0 ? e.getKey() : e.getKey().substring(0, dot);
            String field = dot < 0 ? "" : e.getKey().substring(dot + 1);
            if (!field.equals("standby") && !field.equals("primary")) {
                throw new IllegalStateException(settings.key("instances." + e.getKey())
                        + " is not a setting (an instance has standby and primary)");
            }
            if (field.equals("standby")) {
                String primaryKey = "instances." + instance + ".primary";
                Optional<HostPort> primary =
                        settings.option(primaryKey).map(p -> HostPort.parse(p, 5432, settings.key(primaryKey)));
                instances.put(
                        instance,
                        new PostgresStandby.Pair(
                                HostPort.parse(e.getValue(), 5432, settings.key("instances." + e.getKey())), primary));
            } else if (!raw.containsKey(instance + ".standby")) {
                throw new IllegalStateException(settings.key("instances." + instance + ".standby") + " is required");
            }
        }
        if (instances.isEmpty()) {
            throw new IllegalStateException(settings.key("instances")
                    + ": a provider of type postgresql needs at least one " + "instances.\"<name>\".standby");
        }
        String password = settings.option("password-env").isPresent() ? context.secret(settings, "password-env") : null;
        PostgresStandby standby = new PostgresStandby(
                settings.name(),
                instances,
                settings.required("user"),
                password,
                settings.option("database").orElse("postgres"),
                settings.option("ssl-mode").orElse("prefer"),
                settings.duration("timeout", Duration.ofSeconds(5)),
                settings.duration("promote-timeout", Duration.ofSeconds(60)),
                settings.option("site"),
                context.heartbeat());
        LOG.infof("provider %s: PostgreSQL standbys %s", settings.name(), instances.keySet());
        return new ConfiguredProvider(settings.name(), type(), CAPABILITIES, null, null, standby, null, null);
    }
}
