package io.baran.worker.provider.azure;

import static io.baran.worker.provider.azure.FakeArm.Answer;
import static io.baran.worker.provider.azure.FakeArm.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CDN profiles (Profiles - Get) and, for Front Door Standard/Premium profiles, routes and rule sets (Routes - List
 * By Endpoint, Rules - List By Rule Set, Rules - Get, Rules - Update; Microsoft.Cdn 2024-02-01). A profile is
 * classic (sku Standard_Microsoft) when {@link FakeArmCdn} holds an endpoint of it. A rule update is a PATCH of
 * {@code properties} with only the documented fields (order, conditions, actions, matchProcessingBehavior), run as
 * a long-running operation; every action must have the documented shape (a RouteConfigurationOverride's
 * typeName, a cacheConfiguration with a known cacheBehavior, queryStringCachingBehavior, isCompressionEnabled and
 * a [d.]hh:mm:ss duration unless it honours the origin).
 */
final class FakeArmFrontDoor implements FakeArm.Resources {

    static final String RULE_SET = "Caching";
    private static final Pattern ROUTE = Pattern.compile("/subscriptions/" + FakeArm.SUBSCRIPTION
            + "/resourceGroups/([^/]+)/providers/Microsoft\\.Cdn/profiles/([^/]+)"
            + "(?:/afdEndpoints/([^/]+)/routes|/ruleSets/([^/]+)/rules(?:/([^/]+))?)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+\\.)?\\d{2}:\\d{2}:\\d{2}");
    private static final Set<String> BEHAVIOURS = Set.of("HonorOrigin", "OverrideAlways", "OverrideIfOriginMissing");
    private static final Set<String> QUERY_STRINGS = Set.of(
            "IgnoreQueryString", "UseQueryString", "IgnoreSpecifiedQueryStrings", "IncludeSpecifiedQueryStrings");
    private static final Set<String> RULE_FIELDS = Set.of("order", "conditions", "actions", "matchProcessingBehavior");

    private final FakeArm arm;
    private final FakeArmCdn classic;
    /** Front Door profiles, "rg/profile" -> sku. */
    private final Map<String, String> profiles = new ConcurrentHashMap<>();
    /** Endpoints, "rg/profile/endpoint" -> the rule sets its one route uses. */
    private final Map<String, List<String>> endpoints = new ConcurrentHashMap<>();
    /** Rules, "rg/profile/ruleSet" -> rule name -> rule properties. */
    private final Map<String, Map<String, ObjectNode>> rules = new ConcurrentHashMap<>();

