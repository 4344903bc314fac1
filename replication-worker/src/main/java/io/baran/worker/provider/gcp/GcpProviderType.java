package io.baran.worker.provider.gcp;

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

import io.baran.worker.budget.BudgetedCalls;
import io.baran.worker.budget.Limit;
import io.baran.worker.provider.Capabilities;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.ProviderType;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * {@code type=gcp}: Cloud DNS, Cloud CDN and Cloud SQL of one Google Cloud project, through their REST APIs
 * with Application Default Credentials.
 */
public final class GcpProviderType implements ProviderType {

    private static final Logger LOG = Logger.getLogger(GcpProviderType.class);
    /** Google's rule for project ids: 6 to 30 lowercase letters, digits and hyphens, starting with a letter. */
    private static final Pattern PROJECT_ID = Pattern.compile("[a-z][-a-z0-9]{4,28}[a-z0-9]");

    private static final Capabilities CAPABILITIES = Capabilities.builder("gcp")
            .can(DNS_RECORDS, CDN_TTL, CDN_SERVE_STALE, DATABASE_PROMOTE, DATABASE_SWITCHOVER, OBJECT_STORE)
            .notYet(
                    "record sets with a routing policy (weighted round robin, geolocation, failover) are refused, not flattened",
                    DNS_ROUTING_POLICIES)
            .notYet(
                    "backends in USE_ORIGIN_HEADERS cache mode are refused; switching cache modes is not built",
                    CDN_CACHE_POLICY)
            .cannot(
                    "Cloud SQL has no call that makes the primary of a read replica refuse writes short of stopping it "
                            + "(and in a regional outage the primary is out of reach)",
                    DATABASE_FENCE)
            .cannot(
                    "a promoted Cloud SQL replica cannot become a read replica again: create a new replica",
                    DATABASE_DEMOTE)
            .build();

    static final String DNS = "dns";
    /**
     * Cloud DNS's API quotas are per project and per minute, and shown only on the project's Quotas page
     * (https://cloud.google.com/dns/quotas: "Read limit for a minute for a region", changes counted apart), where they
     * can be raised; 5/s with a burst of 10 is a cautious default, to be set from that page with
     * {@code api-budget.dns.rate}. Compute (Cloud CDN) and Cloud SQL calls have no budget, their throttling is waited out.
     */
    static final Map<String, Limit> BUDGETS = Map.of(DNS, new Limit(5, 10));

    @Override
    public Map<String, Limit> apiBudgets() {
        return BUDGETS;
    }

    @Override
    public String type() {
        return "gcp";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ConfiguredProvider connect(ProviderSettings settings, ProviderContext context) {
        settings.onlyKnown(
                Set.of("project", "promote-timeout", "operation-timeout", "storage-endpoint", "pubsub-endpoint"),
                Set.of());
        String project = settings.required("project");
        if (!PROJECT_ID.matcher(project).matches()) {
            throw new IllegalStateException(
                    settings.key("project") + ": \"" + project + "\" is not a Google Cloud project id "
                            + "(6 to 30 lowercase letters, digits and hyphens, starting with a letter)");
        }
        Duration promoteTimeout = settings.duration("promote-timeout", Duration.ofMinutes(30));
        Duration operationTimeout = settings.duration("operation-timeout", Duration.ofMinutes(10));
        // One override serves every Google API unless Cloud Storage has its own (fake-gcs-server beside an API fake).
        Optional<URI> storageEndpoint = settings.option("storage-endpoint")
                .map(e -> uri(settings, "storage-endpoint", e))
                .or(settings::endpoint);
        LOG.infof(
                "provider %s: Google Cloud project %s%s (Cloud DNS, Cloud CDN, Cloud SQL, Cloud Storage%s)",
                settings.name(),
                project,
                settings.endpoint()
                        .map(e -> " at " + e + ", without credentials")
                        .orElse(""),
                settings.option("storage-endpoint")
                        .map(e -> " at " + e + ", without credentials")
                        .orElse(""));
        Map<String, BudgetedCalls> calls = new java.util.concurrent.ConcurrentHashMap<>();
        GcpApi api = new GcpApi(
                settings.name(),
                project,
                settings.endpoint(),
                service -> calls.computeIfAbsent(
                        service,
                        s -> context.calls(
                                settings,
                                s.equals("Cloud DNS")
                                        ? DNS
                                        : s.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'),
                                Optional.ofNullable(s.equals("Cloud DNS") ? BUDGETS.get(DNS) : null))));
        // Pub/Sub is a gRPC API: the HTTP override above never serves it.
        Optional<URI> pubsubEndpoint = settings.option("pubsub-endpoint").map(e -> uri(settings, "pubsub-endpoint", e));
        if (pubsubEndpoint.isPresent()
                && !Set.of("http", "https").contains(pubsubEndpoint.get().getScheme())) {
            throw new IllegalStateException(settings.key("pubsub-endpoint") + ": \"" + pubsubEndpoint.get()
                    + "\" is neither http:// (an emulator, plaintext and without credentials) nor https://");
        }
        CloudStorageObjectStore objects =
                new CloudStorageObjectStore(settings.name(), project, storageEndpoint, pubsubEndpoint);
        return new ConfiguredProvider(
                settings.name(),
                type(),
                CAPABILITIES,
                new CloudDns(api, context.dnsSyncTimeout(), context.heartbeat()),
                new CloudCdn(api, operationTimeout, context.heartbeat()),
                new CloudSqlDatabase(api, promoteTimeout, context.heartbeat()),
                objects,
                objects);
    }

    private static URI uri(ProviderSettings settings, String option, String text) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() != null && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalStateException(
                settings.key(option) + ": \"" + text + "\" is not a URL (e.g. http://127.0.0.1:4443)");
    }
}
