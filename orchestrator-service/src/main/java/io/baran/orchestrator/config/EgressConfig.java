package io.baran.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/**
 * The egress policy runbooks are checked against (the same key as the replication-worker's, which enforces it when
 * a step runs): a {@code health.check} URL whose host is a literal loopback, link-local, metadata, private or other
 * refused address is an error of the runbook unless allow-listed here. Names are judged by the worker when it
 * resolves them.
 */
@ConfigMapping(prefix = "baran.egress")
public interface EgressConfig {

    /**
     * CIDR blocks ({@code 10.20.0.0/16}), addresses ({@code 127.0.0.1}), host names or {@code *.domain} that runbook
     * URLs may name although their kind is refused; none by default (production refuses them all).
     */
    Optional<List<String>> allow();
}
