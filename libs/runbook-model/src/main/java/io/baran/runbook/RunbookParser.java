package io.baran.runbook;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads runbook YAML into a {@link Runbook}, reporting every error it finds in one pass, each with file,
 * line, column and field path. Nothing of a runbook with errors is returned.
 */
public final class RunbookParser {

    public static final String API_VERSION = "baran.io/v1";
    public static final String KIND = "Runbook";
    /** Runbooks are small; anything larger is refused before it is parsed. */
    public static final int MAX_BYTES = 256 * 1024;

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern SCOPE = Pattern.compile("[a-z0-9][a-z0-9.-]*(/[a-z0-9][a-z0-9._-]*)*");
    private static final Set<String> APPROVALS = Set.of("none", "required");
    private static final Set<String> ON_FAILURE = Set.of("compensate", "hold", "continue");

    private final ActionCatalog catalog;

    public RunbookParser(ActionCatalog catalog) {
        this.catalog = catalog;
    }

    public RunbookParser() {
        this(ActionCatalog.standard());
    }

    /** The runbook, or {@link RunbookInvalidException} with every error. */
    public Runbook parse(String file, String yaml) {
        YamlTree tree = new YamlTree(file);
        Runbook runbook = read(tree, file, yaml);
        if (!tree.errors().isEmpty()) {
            throw new RunbookInvalidException(inReadingOrder(tree.errors()));
        }
        return runbook;
    }

    /** Every error of the text, empty when the runbook is valid. */
    public List<RunbookError> validate(String file, String yaml) {
        YamlTree tree = new YamlTree(file);
        read(tree, file, yaml);
        return inReadingOrder(tree.errors());
    }

    /** Errors sorted as a person reads the file: by line, then column. */
    private static List<RunbookError> inReadingOrder(List<RunbookError> errors) {
        return errors.stream().sorted(java.util.Comparator.comparingInt(RunbookError::line)
                .thenComparingInt(RunbookError::column)).toList();
    }

    private Runbook read(YamlTree tree, String file, String yaml) {
        if (yaml.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            tree.error(null, "", "is larger than " + MAX_BYTES / 1024 + " KiB; a runbook should be a few kilobytes");
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
            options.setNestingDepthLimit(30);
            options.setCodePointLimit(MAX_BYTES);
            root = new Yaml(options).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            tree.errors().add(new RunbookError(file, mark == null ? 0 : mark.getLine() + 1,
                    mark == null ? 0 : mark.getColumn() + 1, "", "YAML syntax: " + problem));
            return null;
        } catch (YAMLException e) {
            tree.error(null, "", "YAML syntax: " + e.getMessage());
            return null;
        }
        if (root == null) {
            tree.error(null, "", "is empty; a runbook starts with apiVersion: " + API_VERSION);
            return null;
        }
        return readRunbook(tree, file, yaml, root);
    }

    private Runbook readRunbook(YamlTree tree, String file, String yaml, Node root) {
        var top = tree.mapping(root, "", List.of("apiVersion", "kind", "metadata", "spec"));
        if (top.isEmpty()) {
            return null;
        }
        Map<String, Node> doc = top.get();
        tree.required(doc, root, "", "apiVersion").flatMap(n -> tree.string(n, "apiVersion")).ifPresent(v -> {
            if (!API_VERSION.equals(v)) {
                tree.error(doc.get("apiVersion"), "apiVersion", "\"" + v + "\" is not supported (use " + API_VERSION + ")");
            }
        });
        tree.required(doc, root, "", "kind").flatMap(n -> tree.string(n, "kind")).ifPresent(v -> {
            if (!KIND.equals(v)) {
                tree.error(doc.get("kind"), "kind", "\"" + v + "\" is not supported (use " + KIND + ")");
            }
        });

        String name = null;
        String description = null;
        Optional<Node> metadataNode = tree.required(doc, root, "", "metadata");
        if (metadataNode.isPresent()) {
            var metadata = tree.mapping(metadataNode.get(), "metadata", List.of("name", "description", "labels"));
            if (metadata.isPresent()) {
                name = tree.required(metadata.get(), metadataNode.get(), "metadata", "name")
                        .flatMap(n -> tree.string(n, "metadata.name"))
                        .filter(v -> checkName(tree, metadata.get().get("name"), "metadata.name", v)).orElse(null);
                description = Optional.ofNullable(metadata.get().get("description"))
                        .flatMap(n -> tree.string(n, "metadata.description")).orElse(null);
            }
        }

        Optional<Node> specNode = tree.required(doc, root, "", "spec");
        if (specNode.isEmpty()) {
            return null;
        }
        var specOpt = tree.mapping(specNode.get(), "spec", List.of("protects", "trigger", "failover", "failback"));
        if (specOpt.isEmpty()) {
            return null;
        }
        Map<String, Node> spec = specOpt.get();
        String protects = tree.required(spec, specNode.get(), "spec", "protects")
                .flatMap(n -> tree.string(n, "spec.protects"))
                .filter(v -> checkName(tree, spec.get("protects"), "spec.protects", v)).orElse(null);
        Trigger trigger = Optional.ofNullable(spec.get("trigger")).map(n -> readTrigger(tree, n)).orElse(null);

        List<Step> failover = new ArrayList<>();
        Map<String, Node> stepNames = new HashMap<>();
        tree.required(spec, specNode.get(), "spec", "failover").flatMap(n -> tree.sequence(n, "spec.failover")).ifPresent(items -> {
            if (items.isEmpty()) {
                tree.error(spec.get("failover"), "spec.failover", "needs at least one step");
            }
            for (int i = 0; i < items.size(); i++) {
                readStep(tree, items.get(i), "spec.failover[" + i + "]", stepNames, true).ifPresent(failover::add);
            }
        });
        Failback failback = Optional.ofNullable(spec.get("failback")).map(n -> readFailback(tree, n)).orElse(Failback.DEFAULT);

        return new Runbook(name, description, protects, trigger, failover, failback, sha256(yaml), file);
    }

