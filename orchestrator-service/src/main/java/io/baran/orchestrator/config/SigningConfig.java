package io.baran.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;

/**
 * Which detector vantages may trigger failovers: the roster of their public keys, under {@code baran.signing}
 * (the same keys as detector-service's). An outage event is acted on only when it is signed by a key of the roster
 * and names that key's vantage; see {@link io.baran.events.EventSignature}.
 */
@ConfigMapping(prefix = "baran.signing")
public interface SigningConfig {

    /**
     * The accepted keys by key id ({@code kid}): {@code baran.signing.roster."<kid>".vantage} and
     * {@code .public-key}. A vantage may have several keys (rotation: add the new one, switch the detector, remove
     * the old one). Empty (the default): every event is refused, and the service says so at start.
     */
    Map<String, RosterKey> roster();

    /** How many recent event ids are remembered to refuse a replayed event (the oldest are forgotten first). */
    @WithDefault("100000")
    int seenIds();

    /** One key of the roster. */
    interface RosterKey {
        /** The vantage (detector instance id, {@code baran.detector.vantage}) the key belongs to. */
        String vantage();

        /**
         * The EC P-256 public key: PEM ({@code -----BEGIN PUBLIC KEY-----}), its DER in base64 on one line, or a public
         * JWK.
         */
        String publicKey();
    }
}
