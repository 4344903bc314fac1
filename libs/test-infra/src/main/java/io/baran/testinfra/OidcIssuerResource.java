package io.baran.testinfra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The test run's {@link OidcIssuer} for a {@code @QuarkusTest}: the service under test trusts its tokens
 * ({@code quarkus.oidc.auth-server-url}), and the test asks {@link OidcIssuer#shared()} for tokens.
 */
public class OidcIssuerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.oidc.auth-server-url", OidcIssuer.shared().issuer());
    }

    @Override
    public void stop() {
        // Shared by every test class of the run; it stops with the JVM.
    }
}