    private Trigger readTrigger(YamlTree tree, Node node) {
        var map = tree.mapping(node, "spec.trigger", List.of("outage", "approval"));
        if (map.isEmpty()) {
            return null;
        }
        String approval = Optional.ofNullable(map.get().get("approval"))
                .flatMap(n -> tree.oneOf(n, "spec.trigger.approval", APPROVALS)).orElse("none");
        Node outageNode = map.get().get("outage");
        if (outageNode == null) {
            return new Trigger(null, List.of(), approval);
        }
        var outage = tree.mapping(outageNode, "spec.trigger.outage", List.of("scope", "services"));
        if (outage.isEmpty()) {
            return null;
        }
        String scope = tree.required(outage.get(), outageNode, "spec.trigger.outage", "scope")
                .flatMap(n -> tree.string(n, "spec.trigger.outage.scope")).filter(v -> {
                    if (SCOPE.matcher(v).matches()) {
                        return true;
                    }
                    tree.error(outage.get().get("scope"), "spec.trigger.outage.scope",
                            "\"" + v + "\" is not a scope (lower-case parts separated by /, e.g. aws/us-east-1)");
                    return false;
                }).orElse(null);
        List<String> services = new ArrayList<>();
        Optional.ofNullable(outage.get().get("services")).flatMap(n -> tree.sequence(n, "spec.trigger.outage.services"))
                .ifPresent(items -> {
                    for (int i = 0; i < items.size(); i++) {
                        tree.string(items.get(i), "spec.trigger.outage.services[" + i + "]").ifPresent(services::add);
                    }
                });
        return new Trigger(scope, services, approval);
    }

