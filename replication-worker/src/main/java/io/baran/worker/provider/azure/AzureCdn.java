package io.baran.worker.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.worker.Failures;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import io.baran.worker.provider.CdnProvider;
import io.baran.worker.provider.ControlPlane;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * CDN TTLs through a classic Azure CDN endpoint's rules engine (Microsoft.Cdn endpoints, API 2024-02-01):
 * each delivery rule with a {@code CacheExpiration} action is one behaviour. The rule of order 0 (the
 * Global rule, applied to every request) is the default behaviour {@code *}; the others go by their rule
 * name. Only {@code Override} durations are Baran's to raise: the CDN caches exactly that long, so default
 * and max TTL are both the duration (Azure has no minimum TTL: 0). {@code BypassCache} caches nothing and
 * is left alone; {@code SetIfMissing} lets the origin decide, and is refused like a cache policy.
 *
 * <p>The distribution is named {@code <resource-group>/<profile>/<endpoint>}, {@code <profile>/<endpoint>}
 * in the provider's {@code resource-group}, or {@code <endpoint>} in its {@code cdn-profile}. The update is a PATCH of the endpoint's whole delivery policy,
 * a long-running operation followed to its end. When the profile's sku is Front Door Standard/Premium, the name is
 * of an AFD endpoint, and its routes' rule sets hold the TTLs ({@link FrontDoorRules}).
 */
public final class AzureCdn extends ArmService implements CdnProvider {

    static final String API = "2024-02-01";
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("azure/global", "cdn", "Azure CDN");
    /** What a behaviour reports instead of TTLs when the origin's Cache-Control decides them. */
    static final String ORIGIN_DECIDES = "SetIfMissing (the origin's Cache-Control decides)";

    static final String NO_GLOBAL_RULE = "none (no Global CacheExpiration rule: the origin's Cache-Control decides)";
    private static final Logger LOG = Logger.getLogger(AzureCdn.class);

    /** The skus of Front Door Standard/Premium profiles; any other sku is a classic Azure CDN profile. */
    static final Set<String> FRONT_DOOR_SKUS = Set.of("Standard_AzureFrontDoor", "Premium_AzureFrontDoor");

    private final Optional<String> profile;
    private final Duration operationTimeout;
    private final FrontDoorRules frontDoor;

    /** An endpoint of a profile: classic ({@code endpoints}) or Front Door ({@code afdEndpoints}), as the profile's sku says. */
    record Target(String resourceGroup, String profile, String endpoint) {}

    /** @param profile the CDN profile of distributions named by their endpoint alone */
    AzureCdn(Arm arm, String resourceGroup, Optional<String> profile, Duration operationTimeout) {
        super(arm, resourceGroup, CONTROL_PLANE);
        this.profile = profile;
        this.operationTimeout = operationTimeout;
        this.frontDoor = new FrontDoorRules(arm, arm.provider(), operationTimeout);
    }

    @Override
    public CacheTtls observe(String distribution) {
        Target target = target(distribution);
        if (isFrontDoor(target, distribution)) {
            return frontDoor.observe(target, distribution);
        }
        return ttls(read(target, distribution).path("properties").path("deliveryPolicy"));
    }

    @Override
    public void replace(String distribution, CacheTtls expected, CacheTtls desired) {
        Target target = target(distribution);
        if (isFrontDoor(target, distribution)) {
            frontDoor.replace(target, distribution, expected, desired);
            return;
        }
        JsonNode endpoint = read(target, distribution);
        JsonNode policy = endpoint.path("properties").path("deliveryPolicy");
        CacheTtls current = ttls(policy);
        if (current.sameAs(desired)) {
            return;
        }
        if (!current.sameAs(expected)) {
            throw Failures.of(
                    FailureTypes.PLAN_UNSAFE,
                    "distribution " + distribution + " of provider " + name()
                            + " now has TTLs " + current.describe() + ", not " + expected.describe()
                            + " as planned: it was changed by someone else since");
        }
        ObjectNode body = Arm.json().createObjectNode();
        body.putObject("properties").set("deliveryPolicy", withTtls(policy, desired));
        String where = where("Update endpoint", distribution);
        arm.await(arm.send("PATCH", path(target), API, body, Map.of(), where), operationTimeout, where);
        LOG.infof(
                "provider %s: Azure CDN endpoint %s TTLs %s -> %s",
                name(), distribution, current.describe(), desired.describe());
    }

    private JsonNode read(Target target, String distribution) {
        return arm.read(
                path(target),
                API,
                where("Get endpoint", distribution),
                "provider " + name() + " (Azure CDN) has no endpoint " + distribution);
    }

