package io.baran.detector.config;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/**
 * Where probes and canaries may connect: loopback, link-local, metadata, private and other internal addresses are
 * refused unless allow-listed here, when a target is defined (configuration, file or REST) and again at every
 * connection (the name is resolved, checked, and the probe connects to the checked address). The same key as the
 * orchestrator's and the replication-worker's.
 */
@ConfigMapping(prefix = "baran.egress")
public interface EgressConfig {

    /**
     * CIDR blocks ({@code 10.20.0.0/16}), addresses ({@code 127.0.0.1}), host names or {@code *.domain} targets may
     * reach although their kind is refused; none by default (production refuses them all).
     */
    Optional<List<String>> allow();
}
