package io.baran.worker.provider;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.aws.Route53Dns;
import io.baran.workflow.FailureTypes;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** The DNS providers configured in this worker, by name. */
public final class DnsProviders implements AutoCloseable {

    private final Map<String, DnsProvider> byName;
    private final Runnable onClose;

    public DnsProviders(Map<String, DnsProvider> byName, Runnable onClose) {
        this.byName = new TreeMap<>(byName);
        this.onClose = onClose;
    }

    /**
     * Connects every configured provider. A provider type the worker does not know fails here, at
     * start-up, rather than during an outage.
     */
    public static DnsProviders connect(Collection<ProviderSettings> settings, Duration syncTimeout, Heartbeat heartbeat) {
        Map<String, DnsProvider> providers = new TreeMap<>();
        Map<String, Route53Dns> toClose = new TreeMap<>();
        for (ProviderSettings s : settings) {
            switch (s.type()) {
                case "aws" -> {
                    Route53Dns dns = Route53Dns.connect(s, syncTimeout, heartbeat);
                    providers.put(s.name(), dns);
                    toClose.put(s.name(), dns);
                }
                default -> throw new IllegalStateException("baran.providers.\"" + s.name() + "\".type: \"" + s.type()
                        + "\" is not a provider type this replication-worker knows (known: aws)");
            }
        }
        return new DnsProviders(providers, () -> toClose.values().forEach(Route53Dns::close));
    }

    /** The provider named by a step; fails (CapabilityMissing) naming the providers that are configured. */
    public DnsProvider find(String name) {
        DnsProvider provider = byName.get(name);
        if (provider == null) {
            throw Failures.of(FailureTypes.CAPABILITY_MISSING, "provider " + name
                    + " is not configured in the replication-worker (configured: "
                    + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + ")");
        }
        return provider;
    }

    public Collection<String> names() {
        return byName.keySet();
    }

    @Override
    public void close() {
        onClose.run();
    }
}
