package io.baran.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Real failovers. */
@ConfigMapping(prefix = "baran.failover")
public interface FailoverConfig {

    /**
     * How long a failover whose runbook requires approval waits for a person before its first step. When
     * nobody decides in time it ends without changing anything: acting without the approval the runbook asks
     * for is never the default.
     */
    @WithDefault("30m")
    Duration approvalTimeout();
}
