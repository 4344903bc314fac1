package io.baran.detector.probe;

import io.smallrye.mutiny.Uni;
import io.vertx.core.net.NetClient;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

/**
 * Checks that an https endpoint's certificate is trusted, matches its host name, and stays valid for at least the
 * configured time, by a TLS handshake of its own: the HTTP client does not expose the peer's certificate. Yields
 * null when the certificate is fine, or the failed result.
 */
final class CertificateCheck {

    private final NetClient tls;
    private final String host;
    private final int port;
    private final Duration minValidity;
    private final Duration timeout;
    private final io.vertx.core.Vertx vertx;

    CertificateCheck(NetClient tls, String host, int port, Duration minValidity, Duration timeout, io.vertx.core.Vertx vertx) {
        this.vertx = vertx;
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.minValidity = minValidity;
        this.timeout = timeout;
    }

    Uni<ProbeResult> check() {
        return Deadline.within(vertx, timeout, () -> Connections.open(tls, port, host, host))
                .map(socket -> {
                    try {
                        X509Certificate leaf = (X509Certificate) socket.peerCertificates().get(0);
                        Instant notAfter = leaf.getNotAfter().toInstant();
                        Duration left = Duration.between(Instant.now(), notAfter);
                        return left.compareTo(minValidity) < 0
                                ? ProbeResult.failed("TLS certificate expires at " + notAfter + ", in less than the required "
                                + Durations.text(minValidity))
                                : null;
                    } catch (Exception e) {
                        return ProbeResult.failed("TLS peer certificate unreadable: " + e.getMessage());
                    } finally {
                        socket.close();
                    }
                })
                .onFailure().recoverWithItem(failure -> failure instanceof TimeoutException
                        ? ProbeResult.failed("no TLS handshake within " + timeout.toMillis() + "ms")
                        : ProbeResult.failed("TLS handshake failed: " + failure.getMessage()));
    }
}
