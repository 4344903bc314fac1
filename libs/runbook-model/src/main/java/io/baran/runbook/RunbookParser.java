package io.baran.runbook;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads runbook YAML into a {@link Runbook}, reporting every error it finds in one pass, each with file,
 * line, column and field path. Nothing of a runbook with errors is returned.
 *
 * <p>Each action binds and checks its own {@code with:} block ({@link ActionType}); providers are checked
 * against a {@link ProviderCatalog} when one is given.
 */
public final class RunbookParser {

    public static final String API_VERSION = "baran.io/v1";
    public static final String KIND = "Runbook";
    /** Runbooks are small; anything larger is refused before it is parsed. */
    public static final int MAX_BYTES = 256 * 1024;
    /** Deeper YAML than this is refused (a runbook needs about 8 levels). */
    public static final int MAX_NESTING = 30;

    static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    static final Pattern SCOPE = Pattern.compile("[a-z0-9][a-z0-9.-]*(/[a-z0-9][a-z0-9._-]*)*");
    static final Set<String> APPROVALS = Set.of("none", "required");
    static final Set<String> ON_FAILURE = Set.of("compensate", "hold", "continue");
    static final int MAX_ATTEMPTS = 100;

    static final List<String> TOP_FIELDS = List.of("apiVersion", "kind", "metadata", "spec");
    static final List<String> METADATA_FIELDS = List.of("name", "description", "labels");
    static final List<String> SPEC_FIELDS = List.of(
            "protects", "priority", "objectives", "parameters", "trigger", "access", "drills", "failover", "failback");
    /** {@code spec.priority} written as a tier name: {@code tier-1}. */
    static final Pattern TIER = Pattern.compile("tier-([0-9]+)");

    static final List<String> STEP_FIELDS =
            List.of("name", "action", "with", "parallel", "timeout", "retry", "onFailure");
    static final List<String> FAILBACK_STEP_FIELDS =
            List.of("name", "action", "with", "parallel", "timeout", "retry", "onFailure", "undo");
    static final List<String> RETRY_FIELDS = List.of("attempts", "interval", "maxInterval");
    static final List<String> FAILBACK_FIELDS = List.of("when", "approval", "steps");
    static final List<String> DRILLS_FIELDS = List.of("schedule", "timezone", "hold", "blockedWindows", "abortWhen");
    static final List<String> ABORT_WHEN_FIELDS = List.of("healthCheckFails", "every");
    static final List<String> OBJECTIVES_FIELDS = List.of("rto", "rpo");
    static final List<String> ACCESS_LISTS = List.of("drill", "failover", "approve");
    static final List<String> ACCESS_FIELDS = List.of("drill", "failover", "approve", "approvals");
    /**
     * A group of the identity provider as the token's groups claim names it: a name, an id, an e-mail-like name or
     * a path (Keycloak's full group paths start with /).
     */
    static final Pattern GROUP = Pattern.compile("/?[A-Za-z0-9][A-Za-z0-9._:/@-]{0,126}");

    static final int MAX_APPROVALS = 5;

    private final ActionCatalog catalog;
    private final ProviderCatalog providers;

    public RunbookParser(ActionCatalog catalog, ProviderCatalog providers) {
        this.catalog = catalog;
        this.providers = providers;
    }

    public RunbookParser(ActionCatalog catalog) {
        this(catalog, ProviderCatalog.UNCHECKED);
    }

    /** The standard actions; provider names unchecked. */
    public RunbookParser() {
        this(ActionCatalog.standard());
    }

    public ActionCatalog catalog() {
        return catalog;
    }

    public ProviderCatalog providers() {
        return providers;
    }

    /** The runbook, or {@link RunbookInvalidException} with every error. */
    public Runbook parse(String file, String yaml) {
        return parse(file, yaml, null);
    }

    /**
     * The runbook, or {@link RunbookInvalidException} with every error.
     *
     * @param expectedName the name the runbook is stored under (e.g. from a URL); {@code metadata.name} must be
     *                     it. Null when any name will do.
     */
    public Runbook parse(String file, String yaml, String expectedName) {
        return parse(file, yaml, expectedName, Map.of());
    }

    /**
     * The runbook with some parameters set to other values than their defaults (a drill's or a failover's
     * {@code parameters}), or {@link RunbookInvalidException} with every error: a name the runbook does not
     * declare, a value of another kind than the default, and whatever the new values make wrong in the steps.
     */
    public Runbook parse(String file, String yaml, String expectedName, Map<String, ?> parameters) {
        Reading reading = new Reading(file, expectedName);
        reading.overrides = parameters == null ? Map.of() : parameters;
        Runbook runbook = reading.read(yaml);
        if (!reading.tree.errors().isEmpty()) {
            throw new RunbookInvalidException(inReadingOrder(reading.tree.errors()));
        }
        return runbook;
    }

    /** Every error of the text, empty when the runbook is valid. */
    public List<RunbookError> validate(String file, String yaml) {
        return validate(file, yaml, null);
    }

