package io.baran.detector.probe;

import com.google.re2j.Pattern;
import io.baran.detector.config.TargetDefinition;
import io.baran.egress.EgressPolicy;
import io.netty.util.NetUtil;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.NetClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP GET against a target, without blocking: the probe passes when the answer's status is the expected one,
 * its body holds the expected text (when one is configured), its certificate stays valid long enough (when that
 * is checked) and it all arrives within the target's timeout. Every failure, including a refused connection,
 * becomes a failed {@link ProbeResult}; {@link #run()} never fails.
 *
 * <p>Each target keeps its own connection ({@link HttpConnection}) from one probe to the next, and still connects
 * anew every {@link #FRESH_CONNECTION_EVERY} probes, so that a server answering on old connections but accepting no
 * new ones is found out. A target probed less often than {@link #KEEP_ALIVE} connects for every probe: a connection
 * idle that long may be dropped by the server or a load balancer in between at any moment.
 */
final class HttpProbe implements Probe {

    /** Bodies larger than this are not searched; health endpoints answer in a few bytes. */
    static final int MAX_BODY = 64 * 1024;

    /** Every this many probes, the connection is closed after the exchange, so the next one connects anew. */
    static final int FRESH_CONNECTION_EVERY = 30;

    /**
     * The longest interval between probes over which a connection is kept: shorter than the idle timeouts of usual
     * servers and load balancers (60 s and more).
     */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(20);

    private final TargetDefinition target;
    /** How long the server's certificate must stay valid; null when that is not checked. */
    private final Duration minValidity;

    private final io.vertx.core.Vertx vertx;
    private final HttpConnection connection;
    private final Pattern bodyMatch;
    private final boolean keepConnection;
    /** Probes of one target never overlap, so no two threads count at once. */
    private int probes;

    /**
     * @param client    plain TCP for http, TLS (verifying the host name) for https
     * @param userAgent the User-Agent header's value
     * @param vertx     whose event loop times the exchange
     * @param egress    where the connection may go, checked on the address resolved for each connection
     */
    HttpProbe(
            NetClient client,
            TargetDefinition target,
            String userAgent,
            io.vertx.core.Vertx vertx,
            EgressPolicy egress) {
        this.target = target;
        this.minValidity = target.checks().tlsMinValidity().orElse(null);
        this.vertx = vertx;
        this.bodyMatch = target.checks().bodyMatch().orElse(null);
        this.keepConnection = target.interval().compareTo(KEEP_ALIVE) <= 0;
        java.net.URI uri = java.net.URI.create(target.url().requested());
        boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
        // An IPv6 literal comes bracketed, as a URL writes it; the client wants the address alone.
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        int port = uri.getPort() >= 0 ? uri.getPort() : ssl ? 443 : 80;
        // A TLS server name is a DNS name: a host given as an address is verified against the certificate without one.
        String serverName = ssl && !NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host) ? host : null;
        this.connection = new HttpConnection(
                client,
                (io.vertx.core.impl.VertxInternal) vertx,
                egress,
                host,
                port,
                serverName,
                request(uri, userAgent, false),
                request(uri, userAgent, true),
                bodyMatch == null ? 0 : MAX_BODY,
                ssl && minValidity != null);
    }

    /** The request's bytes, made once: the URL's path and query, its host and port, and its credentials if any. */
    private byte[] request(java.net.URI uri, String userAgent, boolean close) {
        StringBuilder text =
                new StringBuilder(128).append("GET ").append(uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            text.append('?').append(uri.getRawQuery());
        }
        // The URL as shown carries no user-info, so its authority is the Host header's value.
        text.append(" HTTP/1.1\r\nHost: ")
                .append(uri.getRawAuthority())
                .append("\r\nUser-Agent: ")
                .append(userAgent)
                .append("\r\nAccept: */*\r\n");
        target.url()
                .credentials()
                .ifPresent(c -> text.append("Authorization: Basic ")
                        .append(Base64.getEncoder()
                                .encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8)))
                        .append("\r\n"));
        if (close) {
            text.append("Connection: close\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public TargetDefinition target() {
        return target;
    }

    @Override
    public Uni<ProbeResult> run() {
        // The connection's own timeouts only bound connecting; this bounds the whole exchange.
        return Deadline.within(vertx, target.timeout(), this::send).onFailure().recoverWithItem(this::describe);
    }

    @Override
    public void close() {
        connection.close();
    }

    private Uni<ProbeResult> send() {
        boolean closeAfter = !keepConnection || ++probes % FRESH_CONNECTION_EVERY == 0;
        return connection.exchange(closeAfter).map(this::judge);
    }

    private ProbeResult judge(HttpConnection.Answer answer) {
        if (answer.certificate() != null) {
            // Trust and the host name were checked when the connection was opened; how long it stays valid, now.
            Instant notAfter = answer.certificate().getNotAfter().toInstant();
            if (Duration.between(Instant.now(), notAfter).compareTo(minValidity) < 0) {
                return ProbeResult.failed("TLS certificate expires at " + notAfter + ", in less than the required "
                        + Durations.text(minValidity));
            }
        }
        int status = answer.status();
        String body = answer.body();
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
