package io.baran.worker.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import io.baran.worker.provider.CdnProvider;
import io.baran.worker.provider.ControlPlane;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Cloud CDN TTLs: the {@code cdnPolicy} of global backend services and backend buckets, through the Compute
 * REST API. A distribution is one backend ({@code backendServices/web}, {@code backendBuckets/assets}: one
 * behaviour, {@code *}) or a URL map, i.e. a load balancer ({@code urlMaps/shop}, or its bare name {@code shop}:
 * its default backend is {@code *}, each path rule a behaviour named by its paths), so a load balancer's paths
 * are raised as CloudFront's behaviours are.
 *
 * <p>How a cache mode maps onto min/default/max: CACHE_ALL_STATIC is 0/defaultTtl/maxTtl; FORCE_CACHE_ALL
 * caches everything for defaultTtl, so it is 0/defaultTtl/defaultTtl and only defaultTtl is written;
 * USE_ORIGIN_HEADERS takes TTLs from the origin alone and is refused like a cache policy; a backend with Cloud
 * CDN off caches nothing (0/0/0) and is left alone. Cloud CDN has no minimum TTL. clientTtl is never raised,
 * so browsers do not keep outage-time content once the origin is back. serveWhileStale is the behaviour's
 * serve-stale time ({@code cdn.extend-ttl serveStale}); unset, it is Cloud CDN's default of a day.
 *
 * <p>Every PATCH of a backend service carries the fingerprint of the read it was built from; a 412 (changed
 * in between) makes it read again, check the TTLs are still as planned, and patch from the fresh read.
 *
 * <p>The backends are patched one after another, each an operation of its own, so a change that fails midway (a 5xx
 * on the second backend) leaves the first one changed. Each behaviour is then compared on its own: its retry patches
 * only the backends still at their planned start, and its undo puts back only those that were changed; a backend at
 * neither its planned start nor its target was changed by someone else, and is refused (PlanUnsafe).
 */
public final class CloudCdn extends GcpService implements CdnProvider {

    private static final Logger LOG = Logger.getLogger(CloudCdn.class);
    static final String SERVICE = "Cloud CDN";
    /** Compute's global resources are managed through its global API. */
    public static final ControlPlane CONTROL_PLANE =
            new ControlPlane("gcp/global", "compute", "Cloud CDN (Compute API)");
    /** Google's defaults when a cdnPolicy leaves them out. */
    static final long DEFAULT_TTL = 3600;

    static final long DEFAULT_MAX_TTL = 86400;
    static final long DEFAULT_SERVE_WHILE_STALE = 86400;
    private static final int MAX_CONFLICTS = 3;
    private static final Duration MAX_POLL = Duration.ofSeconds(2);

    private final Operations operations;

    CloudCdn(GcpApi api, Duration operationTimeout, Heartbeat heartbeat) {
        super(api, CONTROL_PLANE);
        this.operations = new Operations(api, SERVICE, operationTimeout, MAX_POLL, heartbeat);
    }

    private String base() {
        return api.base("compute.googleapis.com", "/compute/v1") + "/global";
    }

    @Override
    public CacheTtls observe(String distribution) {
        return read(distribution).ttls();
    }

    @Override
    public void replace(String distribution, CacheTtls expected, CacheTtls desired) {
        for (int conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
            View view = read(distribution);
            Map<CdnBackend, BehaviourTtls> changes = changes(distribution, view, expected, desired);
            if (changes.isEmpty()) {
                return;
            }
            try {
                changes.forEach((backend, want) -> patch(backend, view.backends.get(backend), want));
                LOG.infof(
                        "provider %s: distribution %s TTLs %s",
                        name(), distribution, view.ttls().diff(desired));
                return;
            } catch (GcpApi.Conflict e) {
                LOG.infof(
                        "provider %s: a backend of %s changed between read and patch (%s); reading it again",
                        name(), distribution, e.getMessage());
            }
        }
        throw Failures.of(
                FailureTypes.PROVIDER_UNAVAILABLE,
                "provider " + name() + " (Cloud CDN): distribution " + distribution + " changed " + MAX_CONFLICTS
                        + " times between reading and patching it; try again later");
    }

