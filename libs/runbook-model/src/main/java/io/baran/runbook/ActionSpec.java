package io.baran.runbook;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an action accepts in its {@code with:} block, whether it changes anything (and so has an undo),
 * and whether this version of Baran implements it. The JSON Schema and the runbook reference are generated
 * from these, so they say exactly what the parser accepts.
 *
 * @param fields      every key of {@code with}, in documentation order
 * @param changes     true when applying it changes the outside world; failback undoes such steps
 * @param implemented false for actions that are part of the format but not built yet: runbooks using them are refused at load
 * @param capability  what a provider named by the step must be able to do; null when the action names no provider
 * @param noUndo      why a changing action cannot be undone (failback must then be an explicit list); null when it can
 * @param controlFlow true for actions the workflow interpreter runs itself ({@code wait}, {@code approval}): no
 *                    worker hosts them, and they never call a provider
 * @param undoIs      what undoing it does, when that is more than restoring what the plan observed; null otherwise
 */
public record ActionSpec(
        String name,
        String summary,
        Map<String, Field> fields,
        boolean changes,
        boolean implemented,
        Capability capability,
        String noUndo,
        boolean controlFlow,
        String undoIs) {

    public enum Type {
        STRING,
        INT,
        BOOL,
        DURATION,
        STRING_OR_LIST,
        /** A mapping of names to whole numbers, each between the field's min and max, e.g. weights by set identifier. */
        NUMBER_MAP,
        /** The name of a configured provider; checked against the provider list and the action's capability. */
        PROVIDER
    }

    /**
     * One key of a {@code with:} block. {@code allowed} is empty when any value of the type is accepted;
     * {@code min} and {@code max} bound INT fields (null: unbounded). {@code defaultValue} is what an optional
     * field means when it is left out (null: nothing, the field is simply absent), of the type the field binds
     * to: a Long for INT, a Boolean for BOOL, the text for STRING and DURATION.
     */
    public record Field(
            String name,
            Type type,
            boolean required,
            String doc,
            Set<String> allowed,
            Long min,
            Long max,
            Object defaultValue) {
        public Field {
            allowed = Collections.unmodifiableSet(new LinkedHashSet<>(allowed));
        }

        public Field(String name, Type type, boolean required, String doc, Set<String> allowed, Long min, Long max) {
            this(name, type, required, doc, allowed, min, max, null);
        }

        Field withDefault(Object value) {
            return new Field(name, type, required, doc, allowed, min, max, value);
        }
    }

    /** True when failback can undo what the action changed. */
    public boolean undoable() {
        return changes && noUndo == null;
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
        private Capability capability;
        private String noUndo;
        private boolean controlFlow;
        private String undoIs;

        private Builder(String name, String summary) {
            this.name = name;
            this.summary = summary;
        }

        public Builder required(String field, Type type, String doc) {
            fields.put(field, new Field(field, type, true, doc, Set.of(), null, null));
            return this;
        }

        public Builder optional(String field, Type type, String doc) {
            fields.put(field, new Field(field, type, false, doc, Set.of(), null, null));
            return this;
        }

        /** A whole number between {@code min} and {@code max}, inclusive. */
        public Builder number(String field, boolean required, long min, long max, String doc) {
            fields.put(field, new Field(field, Type.INT, required, doc, Set.of(), min, max));
            return this;
        }

        /** A non-empty mapping of names to whole numbers, each between {@code min} and {@code max}, inclusive. */
        public Builder numberMap(String field, boolean required, long min, long max, String doc) {
            fields.put(field, new Field(field, Type.NUMBER_MAP, required, doc, Set.of(), min, max));
            return this;
        }

        public Builder oneOf(String field, boolean required, String doc, String... allowed) {
            fields.put(
                    field,
                    new Field(field, Type.STRING, required, doc, new LinkedHashSet<>(List.of(allowed)), null, null));
            return this;
        }

        /** A required field naming a provider that has {@code needs}. */
        public Builder provider(String field, Capability needs, String doc) {
            fields.put(field, new Field(field, Type.PROVIDER, true, doc, Set.of(), null, null));
            return needs(needs);
        }

        /** The capability providers named by the step need, for actions that name them in their own way. */
        public Builder needs(Capability needs) {
            this.capability = needs;
            return this;
        }

        public Builder changes() {
            this.changes = true;
            return this;
        }

        /**
         * Changes something whose undo is more than restoring what the plan observed; {@code undoIs} says what it does
         * (the reference shows it).
         */
        public Builder changesUndoneBy(String undoIs) {
            this.changes = true;
            this.undoIs = undoIs;
            return this;
        }

        /** Changes something that cannot be put back; {@code why} is shown when a failback would have to. */
        public Builder changesWithoutUndo(String why) {
            this.changes = true;
            this.noUndo = why;
            return this;
        }

        /**
         * What the optional {@code field}, already declared, means when it is left out. Checked against the
         * field's type and limits when the spec is built, so a default can never be a value the runbook could not
         * have written.
         */
        public Builder defaultsTo(String field, Object value) {
            Field declared = fields.get(field);
            if (declared == null || declared.required()) {
                throw new IllegalStateException(name + ": only a declared optional field has a default, not " + field);
            }
            fields.put(field, declared.withDefault(value));
            return this;
        }

        /** Run by the workflow interpreter itself (a pause, a person's decision), never by a worker. */
        public Builder controlFlow() {
            this.controlFlow = true;
            return this;
        }

        public Builder notImplementedYet() {
            this.implemented = false;
            return this;
        }

        public ActionSpec build() {
            fields.values().forEach(this::checkDefault);
            if (controlFlow && (changes || capability != null)) {
                throw new IllegalStateException(
                        name + ": a control-flow action neither changes anything nor needs a provider");
            }
            return new ActionSpec(
                    name,
                    summary,
                    Collections.unmodifiableMap(new LinkedHashMap<>(fields)),
                    changes,
                    implemented,
                    capability,
                    noUndo,
                    controlFlow,
                    undoIs);
        }

        private void checkDefault(Field field) {
            Object value = field.defaultValue();
            if (value == null) {
                return;
            }
            boolean fits = switch (field.type()) {
                case INT ->
                    value instanceof Long n
                            && (field.min() == null || n >= field.min())
                            && (field.max() == null || n <= field.max());
                case BOOL -> value instanceof Boolean;
                case DURATION ->
                    value instanceof String text && Durations.tryParse(text).isPresent();
                case STRING ->
                    value instanceof String text
                            && (field.allowed().isEmpty() || field.allowed().contains(text));
                default -> false;
            };
            if (!fits) {
                throw new IllegalStateException(name + ": the default of " + field.name() + " (" + value
                        + ") is not a valid " + field.type() + " value for it");
            }
        }
    }
}
