package io.baran.worker.provider.azure;

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

import io.baran.worker.budget.Limit;
import io.baran.worker.provider.Capabilities;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.ProviderType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * {@code type=azure}: Azure DNS, Azure CDN (classic endpoints and Front Door Standard/Premium), Azure SQL failover groups and PostgreSQL flexible server replicas
 * of one subscription, through Azure Resource Manager's REST API with a token from DefaultAzureCredential.
 * Settings: {@code subscription}, {@code resource-group}, {@code endpoint} (an ARM emulator; only then may
 * {@code token-env} name a variable holding a fixed token), {@code cdn-profile}, {@code timeout} (30s per
 * call), {@code operation-timeout} (10m, a CDN update), {@code promote-timeout} (30m), and per database
 * instance {@code instances."<name>".kind|server|failover-group|resource-group|failover|promote-option|location}.
 */
public final class AzureProviderType implements ProviderType {

    private static final Logger LOG = Logger.getLogger(AzureProviderType.class);
    private static final Capabilities CAPABILITIES = capabilities("azure", List.of(), true, true);

    static final String ARM = "arm";
    /**
     * Azure Resource Manager throttles per subscription and region with token buckets: writes a bucket of 200 refilled at
     * 10/s, reads 250 at 25/s (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling);
     * Azure DNS adds per-zone limits on record set operations, listed on the same page. Every ARM call of the provider
     * draws from one bucket at the write figures.
     */
    static final Map<String, Limit> BUDGETS = Map.of(ARM, new Limit(10, 200));

    @Override
    public Map<String, Limit> apiBudgets() {
        return BUDGETS;
    }

    @Override
    public String type() {
        return "azure";
    }

    /** What the type can do when its database instances are all planned SQL failovers; a provider may declare less. */
    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    /**
     * @param unfenceable the instances whose old primary cannot be fenced (flexible servers, forced failovers):
     *                    a provider holding any of them declares it cannot fence, and says which
     * @param hasStorage  whether a storage account is configured: Blob Storage is its object store
     */
    static Capabilities capabilities(
            String provider, List<String> unfenceable, boolean hasInstances, boolean hasStorage) {
        Capabilities.Builder builder = Capabilities.builder("azure")
                .can(DNS_RECORDS, CDN_TTL)
                .notYet(
                        "alias record sets and Traffic Manager profiles are refused, not flattened",
                        DNS_ROUTING_POLICIES)
                .cannot(
                        "Azure CDN and Front Door have no cache policies to switch to: Baran raises the durations of their "
                                + "caching rules (classic Override, Front Door OverrideAlways); rules that let the origin's Cache-Control "
                                + "decide (SetIfMissing, HonorOrigin, OverrideIfOriginMissing) and endpoints with no caching rule for every "
                                + "request are refused, since overriding the origin could cache what it marked private (add such a rule "
                                + "to have it raised)",
                        CDN_CACHE_POLICY)
                .cannot(
                        "neither Azure CDN's rules engine nor Front Door has a setting that serves stale content while the "
                                + "origin fails",
                        CDN_SERVE_STALE)
                .notYet(
                        "PostgreSQL flexible server switchover (with virtual endpoints) and SQL managed instance failover groups "
                                + "are not built",
                        DATABASE_SWITCHOVER);
        if (hasStorage) {
            builder.can(OBJECT_STORE);
        } else {
            builder.cannot(
                    "provider " + provider
                            + " configures no storage account (storage-account, storage-account-key-env)",
                    OBJECT_STORE);
        }
        if (!hasInstances) {
            return builder.cannot(
                            "provider " + provider + " configures no database instance (instances.\"<name>\".kind)",
                            DATABASE_PROMOTE,
                            DATABASE_FENCE,
                            DATABASE_DEMOTE)
                    .build();
        }
        builder.can(DATABASE_PROMOTE)
                .notYet(
                        "failing a SQL failover group back (a planned failover run on the old primary's server) is not built as "
                                + "an undo, and a promoted flexible server cannot become a replica again",
                        DATABASE_DEMOTE);
        if (unfenceable.isEmpty()) {
            builder.can(DATABASE_FENCE);
        } else {
            builder.cannot(
                    "Azure has no way to make the old primary of " + String.join(", ", unfenceable)
                            + " refuse writes: a "
                            + "flexible server's primary goes on taking writes, a forced failover does not wait for the old primary "
                            + "(configure planned SQL failover groups in a provider of their own to have them fenced)",
                    DATABASE_FENCE);
        }
        return builder.build();
    }

