package io.baran.runbook;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A step's {@code with:} block bound by its action's class ({@link ActionType#bind(Map)}): the values that
 * passed the action's checks, read by field with the action's defaults applied. This is how a worker reads a
 * step, so the fields, types, limits, defaults and checks it acts on are the ones a runbook is validated
 * against when it is loaded. Reading a field the action does not declare, or as another type, is a
 * programming error and throws. {@link #unread()} says which declared fields nobody asked for, so a test can
 * prove a reader binds every field.
 */
public final class BoundWith {

    private final ActionSpec spec;
    private final Map<String, Object> values;
    private final List<RunbookError> errors;
    private final Set<String> read = new LinkedHashSet<>();

    BoundWith(ActionSpec spec, Map<String, Object> values, List<RunbookError> errors) {
        this.spec = spec;
        this.values = Collections.unmodifiableMap(values);
        this.errors = List.copyOf(errors);
    }

    public ActionSpec spec() {
        return spec;
    }

    /** Every violation, each with its field's path ({@code with.ttl}); empty when the block is valid. */
    public List<RunbookError> errors() {
        return errors;
    }

    /** The violations as {@code with.ttl 0 is out of range (1 to 604800)}, for a message without a file. */
    public List<String> problems() {
        return errors.stream().map(e -> e.path() + " " + e.message()).toList();
    }

    public boolean valid() {
        return errors.isEmpty();
    }

    /** A text (or one-of) field; its default when left out; null when it is optional, has none and is left out. */
    public String text(String field) {
        return (String) value(field, ActionSpec.Type.STRING, ActionSpec.Type.PROVIDER);
    }

    public Optional<String> optionalText(String field) {
        return Optional.ofNullable(text(field));
    }

    /** A whole-number field, or its default. */
    public long number(String field) {
        return (Long) required(field, value(field, ActionSpec.Type.INT));
    }

    /** A true/false field, or its default. */
    public boolean flag(String field) {
        return (Boolean) required(field, value(field, ActionSpec.Type.BOOL));
    }

    /** A duration field as written (e.g. {@code 24h}), or its default; null when optional without one and left out. */
    public String durationText(String field) {
        return (String) value(field, ActionSpec.Type.DURATION);
    }

    public Duration duration(String field) {
        return Durations.parse((String) required(field, durationText(field)));
    }

    /** A text-or-list field, always as a list. */
    public List<String> texts(String field) {
        Object value = value(field, ActionSpec.Type.STRING_OR_LIST);
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> list
                ? list.stream().map(String::valueOf).toList()
                : List.of(String.valueOf(value));
    }

    /** A mapping of names to whole numbers, in the order written. */
    @SuppressWarnings("unchecked")
    public Map<String, Long> numbers(String field) {
        Object value = value(field, ActionSpec.Type.NUMBER_MAP);
        return value == null ? Map.of() : Collections.unmodifiableMap((Map<String, Long>) value);
    }

    /** The declared fields no reader has asked for yet. */
    public Set<String> unread() {
        Set<String> unread = new LinkedHashSet<>(spec.fields().keySet());
        unread.removeAll(read);
        return unread;
    }

    private Object value(String field, ActionSpec.Type... types) {
        ActionSpec.Field declared = spec.fields().get(field);
        if (declared == null) {
            throw new IllegalArgumentException(spec.name() + " declares no with." + field + " (fields: "
                    + String.join(", ", spec.fields().keySet()) + ")");
        }
        if (!List.of(types).contains(declared.type())) {
            throw new IllegalArgumentException(
                    spec.name() + " declares with." + field + " as " + declared.type() + ", not " + List.of(types));
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException(
                    spec.name() + ": the with: block is not valid, so it has no values: " + problems());
        }
        read.add(field);
        Object value = values.get(field);
        return value != null ? value : declared.defaultValue();
    }

    private Object required(String field, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(
                    spec.name() + ": with." + field + " is optional and has no default; read it as optional");
        }
        return value;
    }
}
