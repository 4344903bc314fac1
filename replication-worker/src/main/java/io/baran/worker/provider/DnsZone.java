package io.baran.worker.provider;

/**
 * A hosted zone found by name.
 *
 * @param id   the provider's id of the zone
 * @param name fully qualified, with the trailing dot
 */
public record DnsZone(String id, String name) {}
