package io.baran.worker.config;

import io.baran.egress.EgressPolicy;
import io.baran.egress.EgressRefusedException;
import io.baran.worker.Heartbeat;
import io.baran.worker.budget.ApiBudget;
import io.baran.worker.budget.PostgresBuckets;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/** Turns the typed provider configuration into connected providers, and closes their clients at shutdown. */
@Singleton
public class ProviderBeans {

    private static final Logger LOG = Logger.getLogger(ProviderBeans.class);

    @Produces
    @Singleton
    Providers providers(
            ProvidersConfig providers,
            DnsConfig dns,
            Heartbeat heartbeat,
            EgressPolicy egress,
            ApiBudgetConfig budget) {
        checkEndpoints(providers, egress);
        ApiBudget budgets = budget(budget, System::getenv);
        LOG.infof("API budgets of the provider accounts: %s", budgets.describe());
        List<ProviderSettings> settings = providers.all().entrySet().stream()
                .map(e -> new ProviderSettings(
                        e.getKey(),
                        e.getValue().type(),
                        e.getValue().region(),
                        e.getValue().endpoint(),
                        options(e.getValue())))
                .toList();
        return Providers.connect(settings, ProviderContext.of(dns.syncTimeout(), heartbeat, budgets));
    }

    /**
     * Endpoint overrides go through the egress policy: one that names (or resolves to) a refused address stops the
     * start. The cloud SDKs resolve the name again when they call it, so this check cannot pin the address; it
     * keeps a configuration from pointing a provider at metadata or the internal network by mistake.
     */
    static void checkEndpoints(ProvidersConfig providers, EgressPolicy egress) {
        List<String> problems = new ArrayList<>();
        providers.all().forEach((name, p) -> {
            p.endpoint()
                    .ifPresent(
                            uri -> checkEndpoint(egress, "baran.providers.\"" + name + "\".endpoint", uri, problems));
            p.storageEndpoint()
                    .map(ProviderBeans::uri)
                    .ifPresent(uri ->
                            checkEndpoint(egress, "baran.providers.\"" + name + "\".storage-endpoint", uri, problems));
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
    }

    /** A URL, or null when it is none (the provider type says what is wrong with it). */
    private static URI uri(String text) {
        try {
            return URI.create(text.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Adds a problem naming {@code key} when the URL's host is an address the egress policy refuses (or resolves to
     * one); resolves the name, connects to nothing. A name that does not resolve now passes: the client reports it.
     */
    public static void checkEndpoint(EgressPolicy egress, String key, URI uri, List<String> problems) {
        if (uri.getHost() == null) {
            return;
        }
        try {
            egress.resolve(uri);
        } catch (EgressRefusedException e) {
            problems.add(key + ": " + e.getMessage());
        } catch (UnknownHostException e) {
            // Not resolvable now (DNS may be down at start); the SDK reports it when it calls.
        }
    }

    /** The budgets' store as configured; an unknown store or a postgresql store without its URL stops the start. */
    static ApiBudget budget(ApiBudgetConfig config, java.util.function.Function<String, String> environment) {
        return switch (config.store()) {
            case "local" -> ApiBudget.local();
            case "postgresql" ->
                new ApiBudget(new PostgresBuckets(
                        config.jdbcUrl()
                                .orElseThrow(
                                        () -> new IllegalStateException(
                                                "baran.api-budget.jdbc-url is required with baran.api-budget.store=postgresql")),
                        config.user().orElse(null),
                        config.passwordEnv().map(environment).orElse(null),
                        config.timeout(),
                        config.replicas()));
            default ->
                throw new IllegalStateException("baran.api-budget.store: \"" + config.store()
                        + "\" is neither local (one worker replica) nor postgresql (shared by every replica)");
        };
    }

    /** The type-specific settings by their configuration key; each type checks it knows every one it is given. */
    static Map<String, String> options(ProvidersConfig.Provider p) {
        Map<String, String> options = new TreeMap<>();
        p.capabilities().ifPresent(list -> options.put("capabilities", String.join(",", list)));
        put(options, "server", p.server());
        put(options, "tsig-key-name", p.tsigKeyName());
        put(options, "tsig-algorithm", p.tsigAlgorithm());
        put(options, "tsig-secret-env", p.tsigSecretEnv());
        put(options, "timeout", p.timeout());
        put(options, "promote-timeout", p.promoteTimeout());
        put(options, "site", p.site());
        put(options, "user", p.user());
        put(options, "password-env", p.passwordEnv());
        put(options, "database", p.database());
        put(options, "ssl-mode", p.sslMode());
        put(options, "root", p.root());
        put(options, "project", p.project());
        put(options, "subscription", p.subscription());
        put(options, "resource-group", p.resourceGroup());
        put(options, "token-env", p.tokenEnv());
        put(options, "cdn-profile", p.cdnProfile());
        put(options, "operation-timeout", p.operationTimeout());
        put(options, "storage-endpoint", p.storageEndpoint());
        put(options, "storage-account", p.storageAccount());
        put(options, "storage-account-key-env", p.storageAccountKeyEnv());
        put(options, "api-account", p.apiAccount());
        p.apiBudget().forEach((api, b) -> {
            put(options, "api-budget." + api + ".rate", b.rate());
            put(options, "api-budget." + api + ".burst", b.burst());
        });
        p.instances().forEach((name, instance) -> {
            String prefix = "instances." + name + ".";
            put(options, prefix + "standby", instance.standby());
            put(options, prefix + "primary", instance.primary());
            put(options, prefix + "kind", instance.kind());
            put(options, prefix + "server", instance.server());
            put(options, prefix + "failover-group", instance.failoverGroup());
            put(options, prefix + "resource-group", instance.resourceGroup());
            put(options, prefix + "failover", instance.failover());
            put(options, prefix + "promote-option", instance.promoteOption());
            put(options, prefix + "location", instance.location());
        });
        return options;
    }

    private static void put(Map<String, String> options, String key, Optional<?> value) {
        value.ifPresent(v -> options.put(key, v.toString()));
    }

    void close(@Disposes Providers providers) {
        providers.close();
    }
}