    /** Every error of the text, empty when the runbook is valid; see {@link #parse(String, String, String)}. */
    public List<RunbookError> validate(String file, String yaml, String expectedName) {
        Reading reading = new Reading(file, expectedName);
        reading.read(yaml);
        return inReadingOrder(reading.tree.errors());
    }

    /** Errors sorted as a person reads the file: by line, then column; errors at one place keep their order. */
    private static List<RunbookError> inReadingOrder(List<RunbookError> errors) {
        return errors.stream()
                .sorted(Comparator.comparingInt(RunbookError::line).thenComparingInt(RunbookError::column))
                .toList();
    }

    /** A failover action step as read, kept to check failback against. */
    private record ReadStep(Step step, ActionSpec spec, Node actionNode, String path) {}

    /** The state of reading one document. */
    private final class Reading {
        final String file;
        final String expectedName;
        final YamlTree tree;
        Parameters parameters;
        Map<String, ?> overrides = Map.of();
        final Map<String, Node> names = new HashMap<>();
        final Map<String, ReadStep> failoverSteps = new LinkedHashMap<>();
        final List<ReadStep> failoverOrder = new ArrayList<>();

        Reading(String file, String expectedName) {
            this.file = file;
            this.expectedName = expectedName;
            this.tree = new YamlTree(file);
            this.parameters = Parameters.none(tree);
        }

        Runbook read(String yaml) {
            if (yaml.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
                tree.error(
                        null, "", "is larger than " + MAX_BYTES / 1024 + " KiB; a runbook should be a few kilobytes");
                return null;
            }
            if (yaml.indexOf('\0') >= 0) {
                tree.error(null, "", "is binary, not YAML text");
                return null;
            }
            Node root;
            try {
                LoaderOptions options = new LoaderOptions();
                options.setAllowDuplicateKeys(true); // reported by YamlTree with their position
                options.setMaxAliasesForCollections(20);
                options.setNestingDepthLimit(MAX_NESTING);
                options.setCodePointLimit(MAX_BYTES);
                root = new Yaml(options).compose(new StringReader(yaml));
            } catch (MarkedYAMLException e) {
                Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
                Mark context = e.getContextMark();
                if (e.getContext() != null && context != null && context != mark) {
                    problem += " (" + e.getContext() + " that starts at line " + (context.getLine() + 1) + ", column "
                            + (context.getColumn() + 1) + ")";
                }
                tree.errors()
                        .add(new RunbookError(
                                file,
                                mark == null ? 0 : mark.getLine() + 1,
                                mark == null ? 0 : mark.getColumn() + 1,
                                "",
                                "YAML syntax: " + problem));
                return null;
            } catch (YAMLException e) {
                String message = e.getMessage() != null && e.getMessage().startsWith("Nesting Depth exceeded")
                        ? "is nested more than " + MAX_NESTING + " levels deep; a runbook needs about 8"
                        : "YAML syntax: " + e.getMessage();
                tree.error(null, "", message);
                return null;
            } catch (RuntimeException | StackOverflowError e) {
                // Whatever the YAML library trips over is still the document's fault, never the caller's.
                tree.error(null, "", "cannot be read as YAML (" + e.getClass().getSimpleName() + ")");
                return null;
            }
            if (root == null) {
                tree.error(null, "", "is empty; a runbook starts with apiVersion: " + API_VERSION);
                return null;
            }
            Node cycle = cycle(
                    root,
                    Collections.newSetFromMap(new IdentityHashMap<>()),
                    Collections.newSetFromMap(new IdentityHashMap<>()));
            if (cycle != null) {
                tree.error(
                        cycle,
                        "",
                        "YAML: an alias refers to the anchored collection that contains it, so it never ends; a"
                                + " runbook must be finite");
                return null;
            }
            return readRunbook(yaml, root);
        }

        /**
         * A collection that contains itself through an alias ({@code &a [ *a ]}), or null. SnakeYAML composes such a
         * document, and every walk over it would never end.
         */
        private static Node cycle(Node node, Set<Node> open, Set<Node> checked) {
            if (checked.contains(node)) {
                return null;
            }
            if (!open.add(node)) {
                return node;
            }
            List<Node> children = new ArrayList<>();
            if (node instanceof SequenceNode seq) {
                children.addAll(seq.getValue());
            } else if (node instanceof MappingNode map) {
                for (NodeTuple tuple : map.getValue()) {
                    children.add(tuple.getKeyNode());
                    children.add(tuple.getValueNode());
                }
            }
            for (Node child : children) {
                Node found = cycle(child, open, checked);
                if (found != null) {
                    return found;
                }
            }
            open.remove(node);
            checked.add(node);
            return null;
        }