    /** The backends to patch, each behaviour checked on its own so a retry after a partial change goes on safely. */
    private Map<CdnBackend, BehaviourTtls> changes(
            String distribution, View view, CacheTtls expected, CacheTtls desired) {
        CacheTtls current = view.ttls();
        if (current.behaviours().size() != desired.behaviours().size()) {
            throw changedMeanwhile(distribution, current, expected);
        }
        Map<CdnBackend, BehaviourTtls> changes = new LinkedHashMap<>();
        for (BehaviourTtls want : desired.behaviours()) {
            BehaviourTtls now = current.find(want.path());
            BehaviourTtls was = expected.find(want.path());
            if (now == null || was == null) {
                throw changedMeanwhile(distribution, current, expected);
            }
            if (now.sameTtls(want)) {
                continue;
            }
            if (!now.sameTtls(was)) {
                throw changedMeanwhile(distribution, current, expected);
            }
            if (want.min() != 0) {
                throw Failures.of(
                        FailureTypes.CAPABILITY_MISSING,
                        "distribution " + distribution + " behaviour " + want.path()
                                + ": Cloud CDN has no minimum TTL (asked for " + want.min() + ")");
            }
            CdnBackend backend = view.behaviours.get(want.path());
            BehaviourTtls other = changes.putIfAbsent(backend, want);
            if (other != null
                    && !(other.defaultTtl() == want.defaultTtl()
                            && other.max() == want.max()
                            && java.util.Objects.equals(other.serveStale(), want.serveStale()))) {
                throw Failures.of(
                        FailureTypes.CAPABILITY_MISSING,
                        "distribution " + distribution + ": behaviours " + other.path() + " and " + want.path()
                                + " share " + backend + ", which cannot hold two sets of TTLs");
            }
        }
        return changes;
    }

