package io.baran.detector.probe;

import com.azure.storage.blob.BlobServiceClient;
import com.google.cloud.storage.Storage;
import io.baran.detector.config.ProbeEndpoint;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.config.TargetDefinitions;
import io.baran.egress.EgressPolicy;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.dns.DnsClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Makes the probe for each target, sharing clients between targets: one TCP client (for http targets), one
 * TLS client per extra CA file (for https targets), one DNS client per resolver, one S3 client per endpoint and
 * region, one Cloud Storage client per endpoint, one Blob Storage client per account and endpoint. Closing it
 * closes them all.
 */
public final class Probes implements AutoCloseable {

    private final Vertx vertx;
    private final String vantage;
    private final Map<String, NetClient> tlsClients = new ConcurrentHashMap<>();
    private final Map<String, DnsClient> dnsClients = new ConcurrentHashMap<>();
    private final Map<String, S3Client> s3Clients = new ConcurrentHashMap<>();
    private final Map<String, Storage> gcsClients = new ConcurrentHashMap<>();
    private final Map<String, BlobServiceClient> azureClients = new ConcurrentHashMap<>();
    private final Function<String, String> environment;
    private final NetClient tcp;
    private final EgressPolicy egress;
    private volatile ExecutorService canaryThreads;

    public Probes(Vertx vertx, String vantage) {
        this(vertx, vantage, System::getenv);
    }

    /** @param environment where the variables that {@code account-key-env} names are read */
    public Probes(Vertx vertx, String vantage, Function<String, String> environment) {
        this(vertx, vantage, environment, TargetDefinitions.ALWAYS_REFUSED);
    }

    /**
     * @param environment where the variables that {@code account-key-env} names are read
     * @param egress      where http, tcp and dns probes may connect: checked at every connection (for dns, every query),
     *                    on the address connected to
     */
    public Probes(Vertx vertx, String vantage, Function<String, String> environment, EgressPolicy egress) {
        this.egress = egress;
        this.vertx = vertx;
        this.vantage = vantage;
        this.environment = environment;
        this.tcp = vertx.getDelegate().createNetClient(new NetClientOptions().setConnectTimeout(30_000));
    }

    public Probe create(TargetDefinition target) {
        ProbeEndpoint endpoint = target.endpoint();
        Probe probe;
        if (endpoint instanceof ProbeEndpoint.Http http) {
            java.net.URI uri = java.net.URI.create(http.url().requested());
            NetClient client = "https".equalsIgnoreCase(uri.getScheme())
                    ? tls(target.checks().caFile().orElse(""))
                    : tcp;
            probe = new HttpProbe(client, target, "baran-detector/" + vantage, vertx.getDelegate(), egress);
        } else if (endpoint instanceof ProbeEndpoint.Tcp) {
            probe = new TcpProbe(target, vertx.getDelegate(), egress);
        } else if (endpoint instanceof ProbeEndpoint.Dns) {
            probe = new DnsProbe(this::dnsClient, target, vertx.getDelegate(), egress);
        } else if (endpoint instanceof ProbeEndpoint.S3 s3) {
            probe = new S3CanaryProbe(s3(s3, target.timeout()), canaryThreads(), target, vantage, egress);
        } else if (endpoint instanceof ProbeEndpoint.Gcs gcs) {
            probe = new GcsCanaryProbe(
                    CanaryClients.gcs(gcsClients, gcs, target.timeout()), canaryThreads(), target, vantage, egress);
        } else if (endpoint instanceof ProbeEndpoint.Azure azure) {
            BlobServiceClient service = CanaryClients.azure(azureClients, azure, target.timeout(), environment);
            probe = new AzureCanaryProbe(
                    service.getBlobContainerClient(azure.container()).getBlobClient(azure.blob()),
                    canaryThreads(),
                    target,
                    vantage,
                    egress);
        } else {
            throw new IllegalArgumentException("no probe for " + endpoint.kind());
        }
        return target.checks()
                .maxLatency()
                .<Probe>map(max -> new LatencyCeiling(probe, max))
                .orElse(probe);
    }

    /** A DNS client asking the resolver at this address (one the egress policy admitted), shared by its probes. */
    private DnsClient dnsClient(InetSocketAddress resolver) {
        String address = resolver.getAddress().getHostAddress();
        return dnsClients.computeIfAbsent(
                address + "|" + resolver.getPort(),
                k -> vertx.createDnsClient(new DnsClientOptions()
                        .setHost(address)
                        .setPort(resolver.getPort())
                        .setQueryTimeout(30_000)
                        .setRecursionDesired(true)));
    }

    /** A TLS client verifying the server's host name, trusting the JDK's CAs and the given CA file (if not empty). */
    private NetClient tls(String caFile) {
        return tlsClients.computeIfAbsent(caFile, k -> {
            NetClientOptions options = new NetClientOptions()
                    .setSsl(true)
                    .setHostnameVerificationAlgorithm("HTTPS")
                    .setConnectTimeout(30_000);
            if (!k.isEmpty()) {
                options.setTrustOptions(new PemTrustOptions().addCertPath(k));
            }
            return vertx.getDelegate().createNetClient(options);
        });
    }

    private S3Client s3(ProbeEndpoint.S3 s3, Duration timeout) {
        String key = s3.endpoint().map(Object::toString).orElse("") + "|" + s3.region() + "|" + timeout.toMillis();
        return s3Clients.computeIfAbsent(key, k -> {
            S3ClientBuilder builder = S3Client.builder()
                    .region(Region.of(s3.region()))
                    // Credentials only from the environment or the SDK's default chain; never from the target.
                    .credentialsProvider(DefaultCredentialsProvider.builder().build())
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(timeout)
                            .socketTimeout(timeout))
                    // One attempt per probe: retrying would hide the failure the probe is there to see.
                    .overrideConfiguration(c -> c.apiCallTimeout(timeout).retryStrategy(AwsRetryStrategy.doNotRetry()));
            s3.endpoint()
                    .ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
            return builder.build();
        });
    }

    /**
     * The threads of the canaries' blocking calls: one for each call in flight, kept for a minute when idle, and no
     * queue. A canary has at most one call in flight ({@link CanaryProbe}), so there are never more threads than
     * canaries (and the calls of canaries no longer probed, until their SDK gives up); a call never waits behind
     * another canary's, however long that one hangs.
     */
    private ExecutorService canaryThreads() {
        if (canaryThreads == null) {
            synchronized (this) {
                if (canaryThreads == null) {
                    AtomicInteger n = new AtomicInteger();
                    canaryThreads = Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r, "baran-canary-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                }
            }
        }
        return canaryThreads;
    }

    @Override
    public void close() {
        tlsClients.values().forEach(NetClient::close);
        tcp.close();
        s3Clients.values().forEach(S3Client::close);
        CanaryClients.close(gcsClients.values());
        if (canaryThreads != null) {
            canaryThreads.shutdownNow();
        }
    }
}
