package io.baran.worker.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.worker.Failures;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * CDN TTLs of an Azure Front Door Standard/Premium endpoint (Microsoft.Cdn profiles with a Front Door sku, API
 * 2024-02-01). Front Door sets no TTL on a route: its caching follows the origin's headers unless a rule of a
 * rule set the route uses overrides it, with a {@code RouteConfigurationOverride} action whose
 * {@code cacheConfiguration} says {@code OverrideAlways} for a duration. Each such rule is one behaviour, named
 * {@code <rule set>/<rule>}; the first rule without conditions (it applies to every request) is the default
 * behaviour {@code *}. The rule sets are those the endpoint's routes list, in the routes' order; their rules in
 * their order.
 *
 * <p>Only {@code OverrideAlways} durations are raised: default and max TTL are the duration (Front Door has no
 * minimum TTL: 0). A rule overriding the route without a cache configuration disables caching, and is left alone.
 * {@code HonorOrigin} and {@code OverrideIfOriginMissing} let the origin's Cache-Control decide, and an endpoint
 * with no rule for every request leaves all to the origin: those are refused (as for a cache policy), since
 * overriding an origin could cache what it marked private. A change is one PATCH of a rule's actions (Rules -
 * Update), a long-running operation followed to its end; Front Door rules carry no etag, so each is read and
 * compared right before. When a later rule's update fails, the rules already changed are put back before the
 * failure is reported, so a step is left half-applied only when a put back fails too; each rule is compared on its
 * own, so the step's retry then raises only the rules still at their planned start, and its undo puts back only the
 * raised ones.
 */
final class FrontDoorRules {

    static final String HONOR_ORIGIN = "HonorOrigin (the origin's Cache-Control decides)";
    static final String IF_ORIGIN_MISSING =
            "OverrideIfOriginMissing (the origin's Cache-Control decides where it sends one)";
    static final String NO_RULE_FOR_EVERY_REQUEST =
            "none (no rule of the endpoint's rule sets overrides caching for every "
                    + "request: the origin's Cache-Control decides)";
    private static final Logger LOG = Logger.getLogger(FrontDoorRules.class);
    private static final int MAX_PAGES = 20;

    /** A rule as Baran sees it: the behaviour it is and where it lives. */
    record Rule(String path, String ruleSet, String name, JsonNode resource) {}

    private final Arm arm;
    private final String provider;
    private final Duration operationTimeout;

    FrontDoorRules(Arm arm, String provider, Duration operationTimeout) {
        this.arm = arm;
        this.provider = provider;
        this.operationTimeout = operationTimeout;
    }

    CacheTtls observe(AzureCdn.Target target, String distribution) {
        return ttls(rules(target, distribution));
    }

    void replace(AzureCdn.Target target, String distribution, CacheTtls expected, CacheTtls desired) {
        List<Rule> rules = rules(target, distribution);
        CacheTtls current = ttls(rules);
        if (current.sameAs(desired)) {
            return;
        }
        if (!current.sameAs(expected) && !current.partway(expected, desired)) {
            throw Failures.of(
                    FailureTypes.PLAN_UNSAFE,
                    "distribution " + distribution + " of provider " + provider
                            + " now has TTLs " + current.describe() + ", not " + expected.describe()
                            + " as planned: it was changed by someone else since");
        }
        List<Rule> changing = new ArrayList<>();
        List<ArrayNode> actions = new ArrayList<>();
        for (Rule rule : rules) {
            BehaviourTtls want = desired.find(rule.path());
            JsonNode cache = cacheConfiguration(rule.resource());
            if (want == null
                    || cache == null
                    || !"OverrideAlways".equals(cache.path("cacheBehavior").asText())
                    || want.sameTtls(current.find(rule.path()))) {
                continue;
            }
            if (want.defaultTtl() != want.max() || want.min() != 0) {
                throw Failures.of(
                        FailureTypes.CAPABILITY_MISSING,
                        "behaviour " + rule.path() + " wants " + want.describe()
                                + ": a Front Door OverrideAlways rule caches for one duration, so default and max TTL must be equal and min 0");
            }
            ArrayNode copy = rule.resource().path("properties").path("actions").deepCopy();
            for (JsonNode action : copy) {
                if ("RouteConfigurationOverride".equals(action.path("name").asText())) {
                    ((ObjectNode) action.path("parameters").path("cacheConfiguration"))
                            .put("cacheDuration", CacheDurations.format(want.defaultTtl()));
                }
            }
            changing.add(rule);
            actions.add(copy);
        }
        List<Rule> done = new ArrayList<>();
        try {
            for (int i = 0; i < changing.size(); i++) {
                patch(target, changing.get(i), actions.get(i));
                done.add(changing.get(i));
            }
        } catch (ApplicationFailure failed) {
            putBack(target, done, failed);
            throw failed;
        }
        LOG.infof(
                "provider %s: Front Door endpoint %s TTLs %s -> %s",
                provider, distribution, current.describe(), desired.describe());
    }

    /** Puts back the rules an interrupted change already made, so the step fails with nothing half-applied. */
    private void putBack(AzureCdn.Target target, List<Rule> done, ApplicationFailure cause) {
        for (Rule rule : done) {
            try {
                patch(target, rule, (ArrayNode)
                        rule.resource().path("properties").path("actions"));
            } catch (ApplicationFailure alsoFailed) {
                LOG.warnf(
                        "provider %s: rule %s could not be put back after %s: %s; it keeps the raised duration, which the step's "
                                + "retry keeps and its undo puts back",
                        provider, rule.path(), cause.getOriginalMessage(), alsoFailed.getOriginalMessage());
            }
        }
    }

