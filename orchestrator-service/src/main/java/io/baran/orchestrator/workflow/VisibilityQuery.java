package io.baran.orchestrator.workflow;

import io.temporal.common.SearchAttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Temporal visibility query ({@code client.listExecutions(...)}) built from attribute names the code chooses and
 * values quoted here, so a value, whatever it holds, stays one string literal: {@code '} and {@code \} are escaped as
 * Temporal's query parser reads them ({@code \'}, {@code \\}), and a value can neither end its literal nor add a
 * clause. Values should still be validated first; quoting is the second line, not the first.
 */
public final class VisibilityQuery {

    /** Attribute names are identifiers; they never come from a request. */
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final List<String> clauses = new ArrayList<>();

    private VisibilityQuery() {}

    /** Every clause added is ANDed. */
    public static VisibilityQuery where() {
        return new VisibilityQuery();
    }

    /** {@code attribute = 'value'}. */
    public VisibilityQuery equal(String attribute, String value) {
        if (value == null) {
            throw new IllegalArgumentException(
                    "no value for " + attribute + "; use equalIfPresent for an optional one");
        }
        clauses.add(attribute(attribute) + " = " + literal(value));
        return this;
    }

    public VisibilityQuery equal(SearchAttributeKey<String> attribute, String value) {
        return equal(attribute.getName(), value);
    }

    /** {@code attribute IN ('a', 'b')}; at least one value. */
    public VisibilityQuery in(SearchAttributeKey<String> attribute, java.util.Collection<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no value for " + attribute.getName());
        }
        clauses.add(attribute(attribute.getName()) + " IN ("
                + String.join(
                        ", ", values.stream().map(VisibilityQuery::literal).toList()) + ")");
        return this;
    }

    /** {@code attribute = 'value'} when a value is given (not null, not blank); nothing otherwise. */
    public VisibilityQuery equalIfPresent(SearchAttributeKey<String> attribute, String value) {
        return value == null || value.isBlank() ? this : equal(attribute, value);
    }

    /** The query text, e.g. {@code WorkflowType = 'RunbookWorkflow' AND BaranRunbook = 'shop'}. */
    public String build() {
        return String.join(" AND ", clauses);
    }

    @Override
    public String toString() {
        return build();
    }

    private static String attribute(String name) {
        if (name == null || !ATTRIBUTE.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + name + "\" is not a search attribute name");
        }
        return name;
    }

    /** A single-quoted literal: backslash and quote escaped, control characters refused (no query needs them). */
    static String literal(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(
                        "a query value may not hold control characters (U+" + String.format("%04X", (int) c) + ")");
            }
            if (c == '\\' || c == '\'') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('\'').toString();
    }
}