    /** A JSON merge patch of the backend's cdnPolicy TTLs only, conditional on the fingerprint read. */
    private void patch(CdnBackend backend, JsonNode read, BehaviourTtls want) {
        ObjectNode body = api.object();
        ObjectNode policy = body.putObject("cdnPolicy");
        policy.put("defaultTtl", want.defaultTtl());
        if (!"FORCE_CACHE_ALL".equals(read.path("cdnPolicy").path("cacheMode").asText())) {
            policy.put("maxTtl", want.max());
        } else if (want.max() != want.defaultTtl()) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    backend + " caches everything for its default TTL "
                            + "(FORCE_CACHE_ALL): it has no max TTL to set apart from it");
        }
        if (want.serveStale() != null && want.serveStale() != serveWhileStale(read.path("cdnPolicy"))) {
            policy.put("serveWhileStale", want.serveStale());
        }
        if (read.hasNonNull("fingerprint")) {
            body.put("fingerprint", read.path("fingerprint").asText());
        }
        String what = backend.toString();
        JsonNode operation =
                api.conditional(SERVICE, backend.collection() + ".patch", what, "PATCH", url(backend), body);
        operations.await(base() + "/operations", operation, backend.collection() + ".patch", what);
    }

    /** A distribution read: its behaviours, the backend each one uses, and each backend as read (with its fingerprint). */
    private record View(Map<String, CdnBackend> behaviours, Map<CdnBackend, JsonNode> backends) {
        CacheTtls ttls() {
            List<BehaviourTtls> list = new ArrayList<>();
            behaviours.forEach((path, backend) -> list.add(CloudCdn.ttls(path, backend, backends.get(backend))));
            return new CacheTtls(list);
        }
    }

    private View read(String distribution) {
        Map<String, CdnBackend> behaviours = new LinkedHashMap<>();
        if (distribution.startsWith("urlMaps/") || !distribution.contains("/")) {
            behaviours.putAll(urlMapBehaviours(distribution));
        } else {
            behaviours.put(
                    BehaviourTtls.DEFAULT,
                    CdnBackend.parse(
                            distribution,
                            "provider " + name() + " (Cloud CDN) has no " + "distribution " + distribution));
        }
        Map<CdnBackend, JsonNode> backends = new LinkedHashMap<>();
        for (CdnBackend backend : behaviours.values()) {
            backends.computeIfAbsent(backend, b -> api.get(SERVICE, b.collection() + ".get", b.toString(), url(b)));
        }
        return new View(behaviours, backends);
    }

    private Map<String, CdnBackend> urlMapBehaviours(String distribution) {
        String mapName = distribution.substring(distribution.indexOf('/') + 1);
        String where = "distribution " + distribution + " of provider " + name();
        JsonNode map = api.get(
                SERVICE, "urlMaps.get", "distribution " + distribution, base() + "/urlMaps/" + GcpApi.encode(mapName));
        if (!map.hasNonNull("defaultService")) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    where + " has no default backend (a redirect or route action); "
                            + "only URL maps whose paths route to backends are supported");
        }
        String defaultService = map.path("defaultService").asText();
        Map<String, CdnBackend> behaviours = new LinkedHashMap<>();
        behaviours.put(BehaviourTtls.DEFAULT, CdnBackend.parse(defaultService, where));
        JsonNode matchers = map.path("pathMatchers");
        if (matchers.size() > 1) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    where + " has " + matchers.size()
                            + " path matchers (host rules); only URL maps with one path matcher are supported yet");
        }
        for (JsonNode matcher : matchers) {
            if (matcher.has("routeRules")
                    || (matcher.hasNonNull("defaultService")
                            && !CdnBackend.parse(matcher.path("defaultService").asText(), where)
                                    .equals(behaviours.get(BehaviourTtls.DEFAULT)))) {
                throw Failures.of(
                        FailureTypes.CAPABILITY_MISSING,
                        where + ": path matcher " + matcher.path("name").asText()
                                + " uses route rules or its own default backend; only path rules are supported yet");
            }
            for (JsonNode rule : matcher.path("pathRules")) {
                List<String> paths = new ArrayList<>();
                rule.path("paths").forEach(p -> paths.add(p.asText()));
                behaviours.put(
                        String.join(",", paths),
                        CdnBackend.parse(rule.path("service").asText(), where));
            }
        }
        return behaviours;
    }

    private String url(CdnBackend backend) {
        return base() + "/" + backend.collection() + "/" + GcpApi.encode(backend.name());
    }

    /** One behaviour's TTLs from a backend as Compute returns it; see the class comment for the cache modes. */
    static BehaviourTtls ttls(String path, CdnBackend kind, JsonNode backend) {
        if (!backend.path(kind.enableField()).asBoolean(false)) {
            return new BehaviourTtls(path, 0, 0, 0, null);
        }
        JsonNode policy = backend.path("cdnPolicy");
        String mode = policy.path("cacheMode").asText("CACHE_ALL_STATIC");
        long defaultTtl = policy.path("defaultTtl").asLong(DEFAULT_TTL);
        long stale = serveWhileStale(policy);
        return switch (mode) {
            case "USE_ORIGIN_HEADERS" -> new BehaviourTtls(path, 0, 0, 0, "cache mode USE_ORIGIN_HEADERS");
            case "FORCE_CACHE_ALL" -> new BehaviourTtls(path, 0, defaultTtl, defaultTtl, null, stale);
            default ->
                new BehaviourTtls(path, 0, defaultTtl, policy.path("maxTtl").asLong(DEFAULT_MAX_TTL), null, stale);
        };
    }

    /** Unset means Cloud CDN's default; undo then writes that default explicitly, which serves the same. */
    private static long serveWhileStale(JsonNode policy) {
        return policy.path("serveWhileStale").asLong(DEFAULT_SERVE_WHILE_STALE);
    }

    private RuntimeException changedMeanwhile(String distribution, CacheTtls current, CacheTtls expected) {
        return Failures.of(
                FailureTypes.PLAN_UNSAFE,
                "distribution " + distribution + " of provider " + name() + " now has TTLs " + current.describe()
                        + ", not " + expected.describe() + " as planned: it was changed by someone else since");
    }
}
