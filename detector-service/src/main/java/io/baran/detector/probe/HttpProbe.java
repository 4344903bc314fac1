package io.baran.detector.probe;

import io.baran.detector.config.TargetDefinition;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;

import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * One HTTP GET against a target, without blocking: the probe passes when the answer's status is the expected one,
 * its body holds the expected text (when one is configured), its certificate stays valid long enough (when that
 * is checked) and it all arrives within the target's timeout. Every failure, including a refused connection,
 * becomes a failed {@link ProbeResult}; {@link #run()} never fails.
 */
final class HttpProbe implements Probe {

    /** Bodies larger than this are not searched; health endpoints answer in a few bytes. */
    static final int MAX_BODY = 64 * 1024;

    /** Every this many probes, the connection is closed after the exchange, so the next one connects anew. */
    static final int FRESH_CONNECTION_EVERY = 30;

    private final WebClient client;
    /** Probes of one target never overlap, so no two threads count at once. */
    private int probes;
    private final TargetDefinition target;
    private final CertificateCheck certificates;
    private final io.vertx.core.Vertx vertx;
    /** The URL taken apart once: parsing it again for every probe is work thousands of targets repeat every second. */
    private final String host;
    private final int port;
    private final String requestUri;
    private final boolean ssl;

    HttpProbe(WebClient client, TargetDefinition target) {
        this(client, target, null, null);
    }

    /** @param vertx whose timers bound the exchange; null to use Mutiny's */
    HttpProbe(WebClient client, TargetDefinition target, CertificateCheck certificates, io.vertx.core.Vertx vertx) {
        this.client = client;
        this.target = target;
        this.certificates = certificates;
        this.vertx = vertx;
        java.net.URI uri = java.net.URI.create(target.url().toString());
        this.ssl = "https".equalsIgnoreCase(uri.getScheme());
        // An IPv6 literal comes bracketed, as a URL writes it; the client wants the address alone.
        this.host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        this.port = uri.getPort() >= 0 ? uri.getPort() : ssl ? 443 : 80;
        this.requestUri = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    @Override
    public TargetDefinition target() {
        return target;
    }

    @Override
    public Uni<ProbeResult> run() {
        // Vert.x's own timeout only bounds silence between bytes; this bounds the whole exchange.
        Uni<ProbeResult> exchange = Deadline.within(vertx, target.timeout(), this::send)
                .onFailure().recoverWithItem(this::describe);
        if (certificates == null) {
            return exchange;
        }
        return certificates.check().onItem().transformToUni(failed -> failed == null ? exchange : Uni.createFrom().item(failed));
    }

    private Uni<ProbeResult> send() {
        Pattern bodyMatch = target.checks().bodyMatch().orElse(null);
        if (bodyMatch == null) {
            HttpRequest<Void> request = prepare(client.get(port, host, requestUri).as(BodyCodec.none()));
            return request.send().map(response -> judge(response.statusCode(), null, null));
        }
        HttpRequest<String> request = prepare(client.get(port, host, requestUri).as(BodyCodec.string()));
        return request.send().map(response -> judge(response.statusCode(), body(response), bodyMatch));
    }

    private <T> HttpRequest<T> prepare(HttpRequest<T> request) {
        request.ssl(ssl).timeout(target.timeout().toMillis());
        if (++probes % FRESH_CONNECTION_EVERY == 0) {
            // The connection ends with this exchange, so the next probe connects anew: a server that still answers on
            // old connections but accepts no new ones is found out within this many probes.
            request.putHeader("Connection", "close");
        }
        target.url().credentials().ifPresent(c -> request.basicAuthentication(c.username(), c.password()));
        return request;
    }

    private static String body(HttpResponse<String> response) {
        String body = response.body();
        return body == null ? "" : body.length() > MAX_BODY ? body.substring(0, MAX_BODY) : body;
    }

    private ProbeResult judge(int status, String body, Pattern bodyMatch) {
        if (!target.accepts(status)) {
            return ProbeResult.failed("HTTP " + status + ", expected " + target.expectedStatuses());
        }
        if (bodyMatch != null && !bodyMatch.matcher(body).find()) {
            return ProbeResult.failed("HTTP " + status + ", body does not match /" + bodyMatch.pattern() + "/");
        }
        return ProbeResult.passed("HTTP " + status);
    }

    private ProbeResult describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return ProbeResult.failed("no answer within " + target.timeout().toMillis() + "ms");
        }
        // The request never carries user-info, so the client's messages cannot repeat credentials.
        return Probe.describe(failure);
    }
}
