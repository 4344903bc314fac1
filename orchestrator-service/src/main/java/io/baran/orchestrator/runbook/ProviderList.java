package io.baran.orchestrator.runbook;

import io.baran.runbook.ProviderCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/** The configured providers as the runbook parser checks them; a provider of an unknown type stops the start. */
@ApplicationScoped
public class ProviderList {

    private static final Logger LOG = Logger.getLogger(ProviderList.class);

    @Inject
    ProvidersConfig config;

    private volatile ProviderCatalog catalog;

    public ProviderCatalog catalog() {
        if (catalog == null) {
            catalog = build();
        }
        return catalog;
    }

    private ProviderCatalog build() {
        if (config.all().isEmpty()) {
            LOG.warn(
                    "no providers are configured (baran.providers.\"<name>\".type): provider names in runbooks are not checked");
            return ProviderCatalog.UNCHECKED;
        }
        List<ProviderCatalog.Provider> providers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        config.all().forEach((name, provider) -> {
            try {
                providers.add(ProviderCatalog.provider(name, provider.type(), provider.capabilities()));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("baran.providers: " + String.join("; ", problems));
        }
        ProviderCatalog out = ProviderCatalog.of(providers);
        out.all().forEach(p -> LOG.infof("provider %s: %s, %s", p.name(), p.type(), p.capabilities()));
        return out;
    }
}
