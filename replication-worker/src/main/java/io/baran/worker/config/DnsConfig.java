package io.baran.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How DNS changes are carried out. */
@ConfigMapping(prefix = "baran.dns")
public interface DnsConfig {

    /** How long a DNS change may take to reach all of the provider's name servers before the step fails (retryably). */
    @WithDefault("60s")
    Duration syncTimeout();
}
