package io.baran.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeycloakServerTest {

    @Test
    void theRealmIssuesTokensWithGroupsAudienceAndUserNameAndRefusesAWrongPassword() {
        int port;
        try (KeycloakServer keycloak = KeycloakServer.start(WorkDirs.create("keycloak-test"))) {
            port = keycloak.port();
            assertEquals("http://127.0.0.1:" + port + "/realms/baran", keycloak.issuer());

            JsonObject claims = payload(keycloak.token("operator"));
            assertEquals("operator", claims.getString("preferred_username"));
            assertEquals(keycloak.issuer(), claims.getString("iss"));
            List<String> groups = strings(claims.get("groups"));
            assertTrue(groups.containsAll(List.of("drill-operator", "failover-operator")), "groups: " + groups);
            assertTrue(strings(claims.get("aud")).contains("baran"), "aud: " + claims.get("aud"));
            long lifetime = claims.getJsonNumber("exp").longValue()
                    - claims.getJsonNumber("iat").longValue();
            assertEquals(900, lifetime, "access tokens live 15 min");

            assertEquals(
                    List.of("approver"),
                    strings(payload(KeycloakServer.tokenFrom(keycloak.issuer(), "approver2"))
                            .get("groups")));

            KeycloakServer.TokenRefused refused = assertThrows(
                    KeycloakServer.TokenRefused.class, () -> keycloak.token("operator", "not-the-password"));
            assertEquals(401, refused.status());
        }
        assertFalse(LocalProcess.portOpen(port), "Keycloak still listens after close");
    }

    @Test
    void findsAJdkOfVersion21OrNewerAndPrefersTemurin(@TempDir Path jvm) throws Exception {
        jdk(jvm.resolve("java-17-openjdk-amd64"), "17.0.15");
        assertTrue(KeycloakServer.findJavaHome(jvm).isEmpty());
        jdk(jvm.resolve("java-21-openjdk-amd64"), "21.0.8");
        assertEquals(
                jvm.resolve("java-21-openjdk-amd64"),
                KeycloakServer.findJavaHome(jvm).orElseThrow());
        jdk(jvm.resolve("temurin-21-jdk-amd64"), "21.0.7");
        jdk(jvm.resolve("temurin-25-jdk-amd64"), "25.0.3");
        assertEquals(
                jvm.resolve("temurin-25-jdk-amd64"),
                KeycloakServer.findJavaHome(jvm).orElseThrow());
    }

    private static void jdk(Path home, String version) throws Exception {
        Files.createDirectories(home.resolve("bin"));
        Path java = Files.createFile(home.resolve("bin/java"));
        assertTrue(java.toFile().setExecutable(true));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
    }

    /** The claims of a JWT: its second part, base64url JSON. */
    private static JsonObject payload(String jwt) {
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length, "not a JWT: " + jwt);
        String json = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    /** A claim that is a string or an array of strings (as {@code aud} may be either). */
    private static List<String> strings(JsonValue value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof JsonString s) {
            return List.of(s.getString());
        }
        return value.asJsonArray().getValuesAs(JsonString.class).stream()
                .map(JsonString::getString)
                .toList();
    }
}
