package io.baran.runbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A step's {@code with:} block as an action binds it: typed reads of its fields, each error recorded with
 * the field's position and path. Parameter references are already replaced by their values; an error in
 * such a value says which parameter it came from.
 */
public final class WithBlock {

    private final YamlTree tree;
    private final String path;
    private final Node missingAt;
    private final Map<String, Node> fields;
    private final Map<Node, String> fromParameter;
    private final Set<String> unresolved;

    /**
     * @param unresolved fields whose parameter reference could not be replaced (already reported): present,
     *                   but without a value
     */
    WithBlock(
            YamlTree tree,
            String path,
            Node missingAt,
            Map<String, Node> fields,
            Map<Node, String> fromParameter,
            Set<String> unresolved) {
        this.tree = tree;
        this.path = path;
        this.missingAt = missingAt;
        this.fields = fields;
        this.fromParameter = fromParameter;
        this.unresolved = unresolved;
    }

    /** The block's path, e.g. {@code spec.failover[2].with}. */
    public String path() {
        return path;
    }

    public boolean has(String field) {
        if (unresolved.contains(field)) {
            return true;
        }
        Node node = fields.get(field);
        return node != null && !YamlTree.isNull(node);
    }

    /** Reports an error at the field's value. */
    public void error(String field, String message) {
        Node node = fields.get(field);
        tree.error(node == null ? missingAt : node, path + "." + field, message + origin(node));
    }

    void missing(String field, String message) {
        tree.error(missingAt, path + "." + field, message);
    }

    public Optional<String> string(String field) {
        return read(field, (node, p) -> tree.string(node, p));
    }

    public Optional<String> oneOf(String field, Set<String> allowed) {
        return read(field, (node, p) -> tree.oneOf(node, p, allowed));
    }

    public Optional<Long> integer(String field) {
        return read(field, (node, p) -> tree.integer(node, p));
    }

    public Optional<Boolean> bool(String field) {
        return read(field, (node, p) -> tree.bool(node, p));
    }

    public Optional<String> duration(String field) {
        return read(field, (node, p) -> tree.duration(node, p));
    }

    /** A text, or a non-empty list of texts. */
    public Optional<Object> stringOrList(String field) {
        return read(field, (node, p) -> {
            if (node instanceof ScalarNode) {
                return tree.string(node, p).map(v -> (Object) v);
            }
            return tree.sequence(node, p).map(items -> {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    tree.string(items.get(i), p + "[" + i + "]").ifPresent(values::add);
                }
                if (items.isEmpty()) {
                    tree.error(node, p, "needs at least one value");
                }
                return (Object) values;
            });
        });
    }

    /** A non-empty mapping of names to whole numbers, each between {@code min} and {@code max}; in the order written. */
    public Optional<Map<String, Long>> numberMap(String field, long min, long max) {
        return read(
                field,
                (node, p) -> tree.openMapping(node, p).flatMap(entries -> {
                    Map<String, Long> values = new LinkedHashMap<>();
                    boolean valid = true;
                    for (Map.Entry<String, Node> entry : entries.entrySet()) {
                        String at = p + "." + entry.getKey();
                        Optional<Long> n = tree.integer(entry.getValue(), at);
                        if (n.isPresent() && (n.get() < min || n.get() > max)) {
                            tree.error(entry.getValue(), at, n.get() + " is out of range (" + min + " to " + max + ")");
                            n = Optional.empty();
                        }
                        n.ifPresent(v -> values.put(entry.getKey(), v));
                        valid &= n.isPresent();
                    }
                    if (entries.isEmpty()) {
                        tree.error(node, p, "needs at least one entry");
                    }
                    return valid && !entries.isEmpty() ? Optional.of(values) : Optional.empty();
                }));
    }

    private interface Reader<T> {
        Optional<T> read(Node node, String path);
    }

    private <T> Optional<T> read(String field, Reader<T> reader) {
        Node node = fields.get(field);
        if (node == null || YamlTree.isNull(node) || unresolved.contains(field)) {
            return Optional.empty();
        }
        int before = tree.errors().size();
        Optional<T> value = reader.read(node, path + "." + field);
        String origin = origin(node);
        if (!origin.isEmpty()) {
            for (int i = before; i < tree.errors().size(); i++) {
                RunbookError e = tree.errors().get(i);
                tree.errors().set(i, new RunbookError(e.file(), e.line(), e.column(), e.path(), e.message() + origin));
            }
        }
        return value;
    }

    private String origin(Node node) {
        String parameter = node == null ? null : fromParameter.get(node);
        return parameter == null ? "" : " (the value of parameter " + parameter + ")";
    }
}