        private Runbook readRunbook(String yaml, Node root) {
            var top = tree.mapping(root, "", TOP_FIELDS);
            if (top.isEmpty()) {
                return null;
            }
            Map<String, Node> doc = top.get();
            tree.required(doc, root, "", "apiVersion")
                    .flatMap(n -> tree.string(n, "apiVersion"))
                    .ifPresent(v -> {
                        if (!API_VERSION.equals(v)) {
                            tree.error(
                                    doc.get("apiVersion"),
                                    "apiVersion",
                                    "\"" + v + "\" is not supported (use " + API_VERSION + ")");
                        }
                    });
            tree.required(doc, root, "", "kind")
                    .flatMap(n -> tree.string(n, "kind"))
                    .ifPresent(v -> {
                        if (!KIND.equals(v)) {
                            tree.error(doc.get("kind"), "kind", "\"" + v + "\" is not supported (use " + KIND + ")");
                        }
                    });

            String name = null;
            String description = null;
            Map<String, String> labels = new LinkedHashMap<>();
            Optional<Node> metadataNode = tree.required(doc, root, "", "metadata");
            if (metadataNode.isPresent()) {
                var metadata = tree.mapping(metadataNode.get(), "metadata", METADATA_FIELDS);
                if (metadata.isPresent()) {
                    name = tree.required(metadata.get(), metadataNode.get(), "metadata", "name")
                            .flatMap(n -> tree.string(n, "metadata.name"))
                            .filter(v -> checkName(metadata.get().get("name"), "metadata.name", v))
                            .orElse(null);
                    if (name != null && expectedName != null && !name.equals(expectedName)) {
                        tree.error(
                                metadata.get().get("name"),
                                "metadata.name",
                                "\"" + name + "\" is not the name it is stored under, \"" + expectedName
                                        + "\"; a runbook is stored under its own metadata.name");
                    }
                    description = Optional.ofNullable(metadata.get().get("description"))
                            .flatMap(n -> tree.string(n, "metadata.description"))
                            .orElse(null);
                    Optional.ofNullable(metadata.get().get("labels"))
                            .flatMap(n -> tree.openMapping(n, "metadata.labels"))
                            .ifPresent(map -> map.forEach((k, v) ->
                                    tree.string(v, "metadata.labels." + k).ifPresent(text -> labels.put(k, text))));
                }
            }

            Optional<Node> specNode = tree.required(doc, root, "", "spec");
            if (specNode.isEmpty()) {
                return null;
            }
            var specOpt = tree.mapping(specNode.get(), "spec", SPEC_FIELDS);
            if (specOpt.isEmpty()) {
                return null;
            }
            Map<String, Node> spec = specOpt.get();
            String protects = tree.required(spec, specNode.get(), "spec", "protects")
                    .flatMap(n -> tree.string(n, "spec.protects"))
                    .filter(v -> checkName(spec.get("protects"), "spec.protects", v))
                    .orElse(null);
            if (spec.get("parameters") != null && !YamlTree.isNull(spec.get("parameters"))) {
                parameters = Parameters.read(tree, spec.get("parameters"));
            }
            if (!overrides.isEmpty()) {
                parameters.override(
                        overrides,
                        spec.get("parameters") == null ? specNode.get() : tree.keyNode(specNode.get(), "parameters"));
            }
            Trigger trigger = Optional.ofNullable(spec.get("trigger"))
                    .map(this::readTrigger)
                    .orElse(null);
            Access access = Optional.ofNullable(spec.get("access"))
                    .map(this::readAccess)
                    .orElse(Access.NONE);
            int priority = Optional.ofNullable(spec.get("priority"))
                    .filter(n -> !YamlTree.isNull(n))
                    .map(this::readPriority)
                    .orElse(0);
            Objectives objectives = Optional.ofNullable(spec.get("objectives"))
                    .map(this::readObjectives)
                    .orElse(Objectives.NONE);

            Drills drills = Optional.ofNullable(spec.get("drills"))
                    .filter(n -> !YamlTree.isNull(n))
                    .map(this::readDrills)
                    .orElse(null);

            List<Step> failover = new ArrayList<>();
            tree.required(spec, specNode.get(), "spec", "failover")
                    .flatMap(n -> tree.sequence(n, "spec.failover"))
                    .ifPresent(items -> {
                        if (items.isEmpty()) {
                            tree.error(spec.get("failover"), "spec.failover", "needs at least one step");
                        }
                        for (int i = 0; i < items.size(); i++) {
                            readStep(items.get(i), "spec.failover[" + i + "]", true, false)
                                    .ifPresent(failover::add);
                        }
                    });
            Failback failback = Optional.ofNullable(spec.get("failback"))
                    .map(this::readFailback)
                    .orElse(Failback.DEFAULT);
            if (failback.isReverse()) {
                checkReverseCanUndoEverything();
            }
            return new Runbook(
                    name,
                    description,
                    labels,
                    protects,
                    parameters.declared(),
                    trigger,
                    failover,
                    failback,
                    sha256(yaml),
                    file,
                    0,
                    access,
                    priority,
                    objectives,
                    drills);
        }

