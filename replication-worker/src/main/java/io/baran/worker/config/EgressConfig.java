package io.baran.worker.config;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/**
 * Where this worker may connect when a runbook or the configuration names the address: {@code health.check} URLs,
 * {@code notify} webhooks, provider endpoint overrides. Loopback, link-local, metadata, private and other internal
 * addresses are refused unless allow-listed here (the orchestrator reads the same key to check runbooks at load).
 */
@ConfigMapping(prefix = "baran.egress")
public interface EgressConfig {

    /**
     * CIDR blocks ({@code 10.20.0.0/16}), addresses ({@code 127.0.0.1}), host names ({@code moto}) or {@code *.domain}
     * this worker may call although their kind is refused; none by default (production refuses them all). An
     * allow-listed name is trusted whatever it resolves to.
     */
    Optional<List<String>> allow();
}
