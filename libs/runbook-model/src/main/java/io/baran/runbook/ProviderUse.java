package io.baran.runbook;

/**
 * A provider a step names, in which field, and what it must be able to do there.
 *
 * @param field      the {@code with:} key that names it
 * @param provider   the provider's configured name
 * @param capability what the step needs from it
 */
public record ProviderUse(String field, String provider, Capability capability) {}
