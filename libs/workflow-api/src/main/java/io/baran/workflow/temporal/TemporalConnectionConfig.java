package io.baran.workflow.temporal;

import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/**
 * How a service reaches Temporal, under {@code baran.temporal}: the same keys in the orchestrator and the
 * replication-worker, whose own {@code @ConfigMapping(prefix = "baran.temporal")} interfaces extend this one.
 * {@link TemporalConnection#of(TemporalConnectionConfig)} turns it into what {@link io.baran.workflow.TemporalClients}
 * connects with. Secrets ({@code api-key}, {@code codec.keys}) come from the environment, never from a committed
 * file, and are never logged.
 */
public interface TemporalConnectionConfig {

    /** host:port of the Temporal frontend (Temporal Cloud: {@code <namespace>.<account>.tmprl.cloud:7233}). */
    @WithDefault("127.0.0.1:7233")
    String target();

    /** The Temporal namespace. */
    @WithDefault("default")
    String namespace();

    /** TLS to the frontend. */
    Tls tls();

    /**
     * A Temporal Cloud API key (environment {@code BARAN_TEMPORAL_API_KEY}), sent as a bearer token on every call.
     * Setting it turns TLS on.
     */
    Optional<String> apiKey();

    /** The payload codec that encrypts what histories hold. */
    Codec codec();

    interface Tls {

        /**
         * TLS to the frontend. Also on, whatever this says, when a certificate, a CA or an API key is configured:
         * nothing secret is ever sent in plain text.
         */
        @WithDefault("false")
        boolean enabled();

        /** PEM file: this service's client certificate (chain), for mTLS. Needs {@link #key()}. */
        Optional<String> cert();

        /** PEM file: the client certificate's private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}). */
        Optional<String> key();

        /** PEM file: the CA(s) that signed the frontend's certificate; without it, the JDK's trusted roots. */
        Optional<String> ca();

        /** The name the frontend's certificate must carry when it differs from the target's host name. */
        Optional<String> serverName();
    }

    interface Codec {

        /**
         * Whether a service refuses to start without an encryption key (the default): histories must never hold
         * plain text by accident. Only a test or a throw-away local set-up should set it to false.
         */
        @WithDefault("true")
        boolean required();

        /** The key id new payloads are encrypted with; one of {@link #keys()}. */
        Optional<String> activeKey();

        /**
         * Every key that may decrypt, by key id: base64 of 32 random bytes (AES-256), e.g.
         * the environment variable {@code baran.temporal.codec.keys.k2026a=$(openssl rand -base64 32)} for key id
         * {@code k2026a} (under its own name, as every map entry; {@code BARAN_TEMPORAL_CODEC_KEYS_K2026A} also works for
         * an id of lower-case letters and digits). Rotating adds
         * a new key, makes it active and keeps the old one until no open history needs it.
         */
        Map<String, String> keys();

        /**
         * The orchestrator's codec endpoint ({@code /codec/decode}, {@code /codec/encode}) answers the browser's CORS
         * pre-flight of this origin only: the Temporal Web UI's, e.g. {@code https://temporal.example.com}. Unset, no
         * browser page of another origin may call it. The other services ignore it.
         */
        Optional<String> uiOrigin();
    }
}