    private Optional<Step> readStep(YamlTree tree, Node node, String path, Map<String, Node> names, boolean topLevel) {
        var mapOpt = tree.mapping(node, path, List.of("name", "action", "with", "parallel", "timeout", "onFailure"));
        if (mapOpt.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Node> map = mapOpt.get();
        if (map.containsKey("parallel")) {
            return readParallel(tree, node, path, map, names, topLevel);
        }
        String name = tree.required(map, node, path, "name").flatMap(n -> tree.string(n, path + ".name"))
                .filter(v -> checkName(tree, map.get("name"), path + ".name", v)).orElse(null);
        if (name != null) {
            Node previous = names.putIfAbsent(name, map.get("name"));
            if (previous != null) {
                tree.error(map.get("name"), path + ".name", "\"" + name + "\" is already the name of the step at line "
                        + (previous.getStartMark().getLine() + 1) + "; step names must be unique");
            }
        }
        String timeout = Optional.ofNullable(map.get("timeout")).flatMap(n -> tree.duration(n, path + ".timeout")).orElse(null);
        String onFailure = Optional.ofNullable(map.get("onFailure"))
                .flatMap(n -> tree.oneOf(n, path + ".onFailure", ON_FAILURE)).orElse(null);

        Optional<Node> actionNode = tree.required(map, node, path, "action");
        Optional<ActionSpec> spec = actionNode.flatMap(n -> tree.string(n, path + ".action")).flatMap(a -> {
            Optional<ActionSpec> found = catalog.find(a);
            if (found.isEmpty()) {
                tree.error(actionNode.get(), path + ".action", "unknown action \"" + a + "\""
                        + YamlTree.didYouMean(a, catalog.all().stream().map(ActionSpec::name).toList())
                        + "; actions: " + String.join(", ", catalog.all().stream().map(ActionSpec::name).toList()));
            } else if (!found.get().implemented()) {
                tree.error(actionNode.get(), path + ".action", "action \"" + a + "\" is part of the runbook format but not implemented yet");
            }
            return found;
        });
        Map<String, Object> with = new LinkedHashMap<>();
        Node withNode = map.get("with");
        if (spec.isPresent()) {
            with = readWith(tree, node, withNode, path + ".with", spec.get());
        } else if (withNode != null) {
            tree.openMapping(withNode, path + ".with");
        }
        if (name == null || spec.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Step(name, spec.get().name(), with, List.of(), timeout, onFailure));
    }

    private Optional<Step> readParallel(YamlTree tree, Node node, String path, Map<String, Node> map,
                                        Map<String, Node> names, boolean topLevel) {
        for (String field : List.of("action", "with", "timeout")) {
            if (map.containsKey(field)) {
                tree.error(map.get(field), path + "." + field, "a parallel group has no " + field + "; put it on its steps");
            }
        }
        if (!topLevel) {
            tree.error(map.get("parallel"), path + ".parallel", "parallel groups cannot be nested");
            return Optional.empty();
        }
        String name = Optional.ofNullable(map.get("name")).flatMap(n -> tree.string(n, path + ".name")).orElse(null);
        List<Step> children = new ArrayList<>();
        Optional<List<Node>> items = tree.sequence(map.get("parallel"), path + ".parallel");
        if (items.isEmpty()) {
            return Optional.empty();
        }
        if (items.get().size() < 2) {
            tree.error(map.get("parallel"), path + ".parallel", "needs at least two steps (a single step needs no parallel group)");
        }
        boolean ok = true;
        for (int i = 0; i < items.get().size(); i++) {
            Optional<Step> child = readStep(tree, items.get().get(i), path + ".parallel[" + i + "]", names, false);
            ok &= child.isPresent();
            child.ifPresent(children::add);
        }
        if (!ok || children.size() < 2) {
            return Optional.empty();
        }
        return Optional.of(new Step(name, null, Map.of(), children, null, null));
    }

    private Map<String, Object> readWith(YamlTree tree, Node stepNode, Node withNode, String path, ActionSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Node> given;
        if (withNode == null || YamlTree.isNull(withNode)) {
            given = Map.of();
        } else {
            var parsed = tree.mapping(withNode, path, spec.fields().keySet().stream().sorted().toList());
            if (parsed.isEmpty()) {
                return out;
            }
            given = parsed.get();
        }
        for (ActionSpec.Field field : spec.fields().values()) {
            Node value = given.get(field.name());
            String fieldPath = path + "." + field.name();
            if (value == null || YamlTree.isNull(value)) {
                if (field.required()) {
                    tree.error(withNode == null ? stepNode : withNode, fieldPath, "is required by " + spec.name() + " (" + field.doc() + ")");
                }
                continue;
            }
            Optional<?> parsed = switch (field.type()) {
                case STRING -> field.allowed().isEmpty() ? tree.string(value, fieldPath) : tree.oneOf(value, fieldPath, field.allowed());
                case INT -> tree.integer(value, fieldPath);
                case BOOL -> tree.bool(value, fieldPath);
                case DURATION -> tree.duration(value, fieldPath);
                case STRING_OR_LIST -> readStringOrList(tree, value, fieldPath);
            };
            parsed.ifPresent(v -> out.put(field.name(), v));
        }
        return out;
    }

    private Optional<Object> readStringOrList(YamlTree tree, Node value, String path) {
        if (value instanceof ScalarNode) {
            return tree.string(value, path).map(v -> v);
        }
        return tree.sequence(value, path).map(items -> {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                tree.string(items.get(i), path + "[" + i + "]").ifPresent(values::add);
            }
            if (items.isEmpty()) {
                tree.error(value, path, "needs at least one value");
            }
            return values;
        });
    }

    private Failback readFailback(YamlTree tree, Node node) {
        var map = tree.mapping(node, "spec.failback", List.of("when", "approval", "steps"));
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
                        .flatMap(n -> tree.bool(n, "spec.failback.when.recovered")).orElse(true);
                stableFor = Optional.ofNullable(when.get().get("stableFor"))
                        .flatMap(n -> tree.duration(n, "spec.failback.when.stableFor")).orElse(null);
            }
        }
        String approval = Optional.ofNullable(map.get().get("approval"))
                .flatMap(n -> tree.oneOf(n, "spec.failback.approval", APPROVALS)).orElse(null);
        String steps = Optional.ofNullable(map.get().get("steps")).flatMap(n -> {
            if (n instanceof ScalarNode s && s.getTag().equals(Tag.STR) && !"reverse".equals(s.getValue())) {
                tree.error(n, "spec.failback.steps", "\"" + s.getValue() + "\" is not supported; use reverse "
                        + "(an explicit list of failback steps is not implemented yet)");
                return Optional.empty();
            }
            return tree.oneOf(n, "spec.failback.steps", Set.of("reverse"));
        }).orElse(null);
        return new Failback(recovered, stableFor, approval, steps);
    }

    private static boolean checkName(YamlTree tree, Node node, String path, String value) {
        if (NAME.matcher(value).matches()) {
            return true;
        }
        tree.error(node, path, "\"" + value + "\" is not a valid name (lower-case letters, digits and -, at most 63, e.g. move-traffic)");
        return false;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