        /** {@code spec.drills}: when the orchestrator drills the runbook by itself, and what stops a drill. */
        private Drills readDrills(Node node) {
            var map = tree.mapping(node, "spec.drills", DRILLS_FIELDS);
            if (map.isEmpty()) {
                return null;
            }
            Map<String, Node> fields = map.get();
            String schedule = Optional.ofNullable(fields.get("schedule"))
                    .flatMap(n -> cron(n, "spec.drills.schedule"))
                    .orElse(null);
            String timezone = Optional.ofNullable(fields.get("timezone"))
                    .flatMap(n -> tree.string(n, "spec.drills.timezone").filter(zone -> {
                        try {
                            java.time.ZoneId.of(zone);
                            return true;
                        } catch (java.time.DateTimeException e) {
                            tree.error(
                                    n,
                                    "spec.drills.timezone",
                                    "\"" + zone + "\" is not a time zone (an IANA name such as UTC or Europe/Berlin)");
                            return false;
                        }
                    }))
                    .orElse(null);
            String hold = Optional.ofNullable(fields.get("hold"))
                    .flatMap(n -> positiveDuration(n, "spec.drills.hold"))
                    .orElse(null);
            List<String> blocked = new ArrayList<>();
            Optional.ofNullable(fields.get("blockedWindows"))
                    .flatMap(n -> tree.sequence(n, "spec.drills.blockedWindows"))
                    .ifPresent(items -> {
                        for (int i = 0; i < items.size(); i++) {
                            cron(items.get(i), "spec.drills.blockedWindows[" + i + "]")
                                    .ifPresent(blocked::add);
                        }
                    });
            Drills.AbortWhen abortWhen = Optional.ofNullable(fields.get("abortWhen"))
                    .flatMap(this::readAbortWhen)
                    .orElse(null);
            if (schedule == null && !blocked.isEmpty() && !fields.containsKey("schedule")) {
                tree.error(
                        fields.get("blockedWindows"),
                        "spec.drills.blockedWindows",
                        "blocks nothing without spec.drills.schedule");
            }
            return new Drills(schedule, timezone, hold, blocked, abortWhen);
        }

        private Optional<Drills.AbortWhen> readAbortWhen(Node node) {
            String path = "spec.drills.abortWhen";
            var map = tree.mapping(node, path, ABORT_WHEN_FIELDS);
            if (map.isEmpty()) {
                return Optional.empty();
            }
            Optional<Node> check = tree.required(map.get(), node, path, "healthCheckFails");
            String every = Optional.ofNullable(map.get().get("every"))
                    .flatMap(n -> positiveDuration(n, path + ".every"))
                    .orElse(null);
            if (check.isEmpty()) {
                return Optional.empty();
            }
            ActionType healthCheck = catalog.type(io.baran.runbook.action.HealthCheck.NAME)
                    .orElseThrow(() -> new IllegalStateException("the action catalog has no health.check"));
            Map<String, Object> with = readWith(node, check.get(), path + ".healthCheckFails", healthCheck);
            return Optional.of(new Drills.AbortWhen(with, every));
        }

        private Optional<String> cron(Node node, String path) {
            return tree.string(node, path).filter(text -> {
                Optional<String> problem = Cron.problem(text);
                problem.ifPresent(why -> tree.error(node, path, why));
                return problem.isEmpty();
            });
        }

        /** {@code spec.priority}: a tier, {@code 1} to {@code 5} or {@code tier-1} to {@code tier-5}; 0 after an error. */
        private int readPriority(Node node) {
            if (!(node instanceof ScalarNode)) {
                tree.error(
                        node,
                        "spec.priority",
                        "must be a tier (1 to " + Runbook.LOWEST_PRIORITY + ", or tier-1 to tier-"
                                + Runbook.LOWEST_PRIORITY + "), not " + YamlTree.describe(node));
                return 0;
            }
            String text = tree.string(node, "spec.priority").orElse(null);
            if (text == null) {
                return 0;
            }
            java.util.regex.Matcher named = TIER.matcher(text);
            String digits = named.matches() ? named.group(1) : text;
            if (digits.matches("[0-9]{1,3}")) {
                int tier = Integer.parseInt(digits);
                if (tier >= Runbook.HIGHEST_PRIORITY && tier <= Runbook.LOWEST_PRIORITY) {
                    return tier;
                }
            }
            tree.error(
                    node,
                    "spec.priority",
                    "\"" + text + "\" is not a tier (" + Runbook.HIGHEST_PRIORITY + " to "
                            + Runbook.LOWEST_PRIORITY + ", or tier-" + Runbook.HIGHEST_PRIORITY + " to tier-"
                            + Runbook.LOWEST_PRIORITY
                            + "; 1 is dispatched first)");
            return 0;
        }

        /** {@code spec.objectives}: the RTO and RPO targets, each a duration; the RTO above zero. */
        private Objectives readObjectives(Node node) {
            var map = tree.mapping(node, "spec.objectives", OBJECTIVES_FIELDS);
            if (map.isEmpty()) {
                return Objectives.NONE;
            }
            if (((org.yaml.snakeyaml.nodes.MappingNode) node).getValue().isEmpty()) {
                tree.error(node, "spec.objectives", "needs rto, rpo or both (e.g. { rto: 5m, rpo: 1m })");
                return Objectives.NONE;
            }
            String rto = Optional.ofNullable(map.get().get("rto"))
                    .flatMap(n -> tree.duration(n, "spec.objectives.rto").filter(d -> {
                        if (!Durations.parse(d).isZero()) {
                            return true;
                        }
                        tree.error(n, "spec.objectives.rto", "must be longer than 0s: no failover is instant");
                        return false;
                    }))
                    .orElse(null);
            String rpo = Optional.ofNullable(map.get().get("rpo"))
                    .flatMap(n -> tree.duration(n, "spec.objectives.rpo"))
                    .orElse(null);
            return new Objectives(rto, rpo);
        }

