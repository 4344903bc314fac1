package io.baran.runbook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What an action accepts in its {@code with:} block, whether it changes anything (and so has an undo),
 * and whether this version of Baran implements it.
 *
 * @param fields      every key of {@code with}, in documentation order
 * @param changes     true when applying it changes the outside world; failback undoes such steps
 * @param implemented false for actions that are part of the format but not built yet: runbooks using them are refused at load
 */
public record ActionSpec(String name, String summary, Map<String, Field> fields, boolean changes, boolean implemented) {

    public enum Type { STRING, INT, BOOL, DURATION, STRING_OR_LIST }

    /** One key of a {@code with:} block. {@code allowed} is empty when any value of the type is accepted. */
    public record Field(String name, Type type, boolean required, String doc, Set<String> allowed) {
    }

    public static Builder builder(String name, String summary) {
        return new Builder(name, summary);
    }

    public static final class Builder {
        private final String name;
        private final String summary;
        private final Map<String, Field> fields = new LinkedHashMap<>();
        private boolean changes;
        private boolean implemented = true;

        private Builder(String name, String summary) {
            this.name = name;
            this.summary = summary;
        }

        public Builder required(String field, Type type, String doc) {
            fields.put(field, new Field(field, type, true, doc, Set.of()));
            return this;
        }

        public Builder optional(String field, Type type, String doc) {
            fields.put(field, new Field(field, type, false, doc, Set.of()));
            return this;
        }

        public Builder oneOf(String field, boolean required, String doc, String... allowed) {
            fields.put(field, new Field(field, Type.STRING, required, doc, Set.of(allowed)));
            return this;
        }

        public Builder changes() {
            this.changes = true;
            return this;
        }

        public Builder notImplementedYet() {
            this.implemented = false;
            return this;
        }

        public ActionSpec build() {
            return new ActionSpec(name, summary, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields)), changes, implemented);
        }
    }
}
