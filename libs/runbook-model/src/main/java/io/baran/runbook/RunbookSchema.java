package io.baran.runbook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;

/**
 * The published JSON Schema of runbooks ({@code runbooks/runbook.schema.json}), generated from the parser's
 * field lists and the {@link ActionCatalog}, so editors check what the parser accepts. Draft-07, which
 * yaml-language-server and most editors understand.
 *
 * <p>The schema checks shape: fields, types, enumerations, durations, names, list sizes. What needs more
 * than one field or outside knowledge (unique step names, declared parameters, providers and their
 * capabilities, undo targets) only the parser checks.
 */
public final class RunbookSchema {

    public static final String ID = "https://baran.io/schemas/runbook.schema.json";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private RunbookSchema() {}

    /** The schema as committed: two-space indentation, a final newline. */
    public static String text(ActionCatalog catalog) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(
                        Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        try {
            return new ObjectMapper().writer(printer).writeValueAsString(generate(catalog)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the runbook schema cannot be written", e);
        }
    }

    public static ObjectNode generate(ActionCatalog catalog) {
        ObjectNode root = JSON.objectNode();
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        root.put("$id", ID);
        root.put("title", "Baran runbook");
        root.put(
                "description",
                "A declarative disaster-recovery plan: when its trigger fires, Baran runs the failover steps, "
                        + "and fails back once the primary is healthy again. Generated from the runbook model; see docs/runbook-reference.md.");
        root.put("type", "object");
        root.put("additionalProperties", false);
        root.set("required", strings(RunbookParser.TOP_FIELDS));
        ObjectNode props = root.putObject("properties");
        props.set("apiVersion", constant(RunbookParser.API_VERSION, "The format version."));
        props.set("kind", constant(RunbookParser.KIND, "Always Runbook."));
        props.set("metadata", metadata());
        props.set("spec", spec());

        ObjectNode defs = root.putObject("definitions");
        defs.set(
                "name",
                described(
                        JSON.objectNode()
                                .put("type", "string")
                                .put("pattern", anchored(RunbookParser.NAME.pattern()))
                                .put("maxLength", 63),
                        "Lower-case letters, digits and -, at most 63, e.g. move-traffic."));
        defs.set("text", JSON.objectNode().set("type", strings(List.of("string", "number"))));
        defs.set(
                "duration",
                described(
                        JSON.objectNode().put("type", "string").put("pattern", "^([0-9]+(ms|s|m|h|d))+$"),
                        "A duration: a number and a unit (ms, s, m, h, d), e.g. 500ms, 30s, 5m, 24h, 1h30m; at most 365d."));
        defs.set(
                "reference",
                described(
                        JSON.objectNode().put("type", "string").put("pattern", "\\$\\{"),
                        "A text holding ${parameter} references, replaced by the parameters' values."));
        defs.set("parameters", parameters());
        defs.set("trigger", trigger());
        defs.set(
                "group",
                described(
                        JSON.objectNode().put("type", "string").put("pattern", anchored(RunbookParser.GROUP.pattern())),
                        "A group of the identity provider, as the token's groups claim names it."));
        defs.set("access", access());
        defs.set("drills", drills());
        defs.set("objectives", objectives());
        defs.set("retry", retry());
        defs.set(
                "onFailure",
                described(
                        JSON.objectNode().set("enum", strings(List.of("compensate", "hold", "continue"))),
                        "What a failed step does: compensate (default) undoes the steps before it; hold waits for a person's "
                                + "approval to go on; continue goes on."));
        defs.set("actionStep", actionStep(catalog, false));
        defs.set("failbackActionStep", actionStep(catalog, true));
        defs.set("parallel", parallel("actionStep"));
        defs.set("failbackParallel", parallel("failbackStepInGroup"));
        defs.set("undoStep", undoStep());
        defs.set("failoverStep", ifThenElse("parallel", "parallel", ref("actionStep")));
        defs.set("failbackStepInGroup", ifThenElse("undo", "undoStep", ref("failbackActionStep")));
        defs.set(
                "failbackStep",
                ifThenElse("undo", "undoStep", ifThenElse("parallel", "failbackParallel", ref("failbackActionStep"))));
        defs.set("failback", failback());
        for (ActionType type : catalog.types()) {
            defs.set(withName(type.name()), withBlock(type.spec()));
        }
        return root;
    }

    private static ObjectNode metadata() {
        ObjectNode node = closedObject("Who the runbook is.", List.of("name"));
        ObjectNode props = node.putObject("properties");
        props.set(
                "name",
                described(
                        ref("name"), "The runbook's name, unique among runbooks; also its URL: /api/runbooks/{name}."));
        props.set(
                "description",
                described(JSON.objectNode().put("type", "string"), "What the runbook does, for people."));
        props.set(
                "labels",
                described(
                        JSON.objectNode().put("type", "object").set("additionalProperties", ref("text")),
                        "Free-form key: value labels."));
        return node;
    }

    private static ObjectNode spec() {
        ObjectNode node = closedObject(
                "What the runbook protects, when it runs and what it does.", List.of("protects", "failover"));
        ObjectNode props = node.putObject("properties");
        props.set(
                "protects",
                described(ref("name"), "The protected service; one execution per protected service at a time."));
        ArrayNode tiers = JSON.arrayNode();
        tiers.add(JSON.objectNode()
                .put("type", "integer")
                .put("minimum", Runbook.HIGHEST_PRIORITY)
                .put("maximum", Runbook.LOWEST_PRIORITY));
        tiers.add(JSON.objectNode()
                .put("type", "string")
                .put("pattern", "^tier-[" + Runbook.HIGHEST_PRIORITY + "-" + Runbook.LOWEST_PRIORITY + "]$"));
        props.set(
                "priority",
                described(
                        JSON.objectNode().set("anyOf", tiers),
                        "The service's tier, 1 (most important) to "
                                + Runbook.LOWEST_PRIORITY + ", or tier-1 to tier-" + Runbook.LOWEST_PRIORITY
                                + " (default " + Runbook.DEFAULT_PRIORITY
                                + "): in a mass outage tier 1 is dispatched first and takes the providers' API budget first."));
        props.set("objectives", ref("objectives"));
        props.set("parameters", ref("parameters"));
        props.set("trigger", ref("trigger"));
        props.set("access", ref("access"));
        props.set("drills", ref("drills"));
        props.set(
                "failover",
                described(
                        JSON.objectNode()
                                .put("type", "array")
                                .put("minItems", 1)
                                .set("items", ref("failoverStep")),
                        "The failover steps, run in order."));
        props.set("failback", ref("failback"));
        return node;
    }

    private static ObjectNode parameters() {
        ObjectNode definition = closedObject("A parameter and its default value.", List.of("default"));
        ObjectNode props = definition.putObject("properties");
        ArrayNode kinds = JSON.arrayNode();
        kinds.add(JSON.objectNode().set("type", strings(List.of("string", "number", "boolean"))));
        kinds.add(JSON.objectNode().put("type", "array").set("items", ref("text")));
        props.set(
                "default",
                described(
                        JSON.objectNode().set("anyOf", kinds), "The value: a text, number, boolean or list of texts."));
        props.set("description", described(JSON.objectNode().put("type", "string"), "What the parameter is for."));
        props.set(
                "overridable",
                described(
                        JSON.objectNode().put("type", "boolean"),
                        "Whether a drill or failover request may set another value for one execution (default false)."));
        ObjectNode node = described(
                JSON.objectNode().put("type", "object"),
                "Values used in with: blocks as ${name}; a with: value that is exactly ${name} takes the value's type.");
        node.set("propertyNames", JSON.objectNode().put("pattern", anchored(Parameters.NAME.pattern())));
        node.set("additionalProperties", definition);
        return node;
    }

    private static ObjectNode access() {
        ObjectNode node = closedObject(
                "Who may act on this runbook, besides admins. Without it, nobody but an admin may.", List.of());
        ObjectNode props = node.putObject("properties");
        props.set("drill", groups("Groups that may drill and plan the runbook."));
        props.set("failover", groups("Groups that may start a real failover, ask for failback and abort."));
        props.set("approve", groups("Groups that may approve or reject what an execution waits for."));
        props.set(
                "approvals",
                described(
                        JSON.objectNode()
                                .put("type", "integer")
                                .put("minimum", 1)
                                .put("maximum", RunbookParser.MAX_APPROVALS),
                        "How many distinct people must approve a live failover's start and failback (default 1); the person who started it never counts."));
        return node;
    }

    private static ObjectNode objectives() {
        ObjectNode node = closedObject(
                "The recovery targets readiness and reports compare the runbook with; rto, rpo or both.", List.of());
        node.put("minProperties", 1);
        ObjectNode props = node.putObject("properties");
        ArrayNode notZero = JSON.arrayNode();
        notZero.add(ref("duration"));
        notZero.add(JSON.objectNode().set("not", JSON.objectNode().put("pattern", "^(0+(ms|s|m|h|d))+$")));
        props.set(
                "rto",
                described(
                        JSON.objectNode().set("allOf", notZero),
                        "Recovery time objective: outage start to service restored, e.g. 5m; longer than 0s."));
        props.set(
                "rpo",
                described(
                        ref("duration"),
                        "Recovery point objective: the data an outage may lose, read as the largest replication lag, e.g. 1m."));
        return node;
    }

    private static ObjectNode drills() {
        ObjectNode cron = described(
                JSON.objectNode().put("type", "string"),
                "A five-field cron expression: minute hour day-of-month month day-of-week, e.g. 0 3 * * TUE.");
        ObjectNode node = closedObject(
                "Drills the orchestrator starts by itself (a Temporal Schedule), and what stops any drill.", List.of());
        ObjectNode props = node.putObject("properties");
        props.set("schedule", described(cron.deepCopy(), "When to drill: a cron expression, e.g. 0 3 * * TUE."));
        props.set(
                "timezone",
                described(
                        JSON.objectNode().put("type", "string"),
                        "The IANA time zone of the schedule and the blocked windows (default " + Drills.DEFAULT_TIMEZONE
                                + ")."));
        props.set(
                "hold",
                described(
                        ref("duration"),
                        "How long a scheduled drill stays failed over (default " + Drills.DEFAULT_HOLD + ")."));
        props.set(
                "blockedWindows",
                described(
                        JSON.objectNode().put("type", "array").set("items", cron.deepCopy()),
                        "Cron expressions of the minutes in which no scheduled drill starts."));
        ObjectNode abort = closedObject(
                "A health check that must keep passing while a drill is failed over; when it fails, the drill stops and"
                        + " everything is restored.",
                List.of("healthCheckFails"));
        ObjectNode abortProps = abort.putObject("properties");
        abortProps.set(
                "healthCheckFails",
                described(
                        ref(withName(io.baran.runbook.action.HealthCheck.NAME)), "The with: block of a health.check."));
        abortProps.set(
                "every",
                described(
                        ref("duration"),
                        "How often the check runs while failed over (default " + Drills.AbortWhen.DEFAULT_EVERY
                                + ")."));
        props.set("abortWhen", abort);
        return node;
    }

    private static ObjectNode groups(String doc) {
        return described(
                JSON.objectNode().put("type", "array").put("uniqueItems", true).set("items", ref("group")), doc);
    }

    private static ObjectNode trigger() {
        ObjectNode node = closedObject("When the runbook runs by itself.", List.of());
        ObjectNode props = node.putObject("properties");
        ObjectNode outage = closedObject("The outage that starts the failover.", List.of("scope"));
        ObjectNode outageProps = outage.putObject("properties");
        outageProps.set(
                "scope",
                described(
                        JSON.objectNode().put("type", "string").put("pattern", anchored(RunbookParser.SCOPE.pattern())),
                        "The outage scope, e.g. aws/us-east-1; lower-case parts separated by /."));
        outageProps.set(
                "services",
                described(
                        JSON.objectNode().put("type", "array").set("items", ref("text")),
                        "Services within the scope (scope/service); none means any."));
        props.set("outage", outage);
        props.set("approval", approval("Whether a person confirms before the first step (default none)."));
        props.set(
                "approvalTimeout",
                described(
                        ref("duration"),
                        "With approval: required, how long to wait for the decision;"
                                + " nobody deciding ends the execution without changing anything (default: the orchestrator's"
                                + " baran.failover.approval-timeout)."));
        return node;
    }

    private static ObjectNode retry() {
        ObjectNode attempts =
                JSON.objectNode().put("type", "integer").put("minimum", 1).put("maximum", RunbookParser.MAX_ATTEMPTS);
        ObjectNode full = closedObject("Tries and backoff.", List.of("attempts"));
        ObjectNode props = full.putObject("properties");
        props.set("attempts", described(attempts.deepCopy(), "Tries in all, the first included."));
        props.set(
                "interval",
                described(
                        ref("duration"),
                        "Wait before the second try (default " + Retry.DEFAULT_INTERVAL
                                + "); doubles after each try."));
        props.set(
                "maxInterval",
                described(
                        ref("duration"),
                        "The longest wait between two tries (default " + Retry.DEFAULT_MAX_INTERVAL + ")."));
        ArrayNode forms = JSON.arrayNode();
        forms.add(described(attempts, "Tries in all, the first included."));
        forms.add(full);
        return described(JSON.objectNode().set("oneOf", forms), "How often the action is tried before the step fails.");
    }

    private static ObjectNode actionStep(ActionCatalog catalog, boolean failback) {
        ObjectNode node = closedObject("A step that runs an action.", List.of("name", "action"));
        ObjectNode props = node.putObject("properties");
        props.set("name", described(ref("name"), "The step's name, unique in the runbook."));
        List<String> implemented = catalog.all().stream()
                .filter(ActionSpec::implemented)
                .map(ActionSpec::name)
                .toList();
        List<String> later = catalog.all().stream()
                .filter(s -> !s.implemented())
                .map(ActionSpec::name)
                .toList();
        props.set(
                "action",
                described(
                        JSON.objectNode().set("enum", strings(implemented)),
                        "The action to run."
                                + (later.isEmpty()
                                        ? ""
                                        : " Part of the format but not implemented yet: " + String.join(", ", later)
                                                + ".")));
        props.set("with", described(JSON.objectNode().put("type", "object"), "The action's settings; see the action."));
        props.set("timeout", described(ref("duration"), "How long one try may take."));
        props.set("retry", ref("retry"));
        props.set("onFailure", ref("onFailure"));
        ArrayNode cases = node.putArray("allOf");
        for (ActionType type : catalog.types()) {
            if (!type.spec().implemented()) {
                continue;
            }
            ObjectNode when = JSON.objectNode();
            when.putObject("properties").set("action", JSON.objectNode().put("const", type.name()));
            when.set("required", strings(List.of("action")));
            ObjectNode then = JSON.objectNode();
            then.putObject("properties").set("with", ref(withName(type.name())));
            if (type.spec().fields().values().stream().anyMatch(ActionSpec.Field::required)) {
                then.set("required", strings(List.of("with")));
            }
            cases.add(JSON.objectNode().<ObjectNode>set("if", when).set("then", then));
        }
        if (failback) {
            node.put("description", "A failback step that runs an action.");
        }
        return node;
    }

    private static ObjectNode parallel(String childDefinition) {
        ObjectNode node = closedObject("Steps that run together; the group ends when all have.", List.of("parallel"));
        ObjectNode props = node.putObject("properties");
        props.set("name", described(ref("name"), "An optional name for the group."));
        props.set(
                "parallel",
                described(
                        JSON.objectNode()
                                .put("type", "array")
                                .put("minItems", 2)
                                .set("items", ref(childDefinition)),
                        "At least two steps; groups do not nest."));
        return node;
    }

    private static ObjectNode undoStep() {
        ObjectNode node = closedObject("Undoes what a failover step changed, exactly.", List.of("undo"));
        node.putObject("properties").set("undo", described(ref("name"), "The failover step to undo."));
        return node;
    }

    private static ObjectNode failback() {
        ObjectNode node = closedObject("How the failover is undone once the primary is back.", List.of());
        ObjectNode props = node.putObject("properties");
        ObjectNode when = closedObject("What must hold before failback starts.", List.of());
        ObjectNode whenProps = when.putObject("properties");
        whenProps.set(
                "recovered",
                described(
                        JSON.objectNode().put("type", "boolean"),
                        "Wait for the detector's outage.recovered (default true)."));
        whenProps.set(
                "stableFor",
                described(ref("duration"), "How long the scope must stay healthy after recovery (default 0s)."));
        props.set("when", when);
        props.set("approval", approval("Whether a person confirms failback (default required)."));
        ArrayNode forms = JSON.arrayNode();
        forms.add(JSON.objectNode().put("const", Failback.REVERSE));
        forms.add(JSON.objectNode().put("type", "array").put("minItems", 1).set("items", ref("failbackStep")));
        props.set(
                "steps",
                described(
                        JSON.objectNode().set("anyOf", forms),
                        "reverse (default): undo every failover step that changed something, last first. Or a list of steps: "
                                + "undo: <failover step>, actions and parallel groups."));
        return node;
    }

    private static ObjectNode withBlock(ActionSpec spec) {
        ObjectNode node = closedObject(
                spec.summary(),
                spec.fields().values().stream()
                        .filter(ActionSpec.Field::required)
                        .map(ActionSpec.Field::name)
                        .toList());
        ObjectNode props = node.putObject("properties");
        for (ActionSpec.Field field : spec.fields().values()) {
            props.set(field.name(), described(fieldSchema(field), field.doc()));
        }
        return node;
    }

    private static ObjectNode fieldSchema(ActionSpec.Field field) {
        return switch (field.type()) {
            case STRING, PROVIDER ->
                field.allowed().isEmpty()
                        ? ref("text")
                        : orReference(JSON.objectNode().set("enum", strings(field.allowed())));
            case INT -> {
                ObjectNode number = JSON.objectNode().put("type", "integer");
                if (field.min() != null) {
                    number.put("minimum", field.min());
                }
                if (field.max() != null) {
                    number.put("maximum", field.max());
                }
                yield orReference(number);
            }
            case BOOL -> orReference(JSON.objectNode().put("type", "boolean"));
            case DURATION -> orReference(ref("duration"));
            case NUMBER_MAP -> {
                ObjectNode number = JSON.objectNode()
                        .put("type", "integer")
                        .put("minimum", field.min())
                        .put("maximum", field.max());
                ObjectNode map = JSON.objectNode().put("type", "object").put("minProperties", 1);
                map.set("additionalProperties", number);
                yield map;
            }
            case STRING_OR_LIST -> {
                ArrayNode forms = JSON.arrayNode();
                forms.add(ref("text"));
                forms.add(JSON.objectNode()
                        .put("type", "array")
                        .put("minItems", 1)
                        .set("items", ref("text")));
                yield JSON.objectNode().set("anyOf", forms);
            }
        };
    }

    private static ObjectNode orReference(ObjectNode schema) {
        ArrayNode forms = JSON.arrayNode();
        forms.add(schema);
        forms.add(ref("reference"));
        return JSON.objectNode().set("anyOf", forms);
    }

    private static ObjectNode ifThenElse(String requiredField, String thenDefinition, ObjectNode otherwise) {
        ObjectNode node = JSON.objectNode();
        node.set("if", JSON.objectNode().put("type", "object").set("required", strings(List.of(requiredField))));
        node.set("then", ref(thenDefinition));
        node.set("else", otherwise);
        return node;
    }

    private static ObjectNode approval(String doc) {
        return described(JSON.objectNode().set("enum", strings(List.of("none", "required"))), doc);
    }

    private static ObjectNode closedObject(String doc, List<String> required) {
        ObjectNode node = JSON.objectNode();
        node.put("description", doc);
        node.put("type", "object");
        node.put("additionalProperties", false);
        if (!required.isEmpty()) {
            node.set("required", strings(required));
        }
        return node;
    }

    private static ObjectNode constant(String value, String doc) {
        return described(JSON.objectNode().put("const", value), doc);
    }

    private static ObjectNode described(ObjectNode node, String doc) {
        ObjectNode out = JSON.objectNode();
        out.put("description", doc);
        out.setAll(node);
        return out;
    }

    private static ObjectNode ref(String definition) {
        return JSON.objectNode().put("$ref", "#/definitions/" + definition);
    }

    static String withName(String action) {
        return "with." + action;
    }

    private static String anchored(String pattern) {
        return "^" + pattern + "$";
    }

    private static ArrayNode strings(Collection<String> values) {
        ArrayNode out = JSON.arrayNode();
        values.forEach(out::add);
        return out;
    }
}
