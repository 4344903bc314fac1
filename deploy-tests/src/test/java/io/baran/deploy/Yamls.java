package io.baran.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** YAML as plain maps and lists, merge keys ({@code <<: *anchor}) resolved, as docker compose reads it. */
final class Yamls {

    private Yamls() {}

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(100);
        return new Yaml(new SafeConstructor(options));
    }

    static Map<String, Object> load(String text) {
        Object doc = yaml().load(text);
        return map(doc, "the document");
    }

    /** Every non-empty document of a multi-document stream (kustomize output). */
    static List<Map<String, Object>> loadAll(String text) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(text)) {
            if (doc != null) {
                docs.add(map(doc, "a document"));
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String what) {
        if (value == null) {
            return new LinkedHashMap<>();
        }
        if (!(value instanceof Map)) {
            throw new IllegalStateException(
                    what + " is not a mapping but " + value.getClass().getSimpleName() + ": " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String what) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List)) {
            throw new IllegalStateException(
                    what + " is not a list but " + value.getClass().getSimpleName() + ": " + value);
        }
        return (List<Object>) value;
    }

    /** The value at a path of keys, or null where any step is missing. */
    static Object at(Object root, String... path) {
        Object current = root;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    static String string(Object value) {
        return value == null ? null : Objects.toString(value);
    }
}
