package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.baran.worker.action.CdnExtendTtl;
import io.baran.worker.action.CdnExtendTtlConformance;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepPlan;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.CacheBehavior;
import software.amazon.awssdk.services.cloudfront.model.CookiePreference;
import software.amazon.awssdk.services.cloudfront.model.DefaultCacheBehavior;
import software.amazon.awssdk.services.cloudfront.model.DistributionConfig;
import software.amazon.awssdk.services.cloudfront.model.ForwardedValues;
import software.amazon.awssdk.services.cloudfront.model.GetDistributionConfigResponse;
import software.amazon.awssdk.services.cloudfront.model.Origin;

/**
 * {@code cdn.extend-ttl} through CloudFront behaviours with legacy TTL settings, served by a real moto server
 * (behaviours on cache policies: {@link CloudFrontCachePolicyExtendTtlIT}).
 */
class CloudFrontExtendTtlIT extends CdnExtendTtlConformance {

    @RegisterExtension
    static final MotoFixture moto = MotoFixture.start("moto-cloudfront");

    private static CloudFrontClient direct;
    private static Providers providers;
    private static EtagCheckingProxy proxy;

    @BeforeAll
    static void connect() throws IOException {
        direct = moto.client(CloudFrontClient.builder(), Region.AWS_GLOBAL);
        proxy = new EtagCheckingProxy(moto.endpoint());
        providers = moto.providers(
                "us-east-1",
                moto.provider("aws-cdn", "us-east-1"),
                new ProviderSettings("aws-cdn-proxied", "aws", "us-east-1", Optional.of(URI.create(proxy.endpoint()))));
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return "aws-cdn";
    }

    @Override
    protected String unreachableProviderName() {
        return MotoFixture.UNREACHABLE;
    }

    @Override
    protected ControlPlane controlPlane() {
        return new ControlPlane("aws/us-east-1", "cloudfront", "CloudFront");
    }

    @Override
    protected boolean canServeStale() {
        return false;
    }

    @Override
    protected String newDistribution(CacheTtls behaviours) {
        ForwardedValues forward = ForwardedValues.builder()
                .queryString(false)
                .cookies(CookiePreference.builder().forward("none").build())
                .build();
        BehaviourTtls d = behaviours.behaviours().get(0);
        DefaultCacheBehavior.Builder defaultBehaviour = DefaultCacheBehavior.builder()
                .targetOriginId("origin")
                .viewerProtocolPolicy("redirect-to-https")
                .forwardedValues(forward)
                .minTTL(d.min())
                .defaultTTL(d.defaultTtl())
                .maxTTL(d.max());
        List<CacheBehavior> ordered = new ArrayList<>();
        for (BehaviourTtls b :
                behaviours.behaviours().subList(1, behaviours.behaviours().size())) {
            ordered.add(CacheBehavior.builder()
                    .pathPattern(b.path())
                    .targetOriginId("origin")
                    .viewerProtocolPolicy("allow-all")
                    .forwardedValues(forward)
                    .minTTL(b.min())
                    .defaultTTL(b.defaultTtl())
                    .maxTTL(b.max())
                    .build());
        }
        return direct.createDistribution(r -> r.distributionConfig(c -> c.callerReference(
                                UUID.randomUUID().toString())
                        .comment("shop")
                        .enabled(true)
                        .origins(o -> o.quantity(1)
                                .items(Origin.builder()
                                        .id("origin")
                                        .domainName("origin.example.com")
                                        .customOriginConfig(cc ->
                                                cc.httpPort(80).httpsPort(443).originProtocolPolicy("https-only"))
                                        .build()))
                        .defaultCacheBehavior(defaultBehaviour.build())
                        .cacheBehaviors(cb -> cb.quantity(ordered.size()).items(ordered))))
                .distribution()
                .id();
    }

    @Override
    protected CacheTtls readTtls(String distribution) {
        return CloudFrontCdn.ttls(
                direct.getDistributionConfig(b -> b.id(distribution)).distributionConfig());
    }

    @Override
    protected void setTtls(String distribution, BehaviourTtls ttls) {
        GetDistributionConfigResponse read = direct.getDistributionConfig(b -> b.id(distribution));
        CacheTtls current = CloudFrontCdn.ttls(read.distributionConfig());
        List<BehaviourTtls> changed = current.behaviours().stream()
                .map(b -> b.path().equals(ttls.path()) ? ttls : b)
                .toList();
        direct.updateDistribution(b -> b.id(distribution)
                .ifMatch(read.eTag())
                .distributionConfig(CloudFrontCdn.withTtls(read.distributionConfig(), new CacheTtls(changed))));
    }

