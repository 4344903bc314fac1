package io.baran.worker.provider.selfmanaged;

import static io.baran.worker.provider.Capability.CDN_CACHE_POLICY;
import static io.baran.worker.provider.Capability.CDN_SERVE_STALE;
import static io.baran.worker.provider.Capability.CDN_TTL;
import static io.baran.worker.provider.Capability.DATABASE_DEMOTE;
import static io.baran.worker.provider.Capability.DATABASE_FENCE;
import static io.baran.worker.provider.Capability.DATABASE_PROMOTE;
import static io.baran.worker.provider.Capability.DATABASE_SWITCHOVER;
import static io.baran.worker.provider.Capability.DNS_RECORDS;
import static io.baran.worker.provider.Capability.DNS_ROUTING_POLICIES;
import static io.baran.worker.provider.Capability.OBJECT_STORE;

import io.baran.worker.provider.Capabilities;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.ProviderType;
import java.nio.file.Path;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * {@code type=filesystem}: an object store on a file system the worker mounts (a local disk, NFS, a
 * replicated volume). Settings: {@code root} (the directory holding one directory per bucket), {@code site}.
 */
public final class FileSystemProviderType implements ProviderType {

    private static final Logger LOG = Logger.getLogger(FileSystemProviderType.class);
    private static final Capabilities CAPABILITIES = Capabilities.builder("filesystem")
            .can(OBJECT_STORE)
            .cannot(
                    "a file system stores objects only",
                    DNS_RECORDS,
                    DNS_ROUTING_POLICIES,
                    CDN_TTL,
                    CDN_SERVE_STALE,
                    CDN_CACHE_POLICY,
                    DATABASE_PROMOTE,
                    DATABASE_FENCE,
                    DATABASE_DEMOTE,
                    DATABASE_SWITCHOVER)
            .build();

    @Override
    public String type() {
        return "filesystem";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ConfiguredProvider connect(ProviderSettings settings, ProviderContext context) {
        settings.onlyKnown(Set.of("root", "site"), Set.of());
        Path root = Path.of(settings.required("root"));
        LOG.infof("provider %s: object store on the file system at %s", settings.name(), root.toAbsolutePath());
        FileSystemObjectStore store = new FileSystemObjectStore(
                settings.name(),
                root,
                new ControlPlane(
                        settings.option("site").orElse("self-managed/local"), "filesystem", "file system " + root));
        return new ConfiguredProvider(settings.name(), type(), CAPABILITIES, null, null, null, store, null);
    }
}
