package io.baran.worker.provider.azure;

import static io.baran.worker.provider.azure.FakeArm.Answer;
import static io.baran.worker.provider.azure.FakeArm.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classic Azure CDN endpoints (Endpoints - Get / Update, Microsoft.Cdn 2024-02-01) with their rules engine's
 * delivery policy. An update is a PATCH of {@code properties.deliveryPolicy} only, run as a long-running
 * operation; every rule must be in the documented shape (a name of letters and digits, an order, actions
 * whose CacheExpiration parameters carry typeName, cacheBehavior, cacheType and a [d.]hh:mm:ss duration).
 */
final class FakeArmCdn implements FakeArm.Resources {

    private static final Pattern ROUTE = Pattern.compile("/subscriptions/" + FakeArm.SUBSCRIPTION
            + "/resourceGroups/([^/]+)/providers/Microsoft\\.Cdn/profiles/([^/]+)/endpoints/([^/]+)");
    private static final Pattern RULE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
    private static final Pattern DURATION = Pattern.compile("(\\d+\\.)?\\d{2}:\\d{2}:\\d{2}");
    private static final Set<String> BEHAVIOURS = Set.of("BypassCache", "Override", "SetIfMissing");

    private final FakeArm arm;
    private final Map<String, ObjectNode> policies = new ConcurrentHashMap<>();

    FakeArmCdn(FakeArm arm) {
        this.arm = arm;
    }

    @Override
    public String apiVersion() {
        return "2024-02-01";
    }

    @Override
    public Pattern route() {
        return ROUTE;
    }

    /**
     * Creates an endpoint whose rules are these behaviours: {@code *} is the Global rule (order 0); a
     * behaviour caching nothing is a BypassCache rule; others Override rules for their default TTL.
     */
    void create(String distribution, CacheTtls behaviours) {
        ObjectNode policy = JSON.createObjectNode().put("description", "made by the test");
        ArrayNode rules = policy.putArray("rules");
        int order = 1;
        for (BehaviourTtls b : behaviours.behaviours()) {
            boolean global = b.path().equals(BehaviourTtls.DEFAULT);
            ObjectNode rule =
                    rules.addObject().put("name", global ? "Global" : b.path()).put("order", global ? 0 : order++);
            ArrayNode conditions = rule.putArray("conditions");
            if (!global) {
                ObjectNode condition = conditions.addObject().put("name", "UrlPath");
                condition
                        .putObject("parameters")
                        .put("typeName", "DeliveryRuleUrlPathMatchConditionParameters")
                        .put("operator", "BeginsWith")
                        .put("negateCondition", false)
                        .putArray("matchValues")
                        .add("/" + b.path() + "/");
            }
            ObjectNode parameters = rule.putArray("actions")
                    .addObject()
                    .put("name", "CacheExpiration")
                    .putObject("parameters")
                    .put("typeName", "DeliveryRuleCacheExpirationActionParameters")
                    .put("cacheType", "All");
            if (b.cachePolicy() != null) {
                parameters
                        .put("cacheBehavior", "SetIfMissing")
                        .put("cacheDuration", CacheDurations.format(b.defaultTtl()));
            } else if (b.cachesNothing()) {
                parameters.put("cacheBehavior", "BypassCache");
            } else {
                parameters.put("cacheBehavior", "Override").put("cacheDuration", CacheDurations.format(b.defaultTtl()));
            }
        }
        policies.put(distribution, policy);
    }

    /** Sets one Override rule's duration by hand (the behaviour's default TTL), as a person would in the portal. */
    void setDuration(String distribution, String path, long seconds) {
        ObjectNode policy = policies.get(distribution);
        for (JsonNode rule : policy.path("rules")) {
            String name = rule.path("order").asInt() == 0
                    ? BehaviourTtls.DEFAULT
                    : rule.path("name").asText();
            if (name.equals(path)) {
                ((ObjectNode) rule.path("actions").path(0).path("parameters"))
                        .put("cacheDuration", CacheDurations.format(seconds));
            }
        }
    }

