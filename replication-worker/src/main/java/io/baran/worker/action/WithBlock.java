package io.baran.worker.action;

import io.baran.runbook.Durations;
import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a step's {@code with:} block. Lenient in what it binds (the block went through JSON, so a number
 * may be an Integer or a Long and a list any List), strict in what it accepts: every violation is
 * collected and reported at once, naming the step and the field.
 */
public final class WithBlock {

    private final StepCommand command;
    private final Map<String, Object> with;
    private final List<String> violations = new ArrayList<>();

    public WithBlock(StepCommand command, Set<String> fields) {
        this.command = command;
        this.with = command.with();
        for (String key : new TreeSet<>(with.keySet())) {
            if (!fields.contains(key)) {
                violations.add("with." + key + " is not a field of " + command.action() + " (fields: "
                        + String.join(", ", new TreeSet<>(fields)) + ")");
            }
        }
    }

    public String requiredString(String field) {
        Object value = with.get(field);
        if (value == null) {
            violations.add("with." + field + " is required");
            return null;
        }
        if (!(value instanceof String text) || text.isBlank()) {
            violations.add("with." + field + " must be a non-empty string, not " + shown(value));
            return null;
        }
        return text.trim();
    }

    public String requiredOneOf(String field, Collection<String> allowed) {
        String value = requiredString(field);
        if (value != null && !allowed.contains(value)) {
            violations.add("with." + field + " \"" + value + "\" is not one of " + String.join(", ", allowed));
            return null;
        }
        return value;
    }

    /** A string, or a non-empty list of strings. */
    public List<String> requiredStringOrList(String field) {
        Object value = with.get(field);
        if (value == null) {
            violations.add("with." + field + " is required");
            return null;
        }
        if (value instanceof String text) {
            return List.of(text);
        }
        if (value instanceof Collection<?> list && !list.isEmpty() && list.stream().allMatch(v -> v instanceof String)) {
            return list.stream().map(String.class::cast).toList();
        }
        violations.add("with." + field + " must be a string or a non-empty list of strings, not " + shown(value));
        return null;
    }

    /** A non-empty mapping of names to whole numbers, each between {@code min} and {@code max}; null when it does not bind. */
    public Map<String, Long> requiredNumberMap(String field, long min, long max) {
        Object value = with.get(field);
        if (value == null) {
            violations.add("with." + field + " is required");
            return null;
        }
        if (!(value instanceof Map<?, ?> map) || map.isEmpty()) {
            violations.add("with." + field + " must be a non-empty mapping of names to whole numbers, not " + shown(value));
            return null;
        }
        Map<String, Long> numbers = new java.util.TreeMap<>();
        map.forEach((key, n) -> {
            boolean whole = n instanceof Integer || n instanceof Long || n instanceof Short;
            if (!whole || ((Number) n).longValue() < min || ((Number) n).longValue() > max) {
                violations.add("with." + field + "." + key + " must be a whole number from " + min + " to " + max + ", not " + shown(n));
            } else {
                numbers.put(String.valueOf(key), ((Number) n).longValue());
            }
        });
        return numbers.size() == map.size() ? numbers : null;
    }

    public int optionalInt(String field, int fallback) {
        Object value = with.get(field);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            long n = ((Number) value).longValue();
            if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                return (int) n;
            }
        } else if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return n.intValue();
        } else if (value instanceof String text && text.trim().matches("-?\\d{1,10}")) {
            long n = Long.parseLong(text.trim());
            if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                return (int) n;
            }
        }
        violations.add("with." + field + " must be a whole number, not " + shown(value));
        return fallback;
    }

    /** A duration text such as 500ms, 30s, 5m; returns the text as given, or the fallback. */
    public String optionalDurationText(String field, String fallback) {
        Object value = with.get(field);
        if (value == null) {
            return fallback;
        }
        if (value instanceof String text && Durations.tryParse(text.trim()).isPresent()) {
            return text.trim();
        }
        violations.add("with." + field + " " + shown(value) + " is not a duration (use e.g. 500ms, 30s, 5m)");
        return fallback;
    }

    /** A required duration text such as 24h; returns the text as given, or null. */
    public String requiredDurationText(String field) {
        Object value = with.get(field);
        if (value == null) {
            violations.add("with." + field + " is required");
            return null;
        }
        if (value instanceof String text && Durations.tryParse(text.trim()).isPresent()) {
            return text.trim();
        }
        violations.add("with." + field + " " + shown(value) + " is not a duration (use e.g. 30s, 5m, 24h)");
        return null;
    }

    public boolean optionalBool(String field, boolean fallback) {
        Object value = with.get(field);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String text && (text.trim().equals("true") || text.trim().equals("false"))) {
            return Boolean.parseBoolean(text.trim());
        }
        violations.add("with." + field + " must be true or false, not " + shown(value));
        return fallback;
    }

    public String optionalOneOf(String field, Collection<String> allowed, String fallback) {
        Object value = with.get(field);
        if (value == null) {
            return fallback;
        }
        if (value instanceof String text && allowed.contains(text.trim())) {
            return text.trim();
        }
        violations.add("with." + field + " " + shown(value) + " is not one of " + String.join(", ", allowed));
        return fallback;
    }

    public static Duration duration(String text) {
        return Durations.parse(text);
    }

    /** Records a violation found by the action's own checks, e.g. one field that contradicts another. */
    public void invalid(String field, String problem) {
        violations.add("with." + field + " " + problem);
    }

    /** Fails (InvalidInput) with every violation, if there is any. */
    public void throwIfInvalid() {
        if (!violations.isEmpty()) {
            throw Failures.of(FailureTypes.INVALID_INPUT, "step " + command.step() + " (" + command.action() + "): "
                    + String.join("; ", violations));
        }
    }

    private static String shown(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }
}