    @Test
    void everyOtherSettingOfTheDistributionIsLeftAsItWas() {
        String id = newDistribution(BEFORE);
        DistributionConfig before = direct.getDistributionConfig(b -> b.id(id)).distributionConfig();
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = new CdnExtendTtl(providers).plan(command);

        new CdnExtendTtl(providers).apply(command, plan);
        DistributionConfig extended =
                direct.getDistributionConfig(b -> b.id(id)).distributionConfig();
        assertEquals(CloudFrontCdn.withTtls(before, AFTER), extended, "only the TTLs changed");

        new CdnExtendTtl(providers).undo(command, plan);
        assertEquals(before, direct.getDistributionConfig(b -> b.id(id)).distributionConfig(), "restored exactly");
    }

    @Test
    void anUpdateRefusedForAStaleEtagIsReadAgainAndMadeWithTheNewOne() {
        String id = newDistribution(BEFORE);
        StepCommand command = command("aws-cdn-proxied", id, "24h");
        StepPlan plan = new CdnExtendTtl(providers).plan(command);
        // Someone renames the distribution between Baran's read and its update; CloudFront answers 412 once.
        proxy.refuseNextUpdate(() -> direct.updateDistribution(b -> {
            GetDistributionConfigResponse read = direct.getDistributionConfig(g -> g.id(id));
            b.id(id)
                    .ifMatch(read.eTag())
                    .distributionConfig(read.distributionConfig().toBuilder()
                            .comment("renamed by hand")
                            .build());
        }));

        assertTrue(new CdnExtendTtl(providers).apply(command, plan).changed());

        assertEquals(2, proxy.updates.size(), "the refused update, then the one made from a fresh read");
        for (String[] update : proxy.updates) {
            assertEquals(update[1], update[0], "each update names the ETag of the read it was made from");
        }
        DistributionConfig after = direct.getDistributionConfig(b -> b.id(id)).distributionConfig();
        assertEquals("renamed by hand", after.comment(), "the change made meanwhile is kept");
        assertTrue(AFTER.sameAs(CloudFrontCdn.ttls(after)));
    }

    /**
     * Passes CloudFront calls through to moto, recording the ETag each read answered and the If-Match each
     * update sent; can answer one update with CloudFront's 412 PreconditionFailed after running a change.
     * moto itself does not check If-Match.
     */
    static final class EtagCheckingProxy implements AutoCloseable {
        private static final Set<String> NOT_FORWARDED =
                Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");
        final List<String[]> updates = new CopyOnWriteArrayList<>();
        private final HttpServer server;
        private final HttpClient http = HttpClient.newHttpClient();
        private final String target;
        private volatile String lastReadEtag;
        private volatile Runnable beforeRefusal;
        private final AtomicInteger refusals = new AtomicInteger();

        EtagCheckingProxy(String target) throws IOException {
            this.target = target;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void refuseNextUpdate(Runnable meanwhile) {
            beforeRefusal = meanwhile;
            refusals.set(1);
        }

        private void handle(HttpExchange exchange) throws IOException {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean update = exchange.getRequestMethod().equals("PUT")
                    && exchange.getRequestURI().getPath().endsWith("/config");
            if (update) {
                updates.add(new String[] {exchange.getRequestHeaders().getFirst("If-Match"), lastReadEtag});
                if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    beforeRefusal.run();
                    byte[] error =
                            ("<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">"
                                            + "<Error><Type>Sender</Type><Code>PreconditionFailed</Code><Message>The request failed because it "
                                            + "didn't meet the preconditions in one or more request-header fields.</Message></Error>"
                                            + "<RequestId>baran-test</RequestId></ErrorResponse>")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "text/xml");
                    exchange.sendResponseHeaders(412, error.length);
                    exchange.getResponseBody().write(error);
                    exchange.close();
                    return;
                }
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            try {
                HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                response.headers().map().forEach((name, values) -> {
                    if (!NOT_FORWARDED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                        values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                    }
                });
                if (exchange.getRequestMethod().equals("GET")
                        && exchange.getRequestURI().getPath().endsWith("/config")) {
                    lastReadEtag = response.headers().firstValue("ETag").orElse(null);
                }
                byte[] answer = response.body();
                exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) {
                    exchange.getResponseBody().write(answer);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
