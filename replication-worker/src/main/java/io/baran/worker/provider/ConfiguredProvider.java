package io.baran.worker.provider;

/**
 * One provider the worker's configuration names, connected: what it declares it can do, and the
 * implementation of each capability it has (null where it has none).
 */
public record ConfiguredProvider(
        String name,
        String type,
        Capabilities capabilities,
        DnsProvider dns,
        CdnProvider cdn,
        DatabaseProvider database,
        ObjectStore objects,
        AutoCloseable resources) {

    public Support support(Capability capability) {
        return capabilities.of(capability);
    }

    /** The same provider declaring other capabilities (narrowed by configuration). */
    public ConfiguredProvider withCapabilities(Capabilities narrowed) {
        return new ConfiguredProvider(name, type, narrowed, dns, cdn, database, objects, resources);
    }

    public void close() {
        if (resources != null) {
            try {
                resources.close();
            } catch (Exception e) {
                // Closing happens at shutdown; a client that fails to close has nothing left to lose.
            }
        }
    }
}