    FakeArmFrontDoor(FakeArm arm, FakeArmCdn classic) {
        this.arm = arm;
        this.classic = classic;
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
     * Makes a Front Door profile with an endpoint whose route uses rule set {@value #RULE_SET}, holding a rule per
     * behaviour: {@code *} a rule without conditions, the others (named by the part after the rule set) matching a
     * path; a behaviour caching nothing overrides the route without caching, a behaviour with a cache policy
     * honours the origin, the others always override for their default TTL. No behaviour at all: the route uses no
     * rule set.
     */
    void create(String distribution, CacheTtls behaviours) {
        String[] parts = distribution.split("/");
        String profile = parts[0] + "/" + parts[1];
        profiles.put(profile, "Standard_AzureFrontDoor");
        if (behaviours.behaviours().isEmpty()) {
            endpoints.put(distribution, List.of());
            return;
        }
        endpoints.put(distribution, List.of(RULE_SET));
        Map<String, ObjectNode> set = new ConcurrentHashMap<>();
        int order = 1;
        for (BehaviourTtls b : behaviours.behaviours()) {
            boolean global = b.path().equals(BehaviourTtls.DEFAULT);
            String name = global ? "Global" : b.path().substring(b.path().indexOf('/') + 1);
            ObjectNode rule = JSON.createObjectNode()
                    .put("ruleSetName", RULE_SET)
                    .put("order", order++)
                    .put("matchProcessingBehavior", "Continue")
                    .put("provisioningState", "Succeeded")
                    .put("deploymentStatus", "NotStarted");
            ArrayNode conditions = rule.putArray("conditions");
            if (!global) {
                conditions
                        .addObject()
                        .put("name", "UrlPath")
                        .putObject("parameters")
                        .put("typeName", "DeliveryRuleUrlPathMatchConditionParameters")
                        .put("operator", "BeginsWith")
                        .put("negateCondition", false)
                        .putArray("matchValues")
                        .add("/" + name.toLowerCase() + "/");
            }
            ObjectNode parameters = rule.putArray("actions")
                    .addObject()
                    .put("name", "RouteConfigurationOverride")
                    .putObject("parameters")
                    .put("typeName", "DeliveryRuleRouteConfigurationOverrideActionParameters");
            if (b.cachePolicy() != null) {
                parameters
                        .putObject("cacheConfiguration")
                        .put("queryStringCachingBehavior", "IgnoreQueryString")
                        .put("isCompressionEnabled", "Enabled")
                        .put("cacheBehavior", "HonorOrigin");
            } else if (!b.cachesNothing()) {
                parameters
                        .putObject("cacheConfiguration")
                        .put("queryStringCachingBehavior", "UseQueryString")
                        .put("isCompressionEnabled", "Enabled")
                        .put("cacheBehavior", "OverrideAlways")
                        .put("cacheDuration", CacheDurations.format(b.defaultTtl()));
            }
            set.put(name, rule);
        }
        rules.put(profile + "/" + RULE_SET, set);
    }

    /** Sets one OverrideAlways rule's duration by hand, as a person would in the portal. */
    void setDuration(String distribution, String path, long seconds) {
        String[] parts = distribution.split("/");
        String name = path.equals(BehaviourTtls.DEFAULT) ? "Global" : path.substring(path.indexOf('/') + 1);
        ObjectNode rule = rules.get(parts[0] + "/" + parts[1] + "/" + RULE_SET).get(name);
        ((ObjectNode) rule.path("actions").path(0).path("parameters").path("cacheConfiguration"))
                .put("cacheDuration", CacheDurations.format(seconds));
    }

    /** The rules of the endpoint's rule set as Rules - List By Rule Set answers them, in their order. */
    List<JsonNode> rules(String distribution) {
        String[] parts = distribution.split("/");
        List<JsonNode> list = new ArrayList<>();
        for (String ruleSet : endpoints.get(distribution)) {
            Map<String, ObjectNode> set = rules.get(parts[0] + "/" + parts[1] + "/" + ruleSet);
            set.forEach((name, properties) -> list.add(ruleBody(parts[0], parts[1], ruleSet, name, properties)));
        }
        list.sort(
                Comparator.comparingInt(r -> r.path("properties").path("order").asInt()));
        return list;
    }

    @Override
    public Answer handle(String method, Matcher path, Request request) {
        String rg = path.group(1);
        String profile = path.group(2);
        String endpoint = path.group(3);
        String ruleSet = path.group(4);
        String rule = path.group(5);
        String sku = profiles.get(rg + "/" + profile);
        if (sku == null && endpoint == null && ruleSet == null && classic.hasProfile(rg, profile)) {
            sku = "Standard_Microsoft";
        }
        if (sku == null) {
            return Answer.error(
                    404,
                    "ResourceNotFound",
                    "The Resource 'Microsoft.Cdn/profiles/" + profile + "' under resource group '" + rg
                            + "' was not found.");
        }
        if (endpoint == null && ruleSet == null) {
            return method.equals("GET")
                    ? Answer.of(200, profileBody(rg, profile, sku))
                    : Answer.error(405, "MethodNotAllowed", method);
        }
        if (endpoint != null) {
            List<String> sets = endpoints.get(rg + "/" + profile + "/" + endpoint);
            if (sets == null) {
                return Answer.error(
                        404, "NotFound", "AFD endpoint " + endpoint + " of profile " + profile + " not found.");
            }
            if (!method.equals("GET")) {
                return Answer.error(405, "MethodNotAllowed", method);
            }
            return Answer.of(200, list(routeBody(rg, profile, endpoint, sets)));
        }
        Map<String, ObjectNode> set = rules.get(rg + "/" + profile + "/" + ruleSet);
        if (set == null) {
            return Answer.error(404, "NotFound", "Rule set " + ruleSet + " of profile " + profile + " not found.");
        }
        if (rule == null) {
            if (!method.equals("GET")) {
                return Answer.error(405, "MethodNotAllowed", method);
            }
            List<JsonNode> all = new ArrayList<>();
            set.forEach((name, properties) -> all.add(ruleBody(rg, profile, ruleSet, name, properties)));
            return Answer.of(200, list(all.toArray(JsonNode[]::new)));
        }
        ObjectNode properties = set.get(rule);
        if (properties == null) {
            return Answer.error(404, "NotFound", "Rule " + rule + " of rule set " + ruleSet + " not found.");
        }
        if (method.equals("GET")) {
            return Answer.of(200, ruleBody(rg, profile, ruleSet, rule, properties));
        }
        if (!method.equals("PATCH")) {
            return Answer.error(405, "MethodNotAllowed", method);
        }
        JsonNode body = FakeArm.body(request);
        String problem = problem(body);
        if (problem != null) {
            return Answer.error(400, "BadRequest", problem);
        }
        ObjectNode next = properties.deepCopy();
        body.path("properties")
                .fields()
                .forEachRemaining(f -> next.set(f.getKey(), f.getValue().deepCopy()));
        return arm.accepted("Microsoft.Cdn", apiVersion(), () -> set.put(rule, next));
    }

    private static String problem(JsonNode body) {
        Iterator<String> top = body.fieldNames();
        if (!top.hasNext() || !top.next().equals("properties") || top.hasNext()) {
            return "a rule update carries properties only";
        }
        Iterator<String> fields = body.path("properties").fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!RULE_FIELDS.contains(field)) {
                return "properties." + field + " is not a field of a rule update";
            }
        }
        for (JsonNode action : body.path("properties").path("actions")) {
            if (!action.path("name").asText().equals("RouteConfigurationOverride")) {
                continue;
            }
            JsonNode p = action.path("parameters");
            if (!p.path("typeName").asText().equals("DeliveryRuleRouteConfigurationOverrideActionParameters")) {
                return "a RouteConfigurationOverride action needs typeName DeliveryRuleRouteConfigurationOverrideActionParameters: "
                        + action;
            }
            JsonNode cache = p.get("cacheConfiguration");
            if (cache != null && !cache.isNull()) {
                String behaviour = cache.path("cacheBehavior").asText();
                if (!BEHAVIOURS.contains(behaviour)
                        || !QUERY_STRINGS.contains(
                                cache.path("queryStringCachingBehavior").asText())
                        || !Set.of("Enabled", "Disabled")
                                .contains(cache.path("isCompressionEnabled").asText())
                        || (!behaviour.equals("HonorOrigin")
                                && !DURATION.matcher(cache.path("cacheDuration").asText())
                                        .matches())) {
                    return "a cacheConfiguration is not in the documented shape: " + cache;
                }
            }
        }
        return null;
    }

