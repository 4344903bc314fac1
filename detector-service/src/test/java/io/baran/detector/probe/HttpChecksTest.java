package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.baran.detector.Targets;
import io.baran.detector.config.TargetSpec;
import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;
import io.baran.testinfra.WorkDirs;
import io.vertx.mutiny.core.Vertx;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP probe's checks beyond the status, against real servers on 127.0.0.1: the body, the latency ceiling,
 * and TLS (a certificate made with the JDK's keytool, valid for two days, served by the JDK's HTTPS server).
 */
class HttpChecksTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    private static HttpServer http;
    private static HttpsServer https;
    private static Path caFile;
    private static Vertx vertx;
    private static Probes probes;

    @BeforeAll
    static void serve() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", Ports.free()), 0);
        http.setExecutor(Executors.newFixedThreadPool(4));
        http.createContext("/status", exchange -> {
            byte[] body = "{\"status\":\"ok\",\"db\":\"primary\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.createContext("/empty", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.createContext("/unavailable", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        http.createContext("/slow", exchange -> {
            try {
                TimeUnit.MILLISECONDS.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        http.start();

        Path dir = WorkDirs.create("tls").toAbsolutePath();
        Path keystore = dir.resolve("server.p12");
        caFile = dir.resolve("ca.pem");
        Path keytool = Tools.javaExecutable().resolveSibling("keytool");
        run(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-keypass",
                "changeit");
        run(
                keytool.toString(),
                "-exportcert",
                "-rfc",
                "-alias",
                "server",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-file",
                caFile.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", Ports.free()), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.setExecutor(Executors.newFixedThreadPool(4));
        https.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        https.start();
        vertx = Vertx.vertx();
        probes = new Probes(vertx, "test");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    @AfterAll
    static void stop() {
        probes.close();
        vertx.closeAndAwait();
        http.stop(0);
        https.stop(0);
    }

    private static ProbeResult probe(
            String url, String bodyMatch, String maxLatency, String tlsMinValidity, String ca) {
        TargetSpec spec = new TargetSpec(
                url,
                "local/web",
                "1s",
                "5s",
                3,
                3,
                null,
                bodyMatch,
                maxLatency,
                tlsMinValidity,
                ca,
                null,
                null,
                null,
                null);
        return probes.create(Targets.define("web", spec)).run().await().atMost(Duration.ofSeconds(20));
    }

    private static String plain(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private static String secure() {
        return "https://127.0.0.1:" + https.getAddress().getPort() + "/healthz";
    }

    @Test
    void theBodyMustHoldTheExpectedText() {
        assertTrue(
                probe(plain("/status"), "\"db\":\"primary\"", null, null, null).passed());
        ProbeResult result = probe(plain("/status"), "\"db\":\"standby\"", null, null, null);
        assertFalse(result.passed());
        assertEquals("HTTP 200, body does not match /\"db\":\"standby\"/", result.detail());
    }

    @Test
    void anyOfASetOfStatusesPasses() {
        TargetSpec spec = new TargetSpec(
                plain("/empty"),
                "local/web",
                "1s",
                "5s",
                3,
                3,
                List.of(200, 204),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        assertTrue(probes.create(Targets.define("web", spec))
                .run()
                .await()
                .atMost(Duration.ofSeconds(20))
                .passed());
        spec = new TargetSpec(
                plain("/unavailable"),
                "local/web",
                "1s",
                "5s",
                3,
                3,
                List.of(204, 200),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        ProbeResult result =
                probes.create(Targets.define("web", spec)).run().await().atMost(Duration.ofSeconds(20));
        assertEquals("HTTP 503, expected 200, 204", result.detail());
    }

    @Test
    void aSlowAnswerFailsAboveTheLatencyCeiling() {
        ProbeResult result = probe(plain("/slow"), null, "100ms", null, null);
        assertFalse(result.passed());
        assertTrue(
                result.detail().startsWith("HTTP 200 in ") && result.detail().endsWith("ms, above max-latency 100ms"),
                result.detail());
        assertTrue(probe(plain("/slow"), null, "3s", null, null).passed());
    }

    @Test
    void aTrustedCertificateValidLongEnoughPasses() {
        ProbeResult result = probe(secure(), null, null, "1d", caFile.toString());
        assertTrue(result.passed(), result.detail());
        assertEquals("HTTP 200", result.detail());
    }

    @Test
    void aCertificateThatExpiresTooSoonFails() {
        ProbeResult result = probe(secure(), null, null, "30d", caFile.toString());
        assertFalse(result.passed());
        assertTrue(
                result.detail().startsWith("TLS certificate expires at ")
                        && result.detail().endsWith("in less than the required 30d"),
                result.detail());
    }

    @Test
    void anUntrustedCertificateFailsEvenWithoutAValidityCheck() {
        ProbeResult result = probe(secure(), null, null, null, null);
        assertFalse(result.passed(), result.detail());
        assertTrue(probe(secure(), null, null, null, caFile.toString()).passed(), "trusted through ca-file");
    }

    @Test
    void theConfigurationRefusesTlsChecksOnPlainHttp() {
        TargetSpec spec = new TargetSpec(
                plain("/status"), "local/web", "1s", "5s", 3, 3, null, null, null, "1d", null, null, null, null, null);
        var result = io.baran.detector.config.TargetDefinitions.define(
                "web", spec, io.baran.detector.config.TargetDefinition.Origin.API, f -> f);
        assertEquals(
                List.of(new io.baran.detector.config.TargetDefinitions.Problem(
                        "tls-min-validity", "applies to https targets only")),
                result.problems());
    }
}
