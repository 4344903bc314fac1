package io.baran.workflow.temporal;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything needed to open a connection to a Temporal frontend: where, which namespace, TLS and API key.
 * {@link #toString()} never shows the API key.
 */
public record TemporalConnection(String target, String namespace, Tls tls, Optional<String> apiKey) {

    /**
     * TLS settings. {@code enabled} is the effective value: {@link #of} turns it on when a certificate, a CA or an
     * API key is configured.
     */
    public record Tls(
            boolean enabled, Optional<Path> cert, Optional<Path> key, Optional<Path> ca, Optional<String> serverName) {

        public static final Tls OFF =
                new Tls(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        public Tls {
            if (cert.isPresent() != key.isPresent()) {
                throw new IllegalArgumentException(
                        "baran.temporal.tls.cert and baran.temporal.tls.key go together (mTLS): "
                                + (cert.isPresent() ? "the key is missing" : "the certificate is missing"));
            }
        }

        public boolean mutual() {
            return cert.isPresent();
        }
    }

    public TemporalConnection {
        apiKey = apiKey.filter(k -> !k.isBlank());
        if (apiKey.isPresent() && !tls.enabled()) {
            throw new IllegalArgumentException("an API key is only ever sent over TLS");
        }
    }

    /** A plain-text connection, as to a local dev server. */
    public static TemporalConnection plain(String target, String namespace) {
        return new TemporalConnection(target, namespace, Tls.OFF, Optional.empty());
    }

    public static TemporalConnection of(TemporalConnectionConfig config) {
        TemporalConnectionConfig.Tls tls = config.tls();
        Optional<String> apiKey = config.apiKey().filter(k -> !k.isBlank());
        boolean enabled = tls.enabled() || tls.cert().isPresent() || tls.ca().isPresent() || apiKey.isPresent();
        return new TemporalConnection(
                config.target(),
                config.namespace(),
                new Tls(
                        enabled,
                        tls.cert().map(Path::of),
                        tls.key().map(Path::of),
                        tls.ca().map(Path::of),
                        tls.serverName().filter(n -> !n.isBlank())),
                apiKey);
    }

    /** For logs: target, namespace and how the connection is secured, never the key. */
    public String describe() {
        String security = !tls.enabled()
                ? "plain text"
                : (tls.mutual() ? "mTLS" : "TLS")
                        + tls.serverName().map(n -> ", server name " + n).orElse("");
        return target + " (namespace " + namespace + ", " + security + (apiKey.isPresent() ? ", API key" : "") + ")";
    }

    @Override
    public String toString() {
        return "TemporalConnection[" + describe() + "]";
    }
}
