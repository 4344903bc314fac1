package io.baran.worker.provider.aws;

import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.MotoServer;
import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.TestResources;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * What every AWS integration test of the worker sets up: a moto server, clients of it for arranging and
 * checking what the worker does (as a person or another tool would, without Baran's code), and the
 * worker's {@link Providers} connected to it. The worker reads credentials from the SDK's default chain,
 * which moto accepts whatever they are. Held in a {@code @RegisterExtension static} field, it closes
 * everything it handed out, then moto, after the test class.
 */
final class MotoFixture extends TestResources {

    /** The name of a provider whose endpoint accepts no connection: any call to it fails. */
    static final String UNREACHABLE = "aws-unreachable";

    private final String endpoint;

    private MotoFixture(String endpoint, AutoCloseable server) {
        this.endpoint = endpoint;
        keep(server);
    }

    /** moto as {@code moto_server} runs it; its log goes to a work directory named {@code dir}. */
    static MotoFixture start(String dir) {
        useTestCredentials();
        MotoServer moto = MotoServer.start(WorkDirs.create(dir));
        return new MotoFixture(moto.endpoint(), moto);
    }

    /**
     * moto started through {@code moto_rds_promote_as_aws.py}: moto itself, with its promotion of read replicas
     * corrected to clear the replica's source as RDS does (see the script).
     */
    static MotoFixture startWithRdsPromotion(String dir) {
        useTestCredentials();
        int port = Ports.free();
        LocalProcess process = startScript(
                "moto_rds_promote_as_aws.py",
                "moto-rds",
                WorkDirs.create(dir),
                port,
                List.of("-H", "127.0.0.1", "-p", String.valueOf(port)));
        return new MotoFixture("http://127.0.0.1:" + port, process);
    }

    /**
     * A Python script of the test resources, copied to {@code work} and started with {@code args}; returns once it listens
     * on {@code port}.
     */
    static LocalProcess startScript(String resource, String name, Path work, int port, List<String> args) {
        try (InputStream script = MotoFixture.class.getResourceAsStream("/" + resource)) {
            Files.createDirectories(work);
            Path launcher = work.resolve(resource);
            Files.copy(script, launcher, StandardCopyOption.REPLACE_EXISTING);
            Path python = Tools.find(
                    "python3", "BARAN_PYTHON_BIN", "install Python 3 with moto: pip install \"moto[server]\"");
            List<String> command = new java.util.ArrayList<>(List.of(python.toString(), launcher.toString()));
            command.addAll(args);
            LocalProcess process = LocalProcess.start(name, command, work, Map.of());
            process.awaitPort(port, Duration.ofSeconds(60));
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void useTestCredentials() {
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "test"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "test"));
    }

    String endpoint() {
        return endpoint;
    }

    /** A client of moto in {@code region}, closed with the fixture. */
    <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient> C client(
            B builder, Region region) {
        C client = builder.region(region)
                .endpointOverride(URI.create(endpoint))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        return keep(client);
    }

    /** An {@code aws} provider served by moto. */
    ProviderSettings provider(String name, String region, Map<String, String> options) {
        return new ProviderSettings(name, "aws", region, Optional.of(URI.create(endpoint)), options);
    }

    ProviderSettings provider(String name, String region) {
        return provider(name, region, Map.of());
    }

    /**
     * The worker's providers: {@code served} and {@link #UNREACHABLE} (an endpoint where nothing listens), with
     * a DNS sync timeout of 10 s; closed with the fixture.
     */
    Providers providers(String region, ProviderSettings... served) {
        List<ProviderSettings> all = new java.util.ArrayList<>(List.of(served));
        all.add(new ProviderSettings(
                UNREACHABLE, "aws", region, Optional.of(URI.create("http://127.0.0.1:" + Ports.free()))));
        Providers providers = Providers.connect(all, ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE));
        return keep(providers);
    }
}