    private static ObjectNode list(JsonNode... items) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode value = body.putArray("value");
        for (JsonNode item : items) {
            value.add(item);
        }
        return body;
    }

    private static ObjectNode profileBody(String rg, String profile, String sku) {
        ObjectNode body = JSON.createObjectNode()
                .put("id", FakeArm.group(rg, "Microsoft.Cdn/profiles/" + profile))
                .put("name", profile)
                .put("type", "Microsoft.Cdn/profiles")
                .put("location", "Global")
                .put("kind", sku.contains("FrontDoor") ? "frontdoor" : "cdn");
        body.putObject("sku").put("name", sku);
        body.putObject("properties").put("resourceState", "Active").put("provisioningState", "Succeeded");
        return body;
    }

    private static ObjectNode routeBody(String rg, String profile, String endpoint, List<String> ruleSets) {
        String base = FakeArm.group(rg, "Microsoft.Cdn/profiles/" + profile);
        ObjectNode body = JSON.createObjectNode()
                .put("id", base + "/afdEndpoints/" + endpoint + "/routes/default-route")
                .put("name", "default-route")
                .put("type", "Microsoft.Cdn/profiles/afdEndpoints/routes");
        ObjectNode properties = body.putObject("properties")
                .put("endpointName", endpoint)
                .put("forwardingProtocol", "HttpsOnly")
                .put("linkToDefaultDomain", "Enabled")
                .put("httpsRedirect", "Enabled")
                .put("enabledState", "Enabled")
                .put("provisioningState", "Succeeded")
                .put("deploymentStatus", "NotStarted");
        properties.putArray("customDomains");
        properties.putObject("originGroup").put("id", base + "/originGroups/origins");
        ArrayNode sets = properties.putArray("ruleSets");
        ruleSets.forEach(rs -> sets.addObject().put("id", base + "/ruleSets/" + rs));
        properties.putArray("supportedProtocols").add("Http").add("Https");
        properties.putArray("patternsToMatch").add("/*");
        properties
                .putObject("cacheConfiguration")
                .put("queryStringCachingBehavior", "IgnoreQueryString")
                .putObject("compressionSettings")
                .put("isCompressionEnabled", true)
                .putArray("contentTypesToCompress")
                .add("text/html");
        return body;
    }

    private static ObjectNode ruleBody(String rg, String profile, String ruleSet, String name, ObjectNode properties) {
        ObjectNode body = JSON.createObjectNode()
                .put(
                        "id",
                        FakeArm.group(
                                rg, "Microsoft.Cdn/profiles/" + profile + "/ruleSets/" + ruleSet + "/rules/" + name))
                .put("name", name)
                .put("type", "Microsoft.Cdn/profiles/ruleSets/rules");
        body.set("properties", properties.deepCopy());
        return body;
    }
}