    /** Whether the endpoint's profile is Front Door Standard/Premium (Profiles - Get, its sku). */
    private boolean isFrontDoor(Target target, String distribution) {
        JsonNode profile = arm.read(
                arm.resource(target.resourceGroup(), "Microsoft.Cdn/profiles", target.profile()),
                API,
                where("Get profile", target.profile() + " in resource group " + target.resourceGroup()),
                "provider " + name() + " (Azure CDN) has no CDN profile " + target.profile() + " in resource group "
                        + target.resourceGroup() + " (distribution " + distribution + ")");
        return FRONT_DOOR_SKUS.contains(profile.path("sku").path("name").asText(""));
    }

    private String path(Target target) {
        return arm.resource(
                target.resourceGroup(), "Microsoft.Cdn/profiles", target.profile(), "endpoints", target.endpoint());
    }

    private Target target(String distribution) {
        String[] parts = distribution.split("/");
        if (parts.length == 1 && profile.isPresent()) {
            return new Target(resourceGroup, profile.get(), parts[0]);
        }
        if (parts.length == 2) {
            return new Target(resourceGroup, parts[0], parts[1]);
        }
        if (parts.length == 3) {
            return new Target(parts[0], parts[1], parts[2]);
        }
        throw Failures.of(
                FailureTypes.PROVIDER_REJECTED,
                "distribution " + distribution + " of provider " + name()
                        + " names no Azure CDN or Front Door endpoint: write <resource-group>/<profile>/<endpoint> or <profile>/<endpoint>"
                        + (profile.isEmpty() ? " (or set the provider's cdn-profile to name endpoints alone)" : ""));
    }

    /** The cache behaviours of a delivery policy: the Global rule first, then the other rules in their order. */
    static CacheTtls ttls(JsonNode policy) {
        List<BehaviourTtls> behaviours = new ArrayList<>();
        BehaviourTtls global = null;
        for (JsonNode rule : policy.path("rules")) {
            JsonNode cache = cacheExpiration(rule);
            if (cache == null) {
                continue;
            }
            boolean isGlobal = rule.path("order").asInt(-1) == 0;
            BehaviourTtls behaviour = behaviour(
                    isGlobal ? BehaviourTtls.DEFAULT : rule.path("name").asText(), cache);
            if (isGlobal) {
                global = behaviour;
            } else {
                behaviours.add(behaviour);
            }
        }
        behaviours.add(0, global != null ? global : new BehaviourTtls(BehaviourTtls.DEFAULT, 0, 0, 0, NO_GLOBAL_RULE));
        return new CacheTtls(behaviours);
    }

    private static BehaviourTtls behaviour(String path, JsonNode cache) {
        String behaviour = cache.path("cacheBehavior").asText("");
        return switch (behaviour) {
            case "BypassCache" -> new BehaviourTtls(path, 0, 0, 0, null);
            case "Override" -> {
                long seconds = CacheDurations.parse(cache.path("cacheDuration").asText(""));
                yield new BehaviourTtls(path, 0, seconds, seconds, null);
            }
            default -> new BehaviourTtls(path, 0, 0, 0, behaviour.equals("SetIfMissing") ? ORIGIN_DECIDES : behaviour);
        };
    }

    /** A copy of the policy with the Override durations of the behaviours that differ set as desired; nothing else touched. */
    static JsonNode withTtls(JsonNode policy, CacheTtls desired) {
        JsonNode copy = policy.deepCopy();
        for (JsonNode rule : copy.path("rules")) {
            JsonNode cache = cacheExpiration(rule);
            if (cache == null || !"Override".equals(cache.path("cacheBehavior").asText())) {
                continue;
            }
            String path = rule.path("order").asInt(-1) == 0
                    ? BehaviourTtls.DEFAULT
                    : rule.path("name").asText();
            BehaviourTtls want = desired.find(path);
            if (want != null
                    && want.defaultTtl()
                            != CacheDurations.parse(cache.path("cacheDuration").asText(""))) {
                if (want.defaultTtl() != want.max() || want.min() != 0) {
                    throw Failures.of(
                            FailureTypes.CAPABILITY_MISSING,
                            "behaviour " + path + " wants " + want.describe()
                                    + ": an Azure CDN Override rule caches for one duration, so default and max TTL must be equal and min 0");
                }
                ((ObjectNode) cache).put("cacheDuration", CacheDurations.format(want.defaultTtl()));
            }
        }
        return copy;
    }

    /** The parameters of the rule's CacheExpiration action, or null when it has none. */
    private static JsonNode cacheExpiration(JsonNode rule) {
        for (JsonNode action : rule.path("actions")) {
            if ("CacheExpiration".equals(action.path("name").asText())) {
                return action.path("parameters");
            }
        }
        return null;
    }
}
