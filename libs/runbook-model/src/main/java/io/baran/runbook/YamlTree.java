package io.baran.runbook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads values out of a composed YAML tree and records an error, with its position, for every value
 * that is missing or of the wrong shape. Callers keep going after an error so one pass finds them all.
 */
final class YamlTree {

    private final String file;
    private final List<RunbookError> errors = new ArrayList<>();

    YamlTree(String file) {
        this.file = file;
    }

    List<RunbookError> errors() {
        return errors;
    }

    void error(Node at, String path, String message) {
        if (at == null || at.getStartMark() == null) {
            errors.add(new RunbookError(file, 0, 0, path, message));
        } else {
            errors.add(new RunbookError(
                    file, at.getStartMark().getLine() + 1, at.getStartMark().getColumn() + 1, path, message));
        }
    }

    /** The node as a mapping whose keys are all among {@code known}; reports unknown and repeated keys. */
    Optional<Map<String, Node>> mapping(Node node, String path, Collection<String> known) {
        if (!(node instanceof MappingNode map)) {
            error(node, path, "must be a mapping (key: value), not " + describe(node));
            return Optional.empty();
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode key)) {
                error(keyNode, path, "keys must be plain names");
                continue;
            }
            String name = key.getValue();
            String fieldPath = join(path, name);
            if (!known.contains(name)) {
                error(keyNode, fieldPath, "unknown field" + didYouMean(name, known) + knownList(known));
                continue;
            }
            if (out.putIfAbsent(name, tuple.getValueNode()) != null) {
                error(keyNode, fieldPath, "appears twice");
            }
        }
        return Optional.of(out);
    }

    /** The key node of {@code key} in a mapping node, or the mapping itself when it is not there. */
    Node keyNode(Node mapping, String key) {
        if (mapping instanceof MappingNode map) {
            for (NodeTuple tuple : map.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return k;
                }
            }
        }
        return mapping;
    }

    /** Every key of a mapping without checking names (for open blocks such as {@code with:}). */
    Optional<Map<String, Node>> openMapping(Node node, String path) {
        if (!(node instanceof MappingNode)) {
            error(node, path, "must be a mapping (key: value), not " + describe(node));
            return Optional.empty();
        }
        return mapping(node, path, new AnyKey());
    }

    Optional<List<Node>> sequence(Node node, String path) {
        if (!(node instanceof SequenceNode seq)) {
            error(node, path, "must be a list, not " + describe(node));
            return Optional.empty();
        }
        return Optional.of(seq.getValue());
    }

    Optional<Node> required(Map<String, Node> map, Node mapNode, String path, String key) {
        Node value = map.get(key);
        if (value == null || isNull(value)) {
            error(mapNode, join(path, key), "is required");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    Optional<String> string(Node node, String path) {
        if (node instanceof ScalarNode s && !isNull(node)) {
            if (s.getTag().equals(Tag.STR)
                    || s.getTag().equals(Tag.INT)
                    || s.getTag().equals(Tag.FLOAT)) {
                return Optional.of(s.getValue());
            }
        }
        error(node, path, "must be a text, not " + describe(node));
        return Optional.empty();
    }

    Optional<String> oneOf(Node node, String path, Set<String> allowed) {
        return string(node, path).filter(v -> {
            if (allowed.contains(v)) {
                return true;
            }
            error(
                    node,
                    path,
                    "\"" + v + "\" is not one of "
                            + String.join(", ", allowed.stream().sorted().toList()) + didYouMean(v, allowed));
            return false;
        });
    }

    Optional<Long> integer(Node node, String path) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            String digits = s.getValue().replace("_", "");
            if (!digits.matches("[-+]?[0-9]+")) {
                // YAML 1.1 also reads 0x1F, 0o17, 0b101 and 1:30 as integers; a runbook writes decimal digits.
                error(node, path, "\"" + s.getValue() + "\" must be written in decimal digits, such as 3");
                return Optional.empty();
            }
            try {
                return Optional.of(Long.parseLong(digits));
            } catch (NumberFormatException e) {
                error(node, path, "\"" + s.getValue() + "\" is too large");
                return Optional.empty();
            }
        }
        error(node, path, "must be a whole number, not " + describe(node));
        return Optional.empty();
    }

    Optional<Boolean> bool(Node node, String path) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            return Optional.of(Boolean.parseBoolean(s.getValue().toLowerCase())
                    || s.getValue().equalsIgnoreCase("yes")
                    || s.getValue().equalsIgnoreCase("on"));
        }
        error(node, path, "must be true or false, not " + describe(node));
        return Optional.empty();
    }

    Optional<String> duration(Node node, String path) {
        if (node instanceof ScalarNode s && !isNull(node)) {
            Optional<java.time.Duration> parsed = Durations.tryParse(s.getValue());
            if (parsed.isPresent() && parsed.get().compareTo(Durations.MAX) > 0) {
                error(
                        node,
                        path,
                        "\"" + s.getValue() + "\" is longer than " + Durations.MAX_TEXT
                                + ", the longest duration a runbook may name");
                return Optional.empty();
            }
            if (parsed.isPresent()) {
                return Optional.of(s.getValue());
            }
            error(
                    node,
                    path,
                    "\"" + s.getValue() + "\" is not a duration (use " + Durations.suggest(s.getValue()) + ")");
            return Optional.empty();
        }
        error(node, path, "must be a duration such as 30s, 5m or 24h, not " + describe(node));
        return Optional.empty();
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    static String describe(Node node) {
        if (node == null) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        if (s.getTag().equals(Tag.NULL)) {
            return "empty";
        }
        if (s.getTag().equals(Tag.BOOL)) {
            return "the boolean " + s.getValue();
        }
        if (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT)) {
            return "the number " + s.getValue();
        }
        return "the text \"" + s.getValue() + "\"";
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String didYouMean(String value, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(value.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        int tolerance = Math.max(1, Math.min(3, value.length() / 3));
        return best != null && bestDistance <= tolerance ? " (did you mean " + best + "?)" : "";
    }

    private static String knownList(Collection<String> known) {
        if (known instanceof AnyKey) {
            return "";
        }
        return "; known fields: " + String.join(", ", known);
    }

    /** Edits (insert, delete, replace, swap two neighbours) that turn a into b: "tset" is one swap from "test". */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** A key set that accepts every name. */
    private static final class AnyKey extends HashSet<String> {
        @Override
        public boolean contains(Object o) {
            return true;
        }
    }
}
