package io.baran.runbook;

/**
 * A value a runbook declares once and uses in {@code with:} blocks as {@code ${name}}.
 *
 * @param defaultValue a text, whole number, boolean, or list of texts
 */
public record Parameter(String name, String description, Object defaultValue) {
}
