package io.baran.workflow;

import io.baran.workflow.temporal.TemporalConnection;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.ServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Every connection to a Temporal frontend is built here, the same way in every service and in the
 * {@code baran temporal setup} command: TLS or mTLS, the server name, a Temporal Cloud API key, and the payload
 * codec of the data converter.
 */
public final class TemporalClients {

    /** The header Temporal Cloud reads the namespace from when an API key authenticates the call. */
    static final Metadata.Key<String> NAMESPACE_HEADER =
            Metadata.Key.of("temporal-namespace", Metadata.ASCII_STRING_MARSHALLER);

    private TemporalClients() {}

    /**
     * Connects lazily: a service starts even while Temporal is down, and its calls fail (and its
     * workers retry) until Temporal is back.
     *
     * @param connection where, and how secured; an unreadable certificate, key or CA file fails here
     */
    public static WorkflowServiceStubs stubs(TemporalConnection connection) {
        WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder();
        configure(options, connection);
        return WorkflowServiceStubs.newServiceStubs(
                options.setRpcTimeout(Duration.ofSeconds(10)).build());
    }

    /** A plain-text connection (the local dev server, tests). */
    public static WorkflowServiceStubs stubs(String target) {
        return stubs(TemporalConnection.plain(target, "default"));
    }

    /** The operator service (search attributes), on a connection of its own secured as {@code connection} says. */
    public static OperatorServiceStubs operatorStubs(TemporalConnection connection) {
        OperatorServiceStubsOptions.Builder options = OperatorServiceStubsOptions.newBuilder();
        configure(options, connection);
        return OperatorServiceStubs.newServiceStubs(
                options.setRpcTimeout(Duration.ofSeconds(10)).validateAndBuildWithDefaults());
    }

    /** A client without a codec: payloads as they are (tests, replays of recorded plain-text histories). */
    public static WorkflowClient client(WorkflowServiceStubs stubs, String namespace) {
        return client(stubs, namespace, Optional.empty());
    }

    /**
     * A client whose payloads go through {@code codec} (and so do its workers'): everything the client and the
     * workers of a {@link io.temporal.worker.WorkerFactory} on it send is encrypted before it reaches Temporal, and
     * failure messages and stack traces are encoded too. Workflow starts carry the caller's trace context
     * ({@link TraceHeader}).
     */
    public static WorkflowClient client(
            WorkflowServiceStubs stubs, String namespace, Optional<? extends PayloadCodec> codec) {
        WorkflowClientOptions.Builder options =
                WorkflowClientOptions.newBuilder().setNamespace(namespace).setInterceptors(TraceHeader.client());
        codec.ifPresent(c -> options.setDataConverter(
                new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(c), true)));
        return WorkflowClient.newInstance(stubs, options.build());
    }

    private static void configure(ServiceStubsOptions.Builder<?> options, TemporalConnection connection) {
        options.setTarget(connection.target());
        TemporalConnection.Tls tls = connection.tls();
        if (tls.enabled()) {
            options.setSslContext(sslContext(tls));
            tls.serverName()
                    .ifPresent(name -> options.setChannelInitializer(channel -> channel.overrideAuthority(name)));
        }
        connection.apiKey().ifPresent(key -> {
            options.addApiKey(() -> key);
            Metadata headers = new Metadata();
            headers.put(NAMESPACE_HEADER, connection.namespace());
            options.setHeaders(headers);
        });
    }

    static SslContext sslContext(TemporalConnection.Tls tls) {
        try {
            SslContextBuilder builder = GrpcSslContexts.forClient();
            if (tls.ca().isPresent()) {
                try (InputStream ca = open(tls.ca().get(), "baran.temporal.tls.ca")) {
                    builder.trustManager(ca);
                }
            }
            if (tls.mutual()) {
                try (InputStream cert = open(tls.cert().get(), "baran.temporal.tls.cert");
                        InputStream key = open(tls.key().get(), "baran.temporal.tls.key")) {
                    builder.keyManager(cert, key);
                }
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "cannot set up TLS to Temporal from baran.temporal.tls (cert "
                            + tls.cert().map(Path::toString).orElse("-") + ", key "
                            + tls.key().map(Path::toString).orElse("-") + ", ca "
                            + tls.ca().map(Path::toString).orElse("-") + "): " + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(Path file, String key) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IllegalStateException(key + "=" + file + " is not a readable file");
        }
        return Files.newInputStream(file);
    }
}
