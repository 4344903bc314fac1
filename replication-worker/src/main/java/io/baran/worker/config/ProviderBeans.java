package io.baran.worker.config;

import io.baran.worker.Heartbeat;
import io.baran.worker.provider.DnsProviders;
import io.baran.worker.provider.ProviderSettings;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Turns the typed provider configuration into connected providers, and closes their clients at shutdown. */
@Singleton
public class ProviderBeans {

    @Produces
    @Singleton
    DnsProviders dnsProviders(ProvidersConfig providers, DnsConfig dns, Heartbeat heartbeat) {
        var settings = providers.all().entrySet().stream()
                .map(e -> new ProviderSettings(e.getKey(), e.getValue().type(), e.getValue().region(), e.getValue().endpoint()))
                .toList();
        return DnsProviders.connect(settings, dns.syncTimeout(), heartbeat);
    }

    void close(@Disposes DnsProviders providers) {
        providers.close();
    }
}
