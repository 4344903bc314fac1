package io.baran.orchestrator.workflow;

/**
 * Values for Temporal visibility queries. A value is always a quoted string literal with its quote and backslash
 * escaped, never text pasted into the query: {@code BaranIncidents = 'it\'s'} matches the incident {@code it's}
 * and nothing else, whatever the value holds. (The dev server's SQLite visibility matches no value holding a
 * backslash, escaped or not; such a value still cannot change the query.)
 */
public final class VisibilityQuery {

    private VisibilityQuery() {
    }

    /** {@code value} as a single-quoted string literal. */
    public static String quoted(String value) {
        if (value == null) {
            throw new IllegalArgumentException("a visibility query value cannot be null");
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\'', '\\' -> out.append('\\').append(c);
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append("\\0");
                default -> out.append(c);
            }
        }
        return out.append('\'').toString();
    }

    /** {@code attribute = 'value'}, the value quoted. */
    public static String equalTo(String attribute, String value) {
        return attribute + " = " + quoted(value);
    }
}
