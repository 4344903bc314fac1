package io.baran.detector.config;

import io.baran.events.SigningKey;
import io.baran.events.VantageRoster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checked signing settings: this vantage's key and the roster its aggregator trusts (with this vantage's own key
 * added when its public half is known).
 *
 * @param ephemeral the key was made at start because none was configured
 * @param listed    the configured roster (the one the orchestrator and the other aggregators read) lists this key
 */
public record SigningSettings(
        SigningKey key, VantageRoster roster, Duration maxClockSkew, int seenIds, boolean ephemeral, boolean listed) {

    /**
     * What to warn about when this vantage's own key is not in the configured roster, which the other aggregators
     * and the orchestrator read too: they refuse what this instance signs (the orchestrator dead-letters the outage
     * events its aggregator publishes). Judged against the roster as configured, not as completed here: a key whose
     * public half is known (a JWK) is added for this instance's own aggregator, and that must not hide that no one
     * else knows it. Names the property to add and the public half to give it, never the private key. An ephemeral
     * key is warned about on its own.
     *
     * @param vantage this vantage's id
     * @return the warning, or empty when the roster lists the key (or the key is ephemeral)
     */
    public Optional<String> rosterWarning(String vantage) {
        if (listed || ephemeral) {
            return Optional.empty();
        }
        String property = "baran.signing.roster.\"" + key.kid() + "\"";
        if (key.publicKey() == null) {
            return Optional.of("vantage " + vantage + ": its own key " + key.kid() + " is not in"
                    + " baran.signing.roster (a PEM key's public half is not known here): its own verdicts do not count"
                    + " in its aggregator's quorum, and the other aggregators and the orchestrator refuse what it signs"
                    + " (the orchestrator dead-letters its outage events) until " + property + ".vantage=" + vantage
                    + " and " + property + ".public-key are set, here and there");
        }
        return Optional.of("vantage " + vantage + ": its own key " + key.kid() + " is not in"
                + " baran.signing.roster: its own aggregator counts its verdicts, but the other aggregators and the"
                + " orchestrator, which read the same roster, refuse what it signs (the orchestrator dead-letters the"
                + " outage events this instance publishes) until " + property + ".vantage=" + vantage + " and "
                + property + ".public-key=" + key.publicKeyText() + " are set, here and there");
    }

    /**
     * @throws TargetDefinitions.InvalidConfigException naming every property that is wrong (never quoting a key)
     */
    public static SigningSettings from(SigningConfig config, String vantage) {
        List<String> problems = new ArrayList<>();
        String prefix = "baran.signing.";
        SigningKey key = null;
        boolean ephemeral = false;
        String kid = config.keyId().map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        String text = config.key().filter(s -> !s.isBlank()).orElse(null);
        String source = prefix + "key";
        if (text != null && config.keyFile().isPresent()) {
            problems.add(prefix + "key and " + prefix + "key-file: give one of them, not both");
        } else if (text == null && config.keyFile().isPresent()) {
            source = prefix + "key-file";
            try {
                text = Files.readString(Path.of(config.keyFile().get()));
            } catch (IOException | RuntimeException e) {
                problems.add(source + ": cannot read " + config.keyFile().get() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        if (text != null) {
            try {
                boolean jwk = text.strip().startsWith("{");
                key = SigningKey.parse(kid != null ? kid : jwk ? null : vantage, text);
            } catch (IllegalArgumentException e) {
                problems.add(source + ": " + e.getMessage());
            }
        } else if (problems.isEmpty()) {
            key = SigningKey.generate(
                    kid != null ? kid : vantage + "-ephemeral-" + Long.toHexString(System.nanoTime() & 0xffffff));
            ephemeral = true;
        }
        VantageRoster roster = VantageRoster.empty();
        Map<String, VantageRoster.Entry> entries = new HashMap<>();
        config.roster()
                .forEach((id, entry) -> entries.put(id, new VantageRoster.Entry(entry.vantage(), entry.publicKey())));
        try {
            roster = VantageRoster.parse(entries);
        } catch (IllegalArgumentException e) {
            problems.add(prefix + "roster: " + e.getMessage());
        }
        if (key != null) {
            VantageRoster.Member listed = roster.member(key.kid()).orElse(null);
            if (listed != null && !listed.vantage().equals(vantage)) {
                problems.add(prefix + "roster.\"" + key.kid() + "\".vantage: this vantage (" + vantage
                        + ") signs with key " + key.kid() + ", which the roster gives to vantage " + listed.vantage());
            } else if (listed != null
                    && key.publicKey() != null
                    && !java.util.Arrays.equals(
                            listed.key().getEncoded(), key.publicKey().getEncoded())) {
                problems.add(prefix + "roster.\"" + key.kid()
                        + "\".public-key: is not the public half of this vantage's key");
            }
        }
        if (config.maxClockSkew().isNegative() || config.maxClockSkew().isZero()) {
            problems.add(prefix + "max-clock-skew: must be positive");
        }
        if (config.seenIds() < 1) {
            problems.add(prefix + "seen-ids: " + config.seenIds() + " is below 1");
        }
        if (!problems.isEmpty()) {
            throw new TargetDefinitions.InvalidConfigException(problems);
        }
        boolean listed = roster.member(key.kid()).isPresent();
        if (key.publicKey() != null) {
            try {
                roster = roster.with(new VantageRoster.Member(key.kid(), vantage, key.publicKey()));
            } catch (IllegalArgumentException e) {
                // This vantage's own key is listed under another vantage's key id.
                throw new TargetDefinitions.InvalidConfigException(List.of(prefix + "roster: " + e.getMessage()));
            }
        }
        return new SigningSettings(key, roster, config.maxClockSkew(), config.seenIds(), ephemeral, listed);
    }
}
