package io.baran.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API client against a real HTTP server on 127.0.0.1: what it sends when a request must be sent again. */
class ApiClientTest {

    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final List<String> bearers = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/", exchange -> {
            String bearer = exchange.getRequestHeaders().getFirst("Authorization");
            keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
            bearers.add(bearer);
            // The first token has expired: 401, as the orchestrator answers it.
            Answers.json(exchange, "Bearer second".equals(bearer) ? 202 : 401, "{}");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void anApiUrlWithCredentialsIsRefusedWithoutRepeatingThem() {
        for (String url : List.of(
                "https://ops:Secret-1@baran.example", "https://baran.example/?token=Secret-1", "ftp://u:Secret-1@h")) {
            var refused = assertThrows(IllegalArgumentException.class, () -> ApiClient.base(url));
            assertTrue(!refused.getMessage().contains("Secret-1"), refused.getMessage());
            assertTrue(refused.getMessage().startsWith("the API URL \""), refused.getMessage());
        }
    }

    @Test
    void aBearerTokenGoesInTheClearOnlyToThisMachine() {
        var refused = assertThrows(IllegalArgumentException.class, () -> ApiClient.base("http://baran.example:8080"));
        assertTrue(refused.getMessage().contains("would send your bearer token in the clear"), refused.getMessage());
        for (String url : List.of(
                "https://baran.example", "http://127.0.0.1:8080", "http://localhost:8080/", "http://[::1]:8080")) {
            assertEquals(url.replaceFirst("/$", ""), ApiClient.base(url).toString());
        }
    }

    @Test
    void aPostSentAgainWithAFreshTokenCarriesTheSameIdempotencyKeyAndTheNextPostANewOne() throws Exception {
        var counter = java.nio.file.Files.createTempFile("token-count", ".txt");
        // Prints "first", then "second" on every later run: the token command re-run after the 401.
        String command = "if [ -s " + counter + " ]; then echo second; else echo x > " + counter + "; echo first; fi";
        ApiClient api = new ApiClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                Map.of("BARAN_TOKEN_COMMAND", command),
                Optional.empty(),
                Duration.ofSeconds(10));

        ApiClient.Answer answer =
                api.post("/api/drills", new ObjectMapper().createObjectNode().put("runbook", "web"));

        assertEquals(202, answer.status());
        assertEquals(List.of("Bearer first", "Bearer second"), bearers);
        assertNotNull(keys.get(0));
        assertNotEquals("null", keys.get(0));
        assertEquals(keys.get(0), keys.get(1), "the retried request must name the same Idempotency-Key");

        api.post("/api/drills", new ObjectMapper().createObjectNode().put("runbook", "web"));
        assertNotEquals(keys.get(1), keys.get(2), "another request is another key");

        api.get("/api/executions");
        assertEquals("null", keys.get(3), "a GET carries no key");
        java.nio.file.Files.deleteIfExists(counter);
    }
}
