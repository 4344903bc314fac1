package io.baran.workflow.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.workflow.TemporalClients;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client side of TLS, mTLS, the server name and the API key, against real TLS gRPC endpoints that answer as a
 * Temporal frontend does ({@code temporal server start-dev} cannot serve TLS). The certificates are made here with
 * openssl: a CA, a frontend certificate valid only for {@code temporal.baran.test}, and a client certificate.
 */
class TemporalTlsTest {

    private static final String SERVER_NAME = "temporal.baran.test";

    @TempDir
    static Path dir;

    private static Server mutual;
    private static Server serverOnly;
    private static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "1",
                "-subj",
                "/CN=baran test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "other-ca.key",
                "-out",
                "other-ca.pem",
                "-days",
                "1",
                "-subj",
                "/CN=another CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE");
        issue("server", SERVER_NAME, "subjectAltName=DNS:" + SERVER_NAME + "\nextendedKeyUsage=serverAuth\n");
        issue("client", "orchestrator-service", "extendedKeyUsage=clientAuth\n");

        mutual = server(ClientAuth.REQUIRE);
        serverOnly = server(ClientAuth.NONE);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (Server server : new Server[] {mutual, serverOnly}) {
            if (server != null) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void mutualTlsWithTheServerNameAndAnApiKeyReachesTheFrontend() {
        SEEN.clear();
        TemporalConnection connection = new TemporalConnection(
                target(mutual), "baran-prod", tls(true, true, Optional.of(SERVER_NAME)), Optional.of("secret-api-key"));
        assertEquals(
                "127.0.0.1:" + mutual.getPort()
                        + " (namespace baran-prod, mTLS, server name temporal.baran.test, API key)",
                connection.describe());
        assertFalse(connection.toString().contains("secret-api-key"));

        assertEquals(call(connection), "ok");
        assertEquals("Bearer secret-api-key", SEEN.get("authorization"));
        assertEquals("baran-prod", SEEN.get("temporal-namespace"));
    }

    @Test
    void tlsWithoutAClientCertificateReachesAFrontendThatAsksForNone() {
        SEEN.clear();
        assertEquals(
                "ok",
                call(new TemporalConnection(
                        target(serverOnly), "default", tls(false, true, Optional.of(SERVER_NAME)), Optional.empty())));
        assertFalse(SEEN.containsKey("authorization"));
    }

    @Test
    void aFrontendThatRequiresAClientCertificateRefusesOneWithout() {
        assertThrows(
                StatusRuntimeException.class,
                () -> call(new TemporalConnection(
                        target(mutual), "default", tls(false, true, Optional.of(SERVER_NAME)), Optional.empty())));
    }

    @Test
    void theFrontendsNameIsVerified() {
        // the certificate names temporal.baran.test, not 127.0.0.1
        assertThrows(
                StatusRuntimeException.class,
                () -> call(new TemporalConnection(
                        target(serverOnly), "default", tls(false, true, Optional.empty()), Optional.empty())));
    }

    @Test
    void aFrontendSignedByAnotherCaIsRefused() {
        TemporalConnection.Tls otherCa = new TemporalConnection.Tls(
                true,
                Optional.empty(),
                Optional.empty(),
                Optional.of(dir.resolve("other-ca.pem")),
                Optional.of(SERVER_NAME));
        assertThrows(
                StatusRuntimeException.class,
                () -> call(new TemporalConnection(target(serverOnly), "default", otherCa, Optional.empty())));
        TemporalConnection.Tls jdkRoots = new TemporalConnection.Tls(
                true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(SERVER_NAME));
        assertThrows(
                StatusRuntimeException.class,
                () -> call(new TemporalConnection(target(serverOnly), "default", jdkRoots, Optional.empty())));
    }

    @Test
    void plainTextDoesNotReachATlsFrontend() {
        assertThrows(StatusRuntimeException.class, () -> call(TemporalConnection.plain(target(serverOnly), "default")));
    }

    @Test
    void anApiKeyIsNeverSentInPlainTextAndConfiguredFilesTurnTlsOn() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new TemporalConnection("h:7233", "default", TemporalConnection.Tls.OFF, Optional.of("key")));
        assertTrue(TemporalConnection.of(config(false, null, "key")).tls().enabled());
        assertTrue(TemporalConnection.of(config(false, dir.resolve("ca.pem").toString(), null))
                .tls()
                .enabled());
        assertFalse(TemporalConnection.of(config(false, null, null)).tls().enabled());
        assertThrows(
                IllegalArgumentException.class,
                () -> new TemporalConnection.Tls(
                        true,
                        Optional.of(dir.resolve("client.pem")),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()));
    }

    @Test
    void anUnreadableCertificateFailsAtOnceNamingTheSetting() {
        TemporalConnection.Tls missing = new TemporalConnection.Tls(
                true, Optional.empty(), Optional.empty(), Optional.of(dir.resolve("nope.pem")), Optional.empty());
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> TemporalClients.stubs(
                        new TemporalConnection("127.0.0.1:1", "default", missing, Optional.empty())));
        assertTrue(e.getMessage().contains("baran.temporal.tls.ca="), e.getMessage());
    }

    private static String call(TemporalConnection connection) {
        WorkflowServiceStubs stubs = TemporalClients.stubs(connection);
        try {
            stubs.blockingStub()
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
            return "ok";
        } finally {
            stubs.shutdownNow();
        }
    }

    private static TemporalConnection.Tls tls(boolean clientCertificate, boolean ca, Optional<String> serverName) {
        return new TemporalConnection.Tls(
                true,
                clientCertificate ? Optional.of(dir.resolve("client.pem")) : Optional.empty(),
                clientCertificate ? Optional.of(dir.resolve("client.key")) : Optional.empty(),
                ca ? Optional.of(dir.resolve("ca.pem")) : Optional.empty(),
                serverName);
    }

    private static String target(Server server) {
        return "127.0.0.1:" + server.getPort();
    }

    private static Server server(ClientAuth clientAuth) throws IOException {
        var ssl = GrpcSslContexts.forServer(
                        dir.resolve("server.pem").toFile(),
                        dir.resolve("server.key").toFile())
                .trustManager(dir.resolve("ca.pem").toFile())
                .clientAuth(clientAuth)
                .build();
        var frontend = new WorkflowServiceGrpc.WorkflowServiceImplBase() {
            @Override
            public void getSystemInfo(GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> response) {
                response.onNext(GetSystemInfoResponse.newBuilder()
                        .setServerVersion("1.32.0")
                        .build());
                response.onCompleted();
            }
        };
        ServerInterceptor headers = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, A> call, Metadata metadata, ServerCallHandler<Q, A> next) {
                for (String name : List.of("authorization", "temporal-namespace")) {
                    String value = metadata.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
                    if (value != null) {
                        SEEN.put(name, value);
                    }
                }
                return next.startCall(call, metadata);
            }
        };
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(ssl)
                .addService(ServerInterceptors.intercept(frontend, headers))
                .build()
                .start();
    }

    private static void issue(String name, String commonName, String extensions) throws Exception {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key");
        openssl("req", "-new", "-key", name + ".key", "-subj", "/CN=" + commonName, "-out", name + ".csr");
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl(
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "1",
                "-out",
                name + ".pem",
                "-extfile",
                name + ".ext");
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static TemporalConnectionConfig config(boolean enabled, String ca, String apiKey) {
        return new TemporalConnectionConfig() {
            @Override
            public String target() {
                return "127.0.0.1:7233";
            }

            @Override
            public String namespace() {
                return "default";
            }

            @Override
            public Tls tls() {
                return new Tls() {
                    @Override
                    public boolean enabled() {
                        return enabled;
                    }

                    @Override
                    public Optional<String> cert() {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<String> key() {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<String> ca() {
                        return Optional.ofNullable(ca);
                    }

                    @Override
                    public Optional<String> serverName() {
                        return Optional.empty();
                    }
                };
            }

            @Override
            public Optional<String> apiKey() {
                return Optional.ofNullable(apiKey);
            }

            @Override
            public Codec codec() {
                return null;
            }
        };
    }
}