        /** {@code spec.access}: the groups that may drill, fail over and approve, and how many approvers it takes. */
        private Access readAccess(Node node) {
            var map = tree.mapping(node, "spec.access", ACCESS_FIELDS);
            if (map.isEmpty()) {
                return Access.NONE;
            }
            Map<String, List<String>> groups = new HashMap<>();
            for (String field : ACCESS_LISTS) {
                groups.put(
                        field,
                        Optional.ofNullable(map.get().get(field))
                                .map(n -> readGroups(n, "spec.access." + field))
                                .orElse(List.of()));
            }
            int approvals = Optional.ofNullable(map.get().get("approvals"))
                    .flatMap(n -> tree.integer(n, "spec.access.approvals").filter(a -> {
                        if (a >= 1 && a <= MAX_APPROVALS) {
                            return true;
                        }
                        tree.error(
                                n,
                                "spec.access.approvals",
                                a + " is out of range (1 to " + MAX_APPROVALS + " distinct approvers)");
                        return false;
                    }))
                    .map(Long::intValue)
                    .orElse(1);
            return new Access(groups.get("drill"), groups.get("failover"), groups.get("approve"), approvals);
        }

        private List<String> readGroups(Node node, String path) {
            if (!(node instanceof SequenceNode seq)) {
                boolean text = node instanceof ScalarNode s && s.getTag().equals(Tag.STR);
                tree.error(
                        node,
                        path,
                        "must be a list of groups, not " + YamlTree.describe(node)
                                + (text ? " (write [" + ((ScalarNode) node).getValue() + "])" : ""));
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node item = seq.getValue().get(i);
                String itemPath = path + "[" + i + "]";
                tree.string(item, itemPath).ifPresent(group -> {
                    if (!GROUP.matcher(group).matches()) {
                        tree.error(
                                item,
                                itemPath,
                                "\"" + group + "\" is not a group name (a letter or digit, after an optional /,"
                                        + " then letters, digits and . _ : / @ -, at most 128 in all)");
                    } else if (out.contains(group)) {
                        tree.error(item, itemPath, "\"" + group + "\" is listed twice");
                    } else {
                        out.add(group);
                    }
                });
            }
            return out;
        }

        private Trigger readTrigger(Node node) {
            var map = tree.mapping(node, "spec.trigger", List.of("outage", "approval", "approvalTimeout"));
            if (map.isEmpty()) {
                return null;
            }
            String approval = Optional.ofNullable(map.get().get("approval"))
                    .flatMap(n -> tree.oneOf(n, "spec.trigger.approval", APPROVALS))
                    .orElse("none");
            String approvalTimeout = Optional.ofNullable(map.get().get("approvalTimeout"))
                    .flatMap(n -> tree.duration(n, "spec.trigger.approvalTimeout"))
                    .orElse(null);
            Node outageNode = map.get().get("outage");
            if (outageNode == null) {
                return new Trigger(null, List.of(), approval, approvalTimeout);
            }
            var outage = tree.mapping(outageNode, "spec.trigger.outage", List.of("scope", "services"));
            if (outage.isEmpty()) {
                return null;
            }
            String scope = tree.required(outage.get(), outageNode, "spec.trigger.outage", "scope")
                    .flatMap(n -> tree.string(n, "spec.trigger.outage.scope"))
                    .filter(v -> {
                        if (SCOPE.matcher(v).matches()) {
                            return true;
                        }
                        tree.error(
                                outage.get().get("scope"),
                                "spec.trigger.outage.scope",
                                "\"" + v + "\" is not a scope (lower-case parts separated by /, e.g. aws/us-east-1)");
                        return false;
                    })
                    .orElse(null);
            List<String> services = new ArrayList<>();
            Optional.ofNullable(outage.get().get("services"))
                    .flatMap(n -> tree.sequence(n, "spec.trigger.outage.services"))
                    .ifPresent(items -> {
                        for (int i = 0; i < items.size(); i++) {
                            tree.string(items.get(i), "spec.trigger.outage.services[" + i + "]")
                                    .ifPresent(services::add);
                        }
                    });
            return new Trigger(scope, services, approval, approvalTimeout);
        }

