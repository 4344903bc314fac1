package io.baran.worker.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.NoSuchHostedZoneException;

/**
 * Route 53's {@code GetHostedZoneLimit} (API 2013-04-01, {@code GET /2013-04-01/hostedzonelimit/{Id}/{Type}}), which
 * moto 5.2 does not implement, served by WireMock on 127.0.0.1 in front of moto: every other Route 53 call is proxied
 * to moto, which keeps the zones and their record sets. The answer's {@code Count} is the zone's record-set count as
 * moto keeps it ({@code GetHostedZone}'s {@code ResourceRecordSetCount}); its {@code Limit} is 10,000 (Route 53's
 * default) unless the test lowers it for a zone. Answers in the API reference's shapes: {@code NoSuchHostedZone} (404)
 * for an unknown zone, {@code HostedZoneNotPrivate} (400) for {@code MAX_VPCS_ASSOCIATED_BY_ZONE} of a public zone,
 * {@code InvalidInput} (400) for another type, and {@code AccessDenied} (403) while {@link #deny} is set, as for a
 * principal without {@code route53:GetHostedZoneLimit}.
 */
final class FakeRoute53Limits implements ResponseDefinitionTransformerV2, AutoCloseable {

    static final String XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/";
    static final long DEFAULT_LIMIT = 10_000;

    private static final Pattern LIMIT = Pattern.compile("/2013-04-01/hostedzonelimit/([^/]+)/([^/]+)");

    /** The zone ids asked about, oldest first. */
    final List<String> asked = new CopyOnWriteArrayList<>();

    private final Map<String, Long> limits = new ConcurrentHashMap<>();
    private final Route53Client moto;
    private final WireMockServer server;
    private volatile boolean deny;

    private FakeRoute53Limits(String motoEndpoint, Route53Client moto) {
        this.moto = moto;
        server = new WireMockServer(
                options().bindAddress("127.0.0.1").dynamicPort().extensions(this));
        server.start();
        server.stubFor(any(urlPathMatching("/2013-04-01/hostedzonelimit/.*"))
                .atPriority(1)
                .willReturn(aResponse().withTransformers(getName())));
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(motoEndpoint)));
    }

    /** In front of moto at {@code motoEndpoint}; {@code moto} is a client of it, to read the zones' counts. */
    static FakeRoute53Limits inFrontOf(String motoEndpoint, Route53Client moto) {
        return new FakeRoute53Limits(motoEndpoint, moto);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The zone's limit of record sets, as raised or lowered through a quota request. */
    void limit(String zoneId, long limit) {
        limits.put(bare(zoneId), limit);
    }

    /** Whether the caller lacks {@code route53:GetHostedZoneLimit}. */
    void deny(boolean denied) {
        deny = denied;
    }

    @Override
    public String getName() {
        return "fake-route53-limits";
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        String method = event.getRequest().getMethod().getName();
        String path = event.getRequest().getUrl().split("\\?")[0];
        Matcher m = LIMIT.matcher(path);
        if (!method.equals("GET") || !m.matches()) {
            return error(400, "InvalidInput", "Invalid request: " + method + " " + path);
        }
        String zoneId = bare(m.group(1));
        String type = m.group(2);
        asked.add(zoneId);
        if (deny) {
            return error(
                    403,
                    "AccessDenied",
                    "User: arn:aws:iam::123456789012:user/baran is not authorized to perform: "
                            + "route53:GetHostedZoneLimit on resource: arn:aws:route53:::hostedzone/" + zoneId
                            + " because no identity-based policy allows the route53:GetHostedZoneLimit action");
        }
        HostedZone zone;
        try {
            zone = moto.getHostedZone(b -> b.id(zoneId)).hostedZone();
        } catch (NoSuchHostedZoneException e) {
            return error(404, "NoSuchHostedZone", "No hosted zone found with ID: " + zoneId);
        }
        if (type.equals("MAX_VPCS_ASSOCIATED_BY_ZONE")) {
            return error(400, "HostedZoneNotPrivate", "The specified hosted zone is a public hosted zone.");
        }
        if (!type.equals("MAX_RRSETS_BY_ZONE")) {
            return error(400, "InvalidInput", "1 validation error detected: Value '" + type + "' at 'type' failed");
        }
        return xml(
                200,
                "<GetHostedZoneLimitResponse xmlns=\"" + XMLNS + "\"><Limit><Type>MAX_RRSETS_BY_ZONE</Type><Value>"
                        + limits.getOrDefault(zoneId, DEFAULT_LIMIT) + "</Value></Limit><Count>"
                        + zone.resourceRecordSetCount() + "</Count></GetHostedZoneLimitResponse>");
    }

    private static ResponseDefinition error(int status, String code, String message) {
        return xml(
                status,
                "<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>"
                        + message + "</Message></Error><RequestId>baran-test</RequestId></ErrorResponse>");
    }

    private static ResponseDefinition xml(int status, String body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("x-amzn-RequestId", "baran-test")
                .withHeader("Content-Type", "text/xml")
                .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body)
                .build();
    }

    private static String bare(String zoneId) {
        return zoneId.substring(zoneId.lastIndexOf('/') + 1);
    }

    @Override
    public void close() {
        server.stop();
    }
}