    @Override
    public ConfiguredProvider connect(ProviderSettings settings, ProviderContext context) {
        settings.onlyKnown(
                Set.of(
                        "subscription",
                        "resource-group",
                        "token-env",
                        "cdn-profile",
                        "timeout",
                        "operation-timeout",
                        "promote-timeout",
                        "storage-account",
                        "storage-account-key-env",
                        "storage-endpoint"),
                Set.of("instances."));
        String subscription = settings.required("subscription");
        String resourceGroup = settings.required("resource-group");
        URI base = settings.endpoint().orElse(Arm.PUBLIC_CLOUD);
        Supplier<String> tokens = tokens(settings, context);
        Arm arm = new Arm(
                settings.name(),
                base,
                subscription,
                tokens,
                settings.duration("timeout", Duration.ofSeconds(30)),
                context.heartbeat(),
                context.calls(settings, ARM, Optional.of(BUDGETS.get(ARM))));
        Map<String, AzureDatabase.Instance> instances = AzureInstances.read(
                settings, arm, resourceGroup, settings.duration("promote-timeout", Duration.ofMinutes(30)));
        AzureDns dns = new AzureDns(arm, resourceGroup);
        AzureCdn cdn = new AzureCdn(
                arm,
                resourceGroup,
                settings.option("cdn-profile"),
                settings.duration("operation-timeout", Duration.ofMinutes(10)));
        AzureDatabase database = instances.isEmpty() ? null : new AzureDatabase(settings.name(), instances);
        BlobStorageObjectStore objects = blobStorage(settings, context);
        LOG.infof(
                "provider %s: Azure subscription %s, resource group %s%s (Azure DNS, Azure CDN, databases %s)",
                settings.name(),
                subscription,
                resourceGroup,
                settings.endpoint().map(e -> " at " + e).orElse(""),
                instances.keySet());
        return new ConfiguredProvider(
                settings.name(),
                type(),
                capabilities(
                        settings.name(), AzureInstances.unfenceable(settings), !instances.isEmpty(), objects != null),
                dns,
                cdn,
                database,
                objects,
                objects);
    }

    /** Blob Storage of the configured storage account, with its Shared Key from the environment; null without an account. */
    private static BlobStorageObjectStore blobStorage(ProviderSettings settings, ProviderContext context) {
        Optional<String> account = settings.option("storage-account");
        if (account.isEmpty()) {
            if (settings.option("storage-account-key-env").isPresent()
                    || settings.option("storage-endpoint").isPresent()) {
                throw new IllegalStateException(settings.key("storage-account") + " is required with "
                        + settings.key("storage-account-key-env") + " or " + settings.key("storage-endpoint"));
            }
            return null;
        }
        if (!account.get().matches("[a-z0-9]{3,24}")) {
            throw new IllegalStateException(settings.key("storage-account") + ": \"" + account.get()
                    + "\" is not a storage account name (3 to 24 lowercase letters and digits)");
        }
        String key = context.secret(settings, "storage-account-key-env");
        String endpoint =
                settings.option("storage-endpoint").orElse("https://" + account.get() + ".blob.core.windows.net");
        return new BlobStorageObjectStore(settings.name(), endpoint, account.get(), key);
    }

    /** DefaultAzureCredential; a fixed token from the environment only for an emulator, never for Azure itself. */
    private static Supplier<String> tokens(ProviderSettings settings, ProviderContext context) {
        if (settings.option("token-env").isEmpty()) {
            return ArmTokens.defaultChain();
        }
        if (settings.endpoint().isEmpty()) {
            throw new IllegalStateException(settings.key("token-env") + " is only for an ARM emulator named by "
                    + settings.key("endpoint") + ": against Azure, tokens come from DefaultAzureCredential only");
        }
        return ArmTokens.fixed(context.secret(settings, "token-env"));
    }
}
