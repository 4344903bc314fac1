package io.baran.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.baran.events.EventSignature;
import io.baran.events.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningSettingsTest {

    private record Key(String vantage, String publicKey) implements SigningConfig.RosterKey {}

    private record Config(
            Optional<String> key,
            Optional<String> keyFile,
            Optional<String> keyId,
            Map<String, SigningConfig.RosterKey> roster)
            implements SigningConfig {
        @Override
        public Duration maxClockSkew() {
            return Duration.ofSeconds(30);
        }

        @Override
        public int seenIds() {
            return 100;
        }
    }

    private static final SigningKey OWN = SigningKey.generate("eu-1");
    private static final SigningKey OTHER = SigningKey.generate("us-1");

    @Test
    void aPemKeyFileSignsUnderTheVantageIdAndTheRosterVerifiesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("eu-1.pem");
        Files.writeString(file, OWN.privateKeyPem());
        SigningSettings s = SigningSettings.from(
                new Config(
                        Optional.empty(),
                        Optional.of(file.toString()),
                        Optional.empty(),
                        Map.of(
                                "eu-1",
                                new Key("eu-1", OWN.publicKeyText()),
                                "us-1",
                                new Key("us-1", OTHER.publicKeyText()))),
                "eu-1");
        assertFalse(s.ephemeral());
        assertEquals("eu-1", s.key().kid());
        assertEquals(
                "eu-1",
                EventSignature.verify(EventSignature.sign("{\"id\":\"1\"}", s.key()), s.roster())
                        .vantage());
        assertEquals(
                "us-1",
                EventSignature.verify(EventSignature.sign("{\"id\":\"1\"}", OTHER), s.roster())
                        .vantage());
    }

    @Test
    void withoutAKeyAnEphemeralOneIsMadeAndTrustedByItsOwnAggregatorOnly() {
        SigningSettings s = SigningSettings.from(
                new Config(Optional.empty(), Optional.empty(), Optional.empty(), Map.of()), "eu-1");
        assertTrue(s.ephemeral());
        assertTrue(s.key().kid().startsWith("eu-1-ephemeral-"), s.key().kid());
        assertEquals(
                "eu-1",
                EventSignature.verify(EventSignature.sign("{\"id\":\"1\"}", s.key()), s.roster())
                        .vantage());
        assertEquals(1, s.roster().size());
    }

    @Test
    void aKeyTheRosterGivesToAnotherVantageOrAnUnreadableKeyStopsTheStartNamingTheProperty() {
        var e = assertThrows(
                TargetDefinitions.InvalidConfigException.class,
                () -> SigningSettings.from(
                        new Config(
                                Optional.of(OWN.privateKeyPem()),
                                Optional.empty(),
                                Optional.of("k1"),
                                Map.of("k1", new Key("us-1", OWN.publicKeyText()))),
                        "eu-1"));
        assertTrue(
                e.getMessage()
                        .contains(
                                "baran.signing.roster.\"k1\".vantage: this vantage (eu-1) signs with key k1, which the"
                                        + " roster gives to vantage us-1"),
                e.getMessage());

        var unreadable = assertThrows(
                TargetDefinitions.InvalidConfigException.class,
                () -> SigningSettings.from(
                        new Config(
                                Optional.of("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
                                Optional.empty(),
                                Optional.empty(),
                                Map.of()),
                        "eu-1"));
        assertTrue(
                unreadable.getMessage().contains("baran.signing.key: not a readable PKCS#8 EC private key"),
                unreadable.getMessage());
        assertFalse(unreadable.getMessage().contains("AAAA"));
    }

    @Test
    void aJwkKeyTheConfiguredRosterLacksIsWarnedAboutLikeAPemKeyNamingThePropertyAndThePublicHalf() throws Exception {
        ECKey jwk = new ECKeyGenerator(Curve.P_256).keyID("eu-1-2026-12").generate();
        SigningSettings unlisted = SigningSettings.from(
                new Config(
                        Optional.of(jwk.toJSONString()),
                        Optional.empty(),
                        Optional.empty(),
                        Map.of("us-1", new Key("us-1", OTHER.publicKeyText()))),
                "eu-1");
        assertTrue(unlisted.roster().member("eu-1-2026-12").isPresent(), "its own aggregator trusts it");
        String warning = unlisted.rosterWarning("eu-1").orElseThrow();
        assertTrue(warning.contains("baran.signing.roster.\"eu-1-2026-12\".vantage=eu-1"), warning);
        assertTrue(warning.contains(unlisted.key().publicKeyText()), warning);
        assertTrue(warning.contains("orchestrator"), warning);
        assertFalse(warning.contains(jwk.getD().toString()), "the private key is never shown");

        SigningSettings listed = SigningSettings.from(
                new Config(
                        Optional.of(jwk.toJSONString()),
                        Optional.empty(),
                        Optional.empty(),
                        Map.of("eu-1-2026-12", new Key("eu-1", jwk.toPublicJWK().toJSONString()))),
                "eu-1");
        assertEquals(Optional.empty(), listed.rosterWarning("eu-1"));
    }

    @Test
    void thisVantagesKeyListedUnderAnotherVantagesKeyIdStopsTheStartNamingTheRoster() throws Exception {
        ECKey jwk = new ECKeyGenerator(Curve.P_256).keyID("eu-1-2026-12").generate();
        var e = assertThrows(
                TargetDefinitions.InvalidConfigException.class,
                () -> SigningSettings.from(
                        new Config(
                                Optional.of(jwk.toJSONString()),
                                Optional.empty(),
                                Optional.empty(),
                                Map.of(
                                        "us-1-2026-12",
                                        new Key("us-1", jwk.toPublicJWK().toJSONString()))),
                        "eu-1"));
        assertTrue(e.getMessage().contains("baran.signing.roster: "), e.getMessage());
        assertTrue(e.getMessage().contains("one vantage only"), e.getMessage());
    }
}
