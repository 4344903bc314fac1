package io.baran.detector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Signatures, under {@code baran.signing}: the key this vantage signs its verdicts, simulations and (as an aggregator)
 * outage events with, and the roster of vantage keys whose verdicts the aggregator counts. The orchestrator reads the
 * same {@code baran.signing.roster}. See {@link io.baran.events.EventSignature} for the format.
 */
@ConfigMapping(prefix = "baran.signing")
public interface SigningConfig {

    /**
     * This vantage's private EC P-256 key itself: a PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}) or a private JWK.
     * Best given as the environment variable {@code BARAN_SIGNING_KEY} from a secret; never logged. When neither this
     * nor {@code key-file} is set, the vantage makes an ephemeral key at start and says so: only this instance's own
     * aggregator trusts it.
     */
    Optional<String> key();

    /** A file holding the private key (same formats as {@code key}), e.g. a mounted secret. */
    Optional<String> keyFile();

    /**
     * The key id ({@code kid}) this vantage signs with, as the roster names the key; defaults to the JWK's own
     * {@code kid}, else to the vantage id. Give each key its own id when rotating (e.g. {@code eu-1-2026-12}).
     */
    Optional<String> keyId();

    /**
     * The keys whose verdicts count, by key id: {@code baran.signing.roster."<kid>".vantage} (the vantage the key
     * belongs to) and {@code .public-key} (PEM, its DER in base64 on one line, or a public JWK). Several keys may
     * belong to one vantage; a vantage counts once in a quorum whichever of its keys signed. A verdict that is
     * unsigned, signed with a key not listed here, or signed with one vantage's key in the name of another is not
     * counted ({@code baran_quorum_verdicts_refused_total}). This vantage's own key is always trusted by its own
     * aggregator.
     */
    Map<String, RosterKey> roster();

    /**
     * How far a verdict's own time may be from the time Kafka stamped it before it counts as a replay (or a vantage
     * with a wrong clock).
     */
    @WithDefault("30s")
    Duration maxClockSkew();

    /** How many recent verdict ids the aggregator remembers to recognise a verdict written again. */
    @WithDefault("100000")
    int seenIds();

    /** One key of the roster. */
    interface RosterKey {
        String vantage();

        String publicKey();
    }
}