    /** Renames the policy's description by hand: a change the TTL extension must keep. */
    void describe(String distribution, String description) {
        policies.get(distribution).put("description", description);
    }

    /** Whether an endpoint was made in this classic profile. */
    boolean hasProfile(String resourceGroup, String profile) {
        return policies.keySet().stream().anyMatch(d -> d.startsWith(resourceGroup + "/" + profile + "/"));
    }

    ObjectNode policy(String distribution) {
        return policies.get(distribution).deepCopy();
    }

    @Override
    public FakeArm.Answer handle(String method, Matcher path, Request request) {
        String distribution = path.group(1) + "/" + path.group(2) + "/" + path.group(3);
        ObjectNode policy = policies.get(distribution);
        if (policy == null) {
            return Answer.error(
                    404, "NotFound", "Endpoint " + path.group(3) + " of profile " + path.group(2) + " not found.");
        }
        if (method.equals("GET")) {
            return Answer.of(200, endpointBody(path, policy));
        }
        if (!method.equals("PATCH")) {
            return Answer.error(405, "MethodNotAllowed", method);
        }
        JsonNode body = FakeArm.body(request);
        String problem = problem(body);
        if (problem != null) {
            return Answer.error(400, "BadRequest", problem);
        }
        ObjectNode next =
                (ObjectNode) body.path("properties").path("deliveryPolicy").deepCopy();
        return arm.accepted("Microsoft.Cdn", apiVersion(), () -> policies.put(distribution, next));
    }

    private static String problem(JsonNode body) {
        Iterator<String> top = body.fieldNames();
        if (!top.hasNext() || !top.next().equals("properties") || top.hasNext()) {
            return "the update carries properties only";
        }
        Iterator<String> fields = body.path("properties").fieldNames();
        if (!fields.hasNext() || !fields.next().equals("deliveryPolicy") || fields.hasNext()) {
            return "Baran's update changes properties.deliveryPolicy only";
        }
        for (JsonNode rule : body.path("properties").path("deliveryPolicy").path("rules")) {
            if (!RULE_NAME.matcher(rule.path("name").asText()).matches()
                    || !rule.path("order").isInt()) {
                return "a delivery rule needs a name of letters and digits and an order: " + rule;
            }
            for (JsonNode action : rule.path("actions")) {
                JsonNode p = action.path("parameters");
                if (action.path("name").asText().equals("CacheExpiration")
                        && (!p.path("typeName").asText().equals("DeliveryRuleCacheExpirationActionParameters")
                                || !BEHAVIOURS.contains(p.path("cacheBehavior").asText())
                                || !p.path("cacheType").asText().equals("All")
                                || (!p.path("cacheBehavior").asText().equals("BypassCache")
                                        && !DURATION.matcher(
                                                        p.path("cacheDuration").asText())
                                                .matches()))) {
                    return "a CacheExpiration action is not in the documented shape: " + action;
                }
            }
        }
        return null;
    }

    private static ObjectNode endpointBody(Matcher path, ObjectNode policy) {
        ObjectNode body = JSON.createObjectNode()
                .put(
                        "id",
                        FakeArm.group(
                                path.group(1),
                                "Microsoft.Cdn/profiles/" + path.group(2) + "/endpoints/" + path.group(3)))
                .put("name", path.group(3))
                .put("type", "Microsoft.Cdn/profiles/endpoints")
                .put("location", "Global");
        ObjectNode properties = body.putObject("properties")
                .put("hostName", path.group(3) + ".azureedge.net")
                .put("isHttpAllowed", true)
                .put("isHttpsAllowed", true)
                .put("provisioningState", "Succeeded")
                .put("resourceState", "Running");
        properties
                .putArray("origins")
                .addObject()
                .put("name", "origin1")
                .putObject("properties")
                .put("hostName", "origin.example.com");
        properties.set("deliveryPolicy", policy.deepCopy());
        return body;
    }
}