    private void patch(AzureCdn.Target target, Rule rule, ArrayNode actions) {
        ObjectNode body = Arm.json().createObjectNode();
        body.putObject("properties").set("actions", actions);
        String where = "provider " + provider + " (" + AzureCdn.CONTROL_PLANE.label() + "): Update rule on "
                + rule.ruleSet() + "/" + rule.name() + " of profile " + target.profile();
        arm.await(
                arm.send(
                        "PATCH",
                        arm.resource(
                                target.resourceGroup(),
                                "Microsoft.Cdn/profiles",
                                target.profile(),
                                "ruleSets",
                                rule.ruleSet(),
                                "rules",
                                rule.name()),
                        AzureCdn.API,
                        body,
                        Map.of(),
                        where),
                operationTimeout,
                where);
    }

    /** The rules of the rule sets the endpoint's routes use, as behaviours, in the order Front Door applies them. */
    private List<Rule> rules(AzureCdn.Target target, String distribution) {
        String where = "provider " + provider + " (" + AzureCdn.CONTROL_PLANE.label() + "): ";
        List<JsonNode> routes = arm.list(
                arm.resource(
                        target.resourceGroup(),
                        "Microsoft.Cdn/profiles",
                        target.profile(),
                        "afdEndpoints",
                        target.endpoint(),
                        "routes"),
                AzureCdn.API,
                where + "List routes on " + distribution,
                "provider " + provider + " (Azure Front Door) has no endpoint " + distribution,
                MAX_PAGES);
        Set<String> ruleSets = new LinkedHashSet<>();
        for (JsonNode route : routes) {
            for (JsonNode ref : route.path("properties").path("ruleSets")) {
                String id = ref.path("id").asText("");
                ruleSets.add(id.substring(id.lastIndexOf('/') + 1));
            }
        }
        List<JsonNode> all = new ArrayList<>();
        for (String ruleSet : ruleSets) {
            List<JsonNode> rules = new ArrayList<>(arm.list(
                    arm.resource(
                            target.resourceGroup(),
                            "Microsoft.Cdn/profiles",
                            target.profile(),
                            "ruleSets",
                            ruleSet,
                            "rules"),
                    AzureCdn.API,
                    where + "List rules of rule set " + ruleSet,
                    "provider " + provider + " (Azure Front Door): rule set " + ruleSet + ", used by a route of "
                            + distribution + ", does not exist",
                    MAX_PAGES));
            rules.sort(Comparator.comparingInt(
                    r -> r.path("properties").path("order").asInt()));
            all.addAll(rules);
        }
        return named(all);
    }

    /** Rules (in the order Front Door applies them) that override the route, each named as its behaviour. */
    static List<Rule> named(List<JsonNode> rules) {
        List<Rule> named = new ArrayList<>();
        boolean haveDefault = false;
        for (JsonNode rule : rules) {
            if (override(rule) == null) {
                continue;
            }
            String ruleSet = rule.path("properties").path("ruleSetName").asText();
            String name = rule.path("name").asText();
            boolean everyRequest = rule.path("properties").path("conditions").isEmpty();
            String path = !haveDefault && everyRequest ? BehaviourTtls.DEFAULT : ruleSet + "/" + name;
            haveDefault |= path.equals(BehaviourTtls.DEFAULT);
            named.add(new Rule(path, ruleSet, name, rule));
        }
        return named;
    }

    /** The behaviours of rules already read and named, the default first. */
    static CacheTtls ttls(List<Rule> rules) {
        List<BehaviourTtls> behaviours = new ArrayList<>();
        BehaviourTtls global = null;
        for (Rule rule : rules) {
            BehaviourTtls behaviour = behaviour(rule.path(), cacheConfiguration(rule.resource()));
            if (rule.path().equals(BehaviourTtls.DEFAULT)) {
                global = behaviour;
            } else {
                behaviours.add(behaviour);
            }
        }
        behaviours.add(
                0,
                global != null ? global : new BehaviourTtls(BehaviourTtls.DEFAULT, 0, 0, 0, NO_RULE_FOR_EVERY_REQUEST));
        return new CacheTtls(behaviours);
    }

    private static BehaviourTtls behaviour(String path, JsonNode cache) {
        if (cache == null) {
            return new BehaviourTtls(path, 0, 0, 0, null);
        }
        String behaviour = cache.path("cacheBehavior").asText("");
        return switch (behaviour) {
            case "OverrideAlways" -> {
                long seconds = CacheDurations.parse(cache.path("cacheDuration").asText(""));
                yield new BehaviourTtls(path, 0, seconds, seconds, null);
            }
            case "HonorOrigin" -> new BehaviourTtls(path, 0, 0, 0, HONOR_ORIGIN);
            case "OverrideIfOriginMissing" -> new BehaviourTtls(path, 0, 0, 0, IF_ORIGIN_MISSING);
            default -> new BehaviourTtls(path, 0, 0, 0, "cache behaviour " + behaviour);
        };
    }

    /** The parameters of the rule's RouteConfigurationOverride action, or null when it has none. */
    private static JsonNode override(JsonNode rule) {
        for (JsonNode action : rule.path("properties").path("actions")) {
            if ("RouteConfigurationOverride".equals(action.path("name").asText())) {
                return action.path("parameters");
            }
        }
        return null;
    }

    /** The cache configuration of the rule's override; null when the override disables caching. */
    private static JsonNode cacheConfiguration(JsonNode rule) {
        JsonNode override = override(rule);
        JsonNode cache = override == null ? null : override.get("cacheConfiguration");
        return cache == null || cache.isNull() ? null : cache;
    }
}
