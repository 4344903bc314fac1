package io.baran.runbook;

/**
 * A value a runbook declares once and uses in {@code with:} blocks as {@code ${name}}.
 *
 * @param defaultValue a text, whole number, boolean, or list of texts
 * @param overridable  whether a drill or failover request may set another value for one execution
 *                     ({@code overridable: true}); false by default, and for runbooks serialised before the
 *                     field existed
 */
public record Parameter(String name, String description, Object defaultValue, boolean overridable) {

    /** A parameter a request may not set. */
    public Parameter(String name, String description, Object defaultValue) {
        this(name, description, defaultValue, false);
    }
}
