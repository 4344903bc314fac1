package io.baran.orchestrator.runbook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The providers runbooks may name, mirrored from the replication-worker's configuration so runbooks are
 * checked when they are loaded: {@code baran.providers."aws-main".type=aws}. The same keys serve both
 * services; the worker's own settings of a provider (region, endpoint, ...) are ignored here, and no
 * credential is ever configured. With no provider configured, provider names are not checked.
 */
@ConfigMapping(prefix = "baran.providers")
public interface ProvidersConfig {

    /** Every provider runbooks may name, by that name; none by default (then names are not checked). */
    @WithParentName
    Map<String, Provider> all();

    interface Provider {
        /** The kind of provider: aws, gcp, azure, rfc2136, postgresql or filesystem. Required. */
        String type();

        /**
         * Narrows the type's capabilities (dns, cdn, database-replica, database-switchover, object-store), e.g. an AWS account Baran
         * may only change DNS in; absent means every capability of the type.
         */
        Optional<List<String>> capabilities();

        /** The worker's settings of the provider (region, endpoint, server, ...): accepted and ignored here. */
        @WithParentName
        Map<String, String> workerSettings();
    }
}
