package io.baran.testinfra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A real Keycloak with the realm {@code baran} for a {@code @QuarkusTest} or {@code @QuarkusIntegrationTest}; sets
 * {@code quarkus.oidc.auth-server-url} (the realm's issuer) and {@code quarkus.oidc.client-id} ({@code baran}, the audience
 * of the realm's access tokens). A test gets tokens from the server injected into a field of type {@link KeycloakServer}
 * ({@code keycloak.token("operator")}), or from the issuer in the configuration:
 * {@code KeycloakServer.tokenFrom(authServerUrl, "operator")}.
 */
public class KeycloakResource implements QuarkusTestResourceLifecycleManager {

    private KeycloakServer server;

    @Override
    public Map<String, String> start() {
        server = KeycloakServer.start(WorkDirs.create("keycloak"));
        return Map.of(
                "quarkus.oidc.auth-server-url", server.issuer(), "quarkus.oidc.client-id", KeycloakServer.AUDIENCE);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server, new TestInjector.MatchesType(KeycloakServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
