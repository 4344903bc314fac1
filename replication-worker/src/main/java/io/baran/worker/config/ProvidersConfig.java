package io.baran.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The providers runbooks may name, by name: {@code baran.providers."aws-main".type=aws}. Credentials are
 * never configured here: they come from the environment (e.g. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
 */
@ConfigMapping(prefix = "baran.providers")
public interface ProvidersConfig {

    /** Every configured provider, by the name runbooks use; none by default. */
    @WithParentName
    Map<String, Provider> all();

    interface Provider {
        /** The kind of provider; {@code aws} (Route 53) is the only kind this version knows. Required. */
        String type();

        /** The provider's region. */
        @WithDefault("us-east-1")
        String region();

        /** An endpoint override, e.g. moto at http://127.0.0.1:5000; absent means the provider's own endpoint. */
        Optional<URI> endpoint();
    }
}