        /**
         * One step of failover or of an explicit failback list.
         *
         * @param topLevel false inside a parallel group, which cannot nest
         * @param failback true in an explicit failback list, where {@code undo:} steps are allowed
         */
        private Optional<Step> readStep(Node node, String path, boolean topLevel, boolean failback) {
            var mapOpt = tree.mapping(node, path, failback ? FAILBACK_STEP_FIELDS : STEP_FIELDS);
            if (mapOpt.isEmpty()) {
                return Optional.empty();
            }
            Map<String, Node> map = mapOpt.get();
            if (map.containsKey("parallel")) {
                return readParallel(node, path, map, topLevel, failback);
            }
            if (map.containsKey("undo")) {
                return readUndo(path, map);
            }
            String name = tree.required(map, node, path, "name")
                    .flatMap(n -> tree.string(n, path + ".name"))
                    .filter(v -> checkName(map.get("name"), path + ".name", v))
                    .orElse(null);
            claimName(name, map.get("name"), path);
            String timeout = Optional.ofNullable(map.get("timeout"))
                    .flatMap(n -> positiveDuration(n, path + ".timeout"))
                    .orElse(null);
            Retry retry = Optional.ofNullable(map.get("retry"))
                    .flatMap(n -> readRetry(n, path + ".retry"))
                    .orElse(null);
            String onFailure = Optional.ofNullable(map.get("onFailure"))
                    .flatMap(n -> tree.oneOf(n, path + ".onFailure", ON_FAILURE))
                    .orElse(null);

            Optional<Node> actionNode = tree.required(map, node, path, "action");
            Optional<ActionType> type = actionNode
                    .flatMap(n -> tree.string(n, path + ".action"))
                    .flatMap(a -> {
                        Optional<ActionType> found = catalog.type(a);
                        if (found.isEmpty()) {
                            tree.error(
                                    actionNode.get(),
                                    path + ".action",
                                    "unknown action \"" + a + "\"" + YamlTree.didYouMean(a, catalog.names())
                                            + "; actions: " + String.join(", ", catalog.names()));
                        } else if (!found.get().spec().implemented()) {
                            tree.error(
                                    actionNode.get(),
                                    path + ".action",
                                    "action \"" + a + "\" is part of the runbook format but not implemented yet");
                        }
                        return found;
                    });
            Node withNode = map.get("with");
            Map<String, Object> with = new LinkedHashMap<>();
            if (type.isPresent()) {
                with = readWith(node, withNode, path + ".with", type.get());
            } else if (withNode != null && !YamlTree.isNull(withNode)) {
                readWithOfUnknownAction(withNode, path + ".with");
            }
            if (name == null || type.isEmpty()) {
                return Optional.empty();
            }
            Step step = new Step(name, type.get().name(), with, List.of(), timeout, onFailure, retry, null);
            if (!failback) {
                ReadStep read = new ReadStep(step, type.get().spec(), actionNode.get(), path);
                failoverSteps.putIfAbsent(name, read);
                failoverOrder.add(read);
            }
            return Optional.of(step);
        }

        private Optional<Step> readParallel(
                Node node, String path, Map<String, Node> map, boolean topLevel, boolean failback) {
            for (String field : List.of("action", "with", "timeout", "retry", "onFailure", "undo")) {
                if (map.containsKey(field)) {
                    tree.error(
                            tree.keyNode(node, field),
                            path + "." + field,
                            "a parallel group has no " + field + "; put it on its steps");
                }
            }
            if (!topLevel) {
                tree.error(tree.keyNode(node, "parallel"), path + ".parallel", "parallel groups cannot be nested");
                return Optional.empty();
            }
            String name = Optional.ofNullable(map.get("name"))
                    .flatMap(n -> tree.string(n, path + ".name"))
                    .filter(v -> checkName(map.get("name"), path + ".name", v))
                    .orElse(null);
            claimName(name, map.get("name"), path);
            Optional<List<Node>> items = tree.sequence(map.get("parallel"), path + ".parallel");
            if (items.isEmpty()) {
                return Optional.empty();
            }
            if (items.get().size() < 2) {
                tree.error(
                        map.get("parallel"),
                        path + ".parallel",
                        "needs at least two steps (a single step needs no parallel group)");
            }
            List<Step> children = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < items.get().size(); i++) {
                Optional<Step> child = readStep(items.get().get(i), path + ".parallel[" + i + "]", false, failback);
                ok &= child.isPresent();
                child.ifPresent(children::add);
            }
            if (!ok || children.size() < 2) {
                return Optional.empty();
            }
            return Optional.of(new Step(name, null, Map.of(), children, null, null, null, null));
        }

        /** {@code - undo: <failover step>}; the target is checked once every failover step is known. */
        private Optional<Step> readUndo(String path, Map<String, Node> map) {
            for (String field : map.keySet()) {
                if (!field.equals("undo")) {
                    tree.error(
                            map.get(field),
                            path + "." + field,
                            "an undo step takes only undo: <failover step>; " + field
                                    + " comes from the failover step it undoes");
                }
            }
            Node target = map.get("undo");
            return tree.string(target, path + ".undo").flatMap(stepName -> {
                ReadStep undone = failoverSteps.get(stepName);
                if (undone == null) {
                    tree.error(
                            target,
                            path + ".undo",
                            "\"" + stepName + "\" is not a failover step"
                                    + YamlTree.didYouMean(stepName, failoverSteps.keySet())
                                    + (failoverSteps.isEmpty()
                                            ? ""
                                            : "; failover steps: " + String.join(", ", failoverSteps.keySet())));
                    return Optional.empty();
                }
                String what = "\"" + stepName + "\" (" + undone.spec().name() + ")";
                if (!undone.spec().changes()) {
                    tree.error(target, path + ".undo", what + " changes nothing, so there is nothing to undo");
                    return Optional.empty();
                }
                if (!undone.spec().undoable()) {
                    tree.error(
                            target,
                            path + ".undo",
                            what + " cannot be undone: " + undone.spec().noUndo());
                    return Optional.empty();
                }
                Node previous = names.putIfAbsent("undo:" + stepName, target);
                if (previous != null) {
                    tree.error(
                            target,
                            path + ".undo",
                            what + " is already undone at line "
                                    + (previous.getStartMark().getLine() + 1));
                    return Optional.empty();
                }
                return Optional.of(Step.undoOf(undone.step()));
            });
        }

