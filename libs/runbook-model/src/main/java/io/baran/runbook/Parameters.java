package io.baran.runbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The {@code spec.parameters} of a runbook, and the replacement of {@code ${name}} references in
 * {@code with:} values by their values. A value that is exactly one reference takes the parameter's value
 * with its type ({@code ttl: ${ttl}} stays a number); a reference inside a longer text is replaced by the
 * value's text. {@code $${} writes a literal {@code ${}.
 */
final class Parameters {

    static final Pattern NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]{0,62}");
    static final List<String> FIELDS = List.of("default", "description", "overridable");
    private static final Pattern WHOLE = Pattern.compile("\\$\\{([^}]*)}");

    private final YamlTree tree;
    private final Map<String, Node> values = new LinkedHashMap<>();
    /** Where each parameter is declared (its name), for errors about values a request sets. */
    private final Map<String, Node> declarations = new LinkedHashMap<>();

    private final List<Parameter> declared = new ArrayList<>();
    /** Declared, but with a default that has an error of its own: references to them are not reported again. */
    private final Set<String> broken = new LinkedHashSet<>();

    private Parameters(YamlTree tree) {
        this.tree = tree;
    }

    static Parameters none(YamlTree tree) {
        return new Parameters(tree);
    }

    /** Reads {@code spec.parameters}: {@code <name>: { default: <value>, description: <text>, overridable: <boolean> }}. */
    static Parameters read(YamlTree tree, Node node) {
        Parameters out = new Parameters(tree);
        tree.openMapping(node, "spec.parameters")
                .ifPresent(map -> map.forEach((name, definition) -> {
                    String path = "spec.parameters." + name;
                    if (!NAME.matcher(name).matches()) {
                        out.broken.add(name);
                        tree.error(
                                tree.keyNode(node, name),
                                path,
                                "\"" + name
                                        + "\" is not a valid parameter name (a letter, then letters, digits, _ or -)");
                        return;
                    }
                    var definitionFields = tree.mapping(definition, path, FIELDS);
                    if (definitionFields.isEmpty()) {
                        out.broken.add(name);
                    }
                    definitionFields.ifPresent(fields -> {
                        String description = Optional.ofNullable(fields.get("description"))
                                .flatMap(n -> tree.string(n, path + ".description"))
                                .orElse(null);
                        boolean overridable = Optional.ofNullable(fields.get("overridable"))
                                .flatMap(n -> tree.bool(n, path + ".overridable"))
                                .orElse(false);
                        Node value = fields.get("default");
                        if (value == null || YamlTree.isNull(value)) {
                            out.broken.add(name);
                            tree.error(
                                    definition, path + ".default", "is required: every parameter has a default value");
                            return;
                        }
                        Optional<Object> plain = plainValue(tree, value, path + ".default");
                        if (plain.isEmpty()) {
                            out.broken.add(name);
                        }
                        plain.ifPresent(v -> {
                            out.values.put(name, value);
                            out.declarations.put(name, tree.keyNode(node, name));
                            out.declared.add(new Parameter(name, description, v, overridable));
                        });
                    });
                }));
        return out;
    }

    /** A default is a text, whole number, boolean or list of texts: what a {@code with:} field can hold. */
    private static Optional<Object> plainValue(YamlTree tree, Node value, String path) {
        if (value instanceof MappingNode) {
            tree.error(value, path, "must be a text, number, boolean or list of texts, not a mapping");
            return Optional.empty();
        }
        if (value instanceof SequenceNode seq) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node item = seq.getValue().get(i);
                if (item instanceof ScalarNode s && s.getValue().contains("${")) {
                    tree.error(item, path + "[" + i + "]", "a parameter's value cannot refer to another parameter");
                    return Optional.empty();
                }
                Optional<String> text = tree.string(item, path + "[" + i + "]");
                if (text.isEmpty()) {
                    return Optional.empty();
                }
                items.add(text.get());
            }
            return Optional.of(items);
        }
        ScalarNode s = (ScalarNode) value;
        if (s.getValue().contains("${") && s.getTag().equals(Tag.STR)) {
            tree.error(value, path, "a parameter's value cannot refer to another parameter");
            return Optional.empty();
        }
        if (s.getTag().equals(Tag.INT)) {
            return tree.integer(value, path).map(v -> v);
        }
        if (s.getTag().equals(Tag.BOOL)) {
            return tree.bool(value, path).map(v -> v);
        }
        return tree.string(value, path).map(v -> v);
    }

    List<Parameter> declared() {
        return List.copyOf(declared);
    }

    /**
     * Replaces the values of declared parameters with those a request gives (a drill's or a failover's
     * {@code parameters}). The one place where a request's values are checked: each must name a declared
     * parameter marked {@code overridable: true} and have its default's kind (text, whole number, boolean, list
     * of texts); errors are placed at {@code spec.parameters}, naming the request.
     *
     * @param at where a name the runbook does not declare is reported: the {@code parameters} key, or the
     *           {@code spec} node when the runbook declares none
     */
    void override(Map<String, ?> overrides, Node at) {
        overrides.forEach((name, value) -> {
            String path = "spec.parameters";
            if (broken.contains(name)) {
                return;
            }
            int index = indexOf(name);
            if (index < 0) {
                String known = declared.isEmpty()
                        ? "; the runbook declares none"
                        : YamlTree.didYouMean(name, values.keySet()) + "; declared: "
                                + String.join(", ", values.keySet());
                tree.error(
                        at,
                        path,
                        "the request sets parameter " + name + ", which the runbook does not declare" + known);
                return;
            }
            Parameter parameter = declared.get(index);
            if (!parameter.overridable()) {
                tree.error(
                        declarations.get(name),
                        path + "." + name,
                        "parameter \"" + name + "\" is not overridable (mark it overridable: true in the runbook)");
                return;
            }
            Node node = values.get(name);
            Optional<Node> replaced = asNode(value, node);
            if (replaced.isEmpty() || !kind(value).equals(kind(parameter.defaultValue()))) {
                tree.error(
                        declarations.get(name),
                        path + "." + name,
                        "the request sets " + name + " to " + describe(value) + ", but its default ("
                                + describe(parameter.defaultValue()) + ") is " + kind(parameter.defaultValue())
                                + ", and the value must be too");
                return;
            }
            values.put(name, replaced.get());
            Object stored = value instanceof Integer || value instanceof Short ? ((Number) value).longValue() : value;
            declared.set(index, new Parameter(name, parameter.description(), stored, true));
        });
    }

    private int indexOf(String name) {
        for (int i = 0; i < declared.size(); i++) {
            if (declared.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The value as a node placed where the default is, so later errors about it point at the declaration. */
    private static Optional<Node> asNode(Object value, Node where) {
        if (value instanceof String text) {
            if (text.contains("${")) {
                return Optional.empty();
            }
            return Optional.of(new ScalarNode(
                    Tag.STR, text, where.getStartMark(), where.getEndMark(), DumperOptions.ScalarStyle.PLAIN));
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return Optional.of(new ScalarNode(
                    Tag.INT,
                    value.toString(),
                    where.getStartMark(),
                    where.getEndMark(),
                    DumperOptions.ScalarStyle.PLAIN));
        }
        if (value instanceof Boolean b) {
            return Optional.of(new ScalarNode(
                    Tag.BOOL, b.toString(), where.getStartMark(), where.getEndMark(), DumperOptions.ScalarStyle.PLAIN));
        }
        if (value instanceof List<?> list && list.stream().allMatch(v -> v instanceof String t && !t.contains("${"))) {
            List<Node> items = list.stream()
                    .<Node>map(v -> new ScalarNode(
                            Tag.STR,
                            (String) v,
                            where.getStartMark(),
                            where.getEndMark(),
                            DumperOptions.ScalarStyle.PLAIN))
                    .toList();
            return Optional.of(new SequenceNode(
                    Tag.SEQ, true, items, where.getStartMark(), where.getEndMark(), DumperOptions.FlowStyle.FLOW));
        }
        return Optional.empty();
    }

    private static String kind(Object value) {
        if (value instanceof String) {
            return "a text";
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return "a whole number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof List<?>) {
            return "a list of texts";
        }
        return "something else";
    }

    private static String describe(Object value) {
        if (value instanceof String text) {
            return "\"" + text + "\"";
        }
        return value == null ? "null" : value.toString();
    }

    /**
     * The value with every reference replaced, positioned where the reference is, or empty after reporting
     * a reference that cannot be replaced. {@code origins} learns which parameters each replaced node came from.
     */
    Optional<Node> substitute(Node value, String path, Map<Node, String> origins) {
        if (value instanceof SequenceNode seq) {
            List<Node> items = new ArrayList<>();
            boolean ok = true;
            boolean changed = false;
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node item = seq.getValue().get(i);
                Optional<Node> replaced = substitute(item, path + "[" + i + "]", origins);
                ok &= replaced.isPresent();
                changed |= replaced.isPresent() && replaced.get() != item;
                items.add(replaced.orElse(item));
            }
            if (!ok) {
                return Optional.empty();
            }
            return Optional.of(
                    changed
                            ? new SequenceNode(
                                    Tag.SEQ, true, items, seq.getStartMark(), seq.getEndMark(), seq.getFlowStyle())
                            : value);
        }
        if (!(value instanceof ScalarNode s)
                || !s.getTag().equals(Tag.STR)
                || !s.getValue().contains("${")) {
            return Optional.of(value);
        }
        String text = s.getValue();
        var whole = WHOLE.matcher(text);
        if (whole.matches()) {
            String name = whole.group(1).trim();
            Node parameter = lookUp(name, value, path);
            if (parameter == null) {
                return Optional.empty();
            }
            Node replaced = parameter instanceof SequenceNode list
                    ? new SequenceNode(
                            Tag.SEQ,
                            true,
                            list.getValue(),
                            value.getStartMark(),
                            value.getEndMark(),
                            list.getFlowStyle())
                    : new ScalarNode(
                            parameter.getTag(),
                            ((ScalarNode) parameter).getValue(),
                            value.getStartMark(),
                            value.getEndMark(),
                            DumperOptions.ScalarStyle.PLAIN);
            origins.put(replaced, name);
            return Optional.of(replaced);
        }
        StringBuilder out = new StringBuilder();
        Set<String> used = new LinkedHashSet<>();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    tree.error(
                            value,
                            path,
                            "\"" + text + "\" has a ${ without its closing } (write $${ for a literal ${)");
                    return Optional.empty();
                }
                String name = text.substring(i + 2, end).trim();
                Node parameter = lookUp(name, value, path);
                if (parameter == null) {
                    return Optional.empty();
                }
                if (!(parameter instanceof ScalarNode scalar)) {
                    tree.error(
                            value,
                            path,
                            "parameter " + name + " is a list, so it can only be the whole value (" + "${" + name
                                    + "}), not part of a text");
                    return Optional.empty();
                }
                out.append(scalar.getValue());
                used.add(name);
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        Node replaced = new ScalarNode(
                Tag.STR, out.toString(), value.getStartMark(), value.getEndMark(), DumperOptions.ScalarStyle.PLAIN);
        if (!used.isEmpty()) {
            origins.put(replaced, String.join(", ", used));
        }
        return Optional.of(replaced);
    }

    private Node lookUp(String name, Node at, String path) {
        if (name.isEmpty()) {
            tree.error(at, path, "${} names no parameter");
            return null;
        }
        Node parameter = values.get(name);
        if (parameter == null && !broken.contains(name)) {
            String known = declared.isEmpty()
                    ? "; spec.parameters declares none"
                    : YamlTree.didYouMean(name, values.keySet()) + "; declared: " + String.join(", ", values.keySet());
            tree.error(at, path, "${" + name + "} refers to no declared parameter" + known);
        }
        return parameter;
    }
}
