package io.baran.worker.provider;

import io.baran.worker.Failures;
import io.baran.worker.provider.aws.AwsProviderType;
import io.baran.worker.provider.azure.AzureProviderType;
import io.baran.worker.provider.gcp.GcpProviderType;
import io.baran.worker.provider.selfmanaged.FileSystemProviderType;
import io.baran.worker.provider.selfmanaged.PostgresProviderType;
import io.baran.worker.provider.selfmanaged.Rfc2136ProviderType;
import io.baran.workflow.FailureTypes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The providers configured in this worker, by name. A step names a provider and the capability it needs;
 * a provider that is not configured, or that declares it cannot (or not yet) do that, is refused here
 * (CapabilityMissing) before any call to it.
 */
public final class Providers implements AutoCloseable {

    /** Every provider type this version knows. */
    public static final List<ProviderType> TYPES = List.of(
            new AwsProviderType(),
            new Rfc2136ProviderType(),
            new PostgresProviderType(),
            new FileSystemProviderType(),
            new GcpProviderType(),
            new AzureProviderType());

    private final Map<String, ConfiguredProvider> byName = new TreeMap<>();

    public Providers(Collection<ConfiguredProvider> providers) {
        for (ConfiguredProvider p : providers) {
            if (byName.putIfAbsent(p.name(), p) != null) {
                throw new IllegalStateException("provider " + p.name() + " is configured twice");
            }
        }
    }

    /**
     * Connects every configured provider. A type the worker does not know, or a setting it lacks, stops the
     * worker here, at start-up, rather than during an outage.
     */
    public static Providers connect(Collection<ProviderSettings> settings, ProviderContext context) {
        List<ConfiguredProvider> connected = new ArrayList<>();
        try {
            for (ProviderSettings s : settings) {
                ProviderType type = type(s);
                ApiBudgetSettings.check(s, type.apiBudgets().keySet());
                // Read here, not by the type: the orchestrator reads the same key to check runbooks at load.
                Optional<List<String>> groups = s.option("capabilities")
                        .map(v -> Arrays.stream(v.split(","))
                                .map(String::trim)
                                .filter(g -> !g.isEmpty())
                                .toList());
                ConfiguredProvider provider = type.connect(s.without("capabilities"), context);
                connected.add(groups.map(g -> provider.withCapabilities(
                                provider.capabilities().narrowedTo(g, s.key("capabilities"), s.type())))
                        .orElse(provider));
            }
        } catch (RuntimeException e) {
            connected.forEach(ConfiguredProvider::close);
            throw e;
        }
        return new Providers(connected);
    }

    private static ProviderType type(ProviderSettings s) {
        for (ProviderType type : TYPES) {
            if (type.type().equals(s.type())) {
                return type;
            }
        }
        String known = String.join(", ", TYPES.stream().map(ProviderType::type).toList());
        throw new IllegalStateException(s.key("type") + ": \"" + s.type()
                + "\" is not a provider type this replication-worker knows (known: " + known + ")");
    }

    /** The provider a step names; fails (CapabilityMissing) naming the providers that are configured. */
    public ConfiguredProvider find(String name) {
        ConfiguredProvider provider = byName.get(name);
        if (provider == null) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "provider " + name
                            + " is not configured in the replication-worker (configured: "
                            + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + ")");
        }
        return provider;
    }

    /** The provider, when it declares it can do the capability; otherwise fails (CapabilityMissing) with its reason. */
    public ConfiguredProvider require(String name, Capability capability) {
        ConfiguredProvider provider = find(name);
        Support support = provider.support(capability);
        if (!support.available()) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "provider " + name + " (type " + provider.type() + ") "
                            + (support.level() == Support.Level.CANNOT ? "cannot " : "does not yet ")
                            + capability.meaning()
                            + ": " + support.reason());
        }
        return provider;
    }

    public DnsProvider dns(String name) {
        return require(name, Capability.DNS_RECORDS).dns();
    }

    public CdnProvider cdn(String name) {
        return require(name, Capability.CDN_TTL).cdn();
    }

    public DatabaseProvider database(String name) {
        return require(name, Capability.DATABASE_PROMOTE).database();
    }

    public ObjectStore objects(String name) {
        return require(name, Capability.OBJECT_STORE).objects();
    }

    public Collection<String> names() {
        return byName.keySet();
    }

    public Collection<ConfiguredProvider> all() {
        return byName.values();
    }

    @Override
    public void close() {
        byName.values().forEach(ConfiguredProvider::close);
    }
}