        /** Binds the with: block through the action's own class, parameters replaced, providers checked. */
        private Map<String, Object> readWith(Node stepNode, Node withNode, String path, ActionType type) {
            Map<String, Node> given = new LinkedHashMap<>();
            if (withNode != null && !YamlTree.isNull(withNode)) {
                var parsed = tree.mapping(
                        withNode, path, type.spec().fields().keySet().stream().toList());
                if (parsed.isEmpty()) {
                    return Map.of();
                }
                given.putAll(parsed.get());
            }
            Map<Node, String> origins = new IdentityHashMap<>();
            Map<String, Node> resolved = new LinkedHashMap<>();
            Set<String> unresolved = new java.util.HashSet<>();
            for (var entry : given.entrySet()) {
                Optional<Node> value = parameters.substitute(entry.getValue(), path + "." + entry.getKey(), origins);
                if (value.isPresent()) {
                    resolved.put(entry.getKey(), value.get());
                } else {
                    unresolved.add(entry.getKey());
                }
            }
            WithBlock block =
                    new WithBlock(tree, path, withNode == null ? stepNode : withNode, resolved, origins, unresolved);
            Map<String, Object> values = type.bind(block);
            for (ProviderUse use : type.providerUses(values)) {
                checkProvider(block, use, type.spec());
            }
            return values;
        }

        /**
         * What can be checked without knowing the action, so fixing its name does not bring a second round of
         * errors: parameter references, and that a {@code provider} is configured.
         */
        private void readWithOfUnknownAction(Node withNode, String path) {
            tree.openMapping(withNode, path).ifPresent(given -> {
                Map<Node, String> origins = new IdentityHashMap<>();
                Map<String, Node> resolved = new LinkedHashMap<>();
                given.forEach((field, value) -> parameters
                        .substitute(value, path + "." + field, origins)
                        .ifPresent(v -> resolved.put(field, v)));
                if (providers.checked()
                        && resolved.get("provider") instanceof ScalarNode provider
                        && provider.getTag().equals(Tag.STR)
                        && providers.find(provider.getValue()).isEmpty()) {
                    WithBlock block = new WithBlock(tree, path, withNode, resolved, origins, Set.of());
                    List<String> known = providers.all().stream()
                            .map(ProviderCatalog.Provider::name)
                            .toList();
                    block.error(
                            "provider",
                            "unknown provider \"" + provider.getValue() + "\""
                                    + YamlTree.didYouMean(provider.getValue(), known)
                                    + (known.isEmpty()
                                            ? "; no providers are configured"
                                            : "; configured providers: " + String.join(", ", known)));
                }
            });
        }

        private void checkProvider(WithBlock block, ProviderUse use, ActionSpec spec) {
            if (!providers.checked()) {
                return;
            }
            var provider = providers.find(use.provider());
            if (provider.isEmpty()) {
                List<String> known = providers.all().stream()
                        .map(ProviderCatalog.Provider::name)
                        .toList();
                block.error(
                        use.field(),
                        "unknown provider \"" + use.provider() + "\"" + YamlTree.didYouMean(use.provider(), known)
                                + (known.isEmpty()
                                        ? "; no providers are configured"
                                        : "; configured providers: " + String.join(", ", known)));
                return;
            }
            if (!provider.get().can(use.capability())) {
                List<String> able = providers.namesWith(use.capability());
                block.error(
                        use.field(),
                        "provider \"" + use.provider() + "\" (" + provider.get().type() + ") has no "
                                + use.capability() + " capability, which " + spec.name() + " needs; "
                                + (able.isEmpty()
                                        ? "no configured provider has it"
                                        : "providers that have it: " + String.join(", ", able)));
            }
        }

        private Optional<Retry> readRetry(Node node, String path) {
            if (node instanceof ScalarNode) {
                return tree.integer(node, path)
                        .filter(n -> attemptsInRange(node, path, n))
                        .map(n -> new Retry(n.intValue(), null, null));
            }
            var map = tree.mapping(node, path, RETRY_FIELDS);
            if (map.isEmpty()) {
                return Optional.empty();
            }
            Optional<Long> attempts = tree.required(map.get(), node, path, "attempts")
                    .flatMap(n ->
                            tree.integer(n, path + ".attempts").filter(a -> attemptsInRange(n, path + ".attempts", a)));
            Optional<String> interval = Optional.ofNullable(map.get().get("interval"))
                    .flatMap(n -> positiveDuration(n, path + ".interval"));
            Optional<String> maxInterval = Optional.ofNullable(map.get().get("maxInterval"))
                    .flatMap(n -> positiveDuration(n, path + ".maxInterval"));
            if (interval.isPresent()
                    && maxInterval.isPresent()
                    && Durations.parse(maxInterval.get()).compareTo(Durations.parse(interval.get())) < 0) {
                tree.error(
                        map.get().get("maxInterval"),
                        path + ".maxInterval",
                        maxInterval.get() + " is shorter than interval (" + interval.get() + ")");
                return Optional.empty();
            }
            return attempts.map(a -> new Retry(a.intValue(), interval.orElse(null), maxInterval.orElse(null)));
        }

        private boolean attemptsInRange(Node node, String path, long attempts) {
            if (attempts < 1 || attempts > MAX_ATTEMPTS) {
                tree.error(
                        node,
                        path,
                        attempts + " is out of range (1 to " + MAX_ATTEMPTS + " tries, the first included)");
                return false;
            }
            return true;
        }

        private Optional<String> positiveDuration(Node node, String path) {
            return tree.duration(node, path).filter(text -> {
                if (Durations.parse(text).compareTo(Duration.ZERO) > 0) {
                    return true;
                }
                tree.error(node, path, "must be longer than 0s");
                return false;
            });
        }

        private Failback readFailback(Node node) {
            var map = tree.mapping(node, "spec.failback", FAILBACK_FIELDS);
            if (map.isEmpty()) {
                return Failback.DEFAULT;
            }
            boolean recovered = true;
            String stableFor = null;
            Node whenNode = map.get().get("when");
            if (whenNode != null) {
                var when = tree.mapping(whenNode, "spec.failback.when", List.of("recovered", "stableFor"));
                if (when.isPresent()) {
                    recovered = Optional.ofNullable(when.get().get("recovered"))
                            .flatMap(n -> tree.bool(n, "spec.failback.when.recovered"))
                            .orElse(true);
                    stableFor = Optional.ofNullable(when.get().get("stableFor"))
                            .flatMap(n -> tree.duration(n, "spec.failback.when.stableFor"))
                            .orElse(null);
                }
            }
            String approval = Optional.ofNullable(map.get().get("approval"))
                    .flatMap(n -> tree.oneOf(n, "spec.failback.approval", APPROVALS))
                    .orElse(null);
            Node stepsNode = map.get().get("steps");
            if (stepsNode == null || YamlTree.isNull(stepsNode)) {
                return new Failback(recovered, stableFor, approval, Failback.REVERSE);
            }
            if (stepsNode instanceof SequenceNode seq) {
                if (seq.getValue().isEmpty()) {
                    tree.error(
                            stepsNode,
                            "spec.failback.steps",
                            "needs at least one step (or steps: reverse to undo every failover step)");
                }
                List<Step> steps = new ArrayList<>();
                for (int i = 0; i < seq.getValue().size(); i++) {
                    readStep(seq.getValue().get(i), "spec.failback.steps[" + i + "]", true, true)
                            .ifPresent(steps::add);
                }
                return new Failback(recovered, stableFor, approval, Failback.EXPLICIT, steps);
            }
            if (stepsNode instanceof ScalarNode s
                    && s.getTag().equals(Tag.STR)
                    && !Failback.REVERSE.equals(s.getValue())) {
                tree.error(
                        stepsNode,
                        "spec.failback.steps",
                        "\"" + s.getValue() + "\" is not reverse or a list of steps"
                                + YamlTree.didYouMean(s.getValue(), List.of(Failback.REVERSE)));
                return new Failback(recovered, stableFor, approval, Failback.REVERSE);
            }
            if (!(stepsNode instanceof ScalarNode s && Failback.REVERSE.equals(s.getValue()))) {
                tree.error(
                        stepsNode,
                        "spec.failback.steps",
                        "must be reverse or a list of steps, not " + YamlTree.describe(stepsNode));
            }
            return new Failback(recovered, stableFor, approval, Failback.REVERSE);
        }

        /** Reverse failback undoes every changing step, so each must have an undo. */
        private void checkReverseCanUndoEverything() {
            for (ReadStep read : failoverOrder) {
                if (read.spec().changes() && !read.spec().undoable()) {
                    tree.error(
                            read.actionNode(),
                            read.path() + ".action",
                            read.spec().name() + " cannot be undone ("
                                    + read.spec().noUndo() + "), so failback steps: reverse cannot put step "
                                    + read.step().name()
                                    + " back; list the failback steps explicitly");
                }
            }
        }

        private void claimName(String name, Node at, String path) {
            if (name == null) {
                return;
            }
            Node previous = names.putIfAbsent(name, at);
            if (previous != null) {
                tree.error(
                        at,
                        path + ".name",
                        "\"" + name + "\" is already the name of the step at line "
                                + (previous.getStartMark().getLine() + 1) + "; step names must be unique");
            }
        }

        private boolean checkName(Node node, String path, String value) {
            if (NAME.matcher(value).matches()) {
                return true;
            }
            tree.error(
                    node,
                    path,
                    "\"" + value
                            + "\" is not a valid name (lower-case letters, digits and -, at most 63, e.g. move-traffic)");
            return false;
        }
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
