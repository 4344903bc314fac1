package io.baran.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventSignatureTest {

    private static final SigningKey EU_1 = SigningKey.generate("eu-1-2026");
    private static final SigningKey EU_1_NEXT = SigningKey.generate("eu-1-2027");
    private static final SigningKey US_1 = SigningKey.generate("us-1-2026");
    private static final VantageRoster ROSTER = VantageRoster.of(List.of(
            new VantageRoster.Member(EU_1.kid(), "eu-1", EU_1.publicKey()),
            new VantageRoster.Member(EU_1_NEXT.kid(), "eu-1", EU_1_NEXT.publicKey()),
            new VantageRoster.Member(US_1.kid(), "us-1", US_1.publicKey())));

    private static String event() {
        var data = new OutageEvent(
                "aws/us-east-1/s3",
                "aws/us-east-1/s3@1700000000000",
                "eu-1",
                Instant.parse("2026-11-21T10:00:00Z"),
                List.of(),
                false);
        return EventCodec.encode(
                CloudEvent.of("e-1", "/baran/detector/eu-1", OutageEvent.DETECTED, data.scope(), data.since(), data));
    }

    @Test
    void aSignedEventIsStillACloudEventAndVerifiesWithItsVantage() {
        String json = event();
        String signed = EventSignature.sign(json, EU_1);

        assertEquals(
                EventCodec.decodeOutage(json),
                EventCodec.decodeOutage(signed),
                "readers that ignore the signature read the same event");
        assertTrue(signed.startsWith(json.substring(0, json.length() - 1)), signed);
        assertEquals(EU_1.kid(), EventSignature.kid(signed));
        EventSignature.Verified verified = EventSignature.verify(signed, ROSTER);
        assertEquals("eu-1", verified.vantage());
        assertEquals(EU_1.kid(), verified.kid());
        assertEquals(json, verified.json());
    }

    @Test
    void bothKeysOfARotationAreAccepted() {
        assertEquals(
                "eu-1",
                EventSignature.verify(EventSignature.sign(event(), EU_1_NEXT), ROSTER)
                        .vantage());
        assertEquals(
                "eu-1",
                EventSignature.verify(EventSignature.sign(event(), EU_1), ROSTER)
                        .vantage());
    }

    @Test
    void anUnsignedEventIsRefused() {
        var e = assertThrows(RefusedEventException.class, () -> EventSignature.verify(event(), ROSTER));
        assertEquals(RefusedEventException.Reason.UNSIGNED, e.reason());
        assertTrue(e.getMessage().startsWith("refused (unsigned)"), e.getMessage());
    }

    @Test
    void aKeyOutsideTheRosterIsRefusedByName() {
        SigningKey stranger = SigningKey.generate("eu-1-2026-forged");
        var e = assertThrows(
                RefusedEventException.class,
                () -> EventSignature.verify(EventSignature.sign(event(), stranger), ROSTER));
        assertEquals(RefusedEventException.Reason.UNKNOWN_KEY, e.reason());
        assertTrue(e.getMessage().contains("\"eu-1-2026-forged\""), e.getMessage());
    }

    @Test
    void aKnownKeyIdWithAnotherKeyBehindItIsABadSignature() {
        SigningKey impostor = SigningKey.generate(EU_1.kid());
        var e = assertThrows(
                RefusedEventException.class,
                () -> EventSignature.verify(EventSignature.sign(event(), impostor), ROSTER));
        assertEquals(RefusedEventException.Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void anyChangeToTheSignedTextBreaksTheSignature() {
        String signed = EventSignature.sign(event(), EU_1);
        for (String changed : List.of(
                signed.replace(OutageEvent.DETECTED, OutageEvent.RECOVERED),
                signed.replace("\"drill\":false", "\"drill\":true"),
                signed.replace("{\"specversion\"", "{ \"specversion\""))) {
            assertFalse(changed.equals(signed));
            var e = assertThrows(RefusedEventException.class, () -> EventSignature.verify(changed, ROSTER), changed);
            assertEquals(RefusedEventException.Reason.BAD_SIGNATURE, e.reason());
        }
        String appended = signed.substring(0, signed.length() - 1) + ",\"extra\":1}";
        assertEquals(
                RefusedEventException.Reason.MALFORMED_SIGNATURE,
                assertThrows(RefusedEventException.class, () -> EventSignature.verify(appended, ROSTER))
                        .reason());
    }

    @Test
    void anotherAlgorithmIsRefused() {
        String signed = EventSignature.sign(event(), EU_1);
        // The same signature under a header claiming "none" (base64url of {"alg":"none","kid":"eu-1-2026"}).
        String header = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("{\"alg\":\"none\",\"kid\":\"" + EU_1.kid() + "\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String forged = signed.replaceAll("\"baransig\":\"[^.]+\\.", "\"baransig\":\"" + header + ".");
        var e = assertThrows(RefusedEventException.class, () -> EventSignature.verify(forged, ROSTER));
        assertTrue(e.reason() == RefusedEventException.Reason.MALFORMED_SIGNATURE, e.getMessage());
    }

    @Test
    void keysReadFromPemBase64AndJwkVerifyTheSame() throws Exception {
        SigningKey fromPem = SigningKey.parse("pem-key", EU_1.privateKeyPem());
        assertEquals("SigningKey[kid=pem-key]", fromPem.toString(), "the key never shows");
        String signed = EventSignature.sign(event(), fromPem);
        VantageRoster fromText =
                VantageRoster.parse(Map.of("pem-key", new VantageRoster.Entry("eu-1", EU_1.publicKeyText())));
        assertEquals("eu-1", EventSignature.verify(signed, fromText).vantage());

        String pemPublic = SigningKey.Pem.write("PUBLIC KEY", EU_1.publicKey().getEncoded());
        String jwkPublic = new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, EU_1.publicKey())
                .build()
                .toJSONString();
        for (String text : List.of(pemPublic, jwkPublic)) {
            VantageRoster r = VantageRoster.parse(Map.of("pem-key", new VantageRoster.Entry("eu-1", text)));
            assertEquals("eu-1", EventSignature.verify(signed, r).vantage());
        }
        String jwkPrivate = new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, EU_1.publicKey())
                .privateKey(EU_1.privateKey())
                .keyID("from-jwk")
                .build()
                .toJSONString();
        SigningKey fromJwk = SigningKey.parse(null, jwkPrivate);
        assertEquals("from-jwk", fromJwk.kid());
        assertEquals(EU_1.publicKeyText(), fromJwk.publicKeyText());
    }

    @Test
    void aRosterRefusesPrivateKeysAndNamesEveryBadEntry() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> VantageRoster.parse(Map.of(
                        "a", new VantageRoster.Entry("eu-1", EU_1.privateKeyPem()),
                        "b", new VantageRoster.Entry(" ", EU_1.publicKeyText()),
                        "c", new VantageRoster.Entry("eu-1", "not a key"))));
        assertTrue(e.getMessage().contains("a: a private key"), e.getMessage());
        assertTrue(e.getMessage().contains("b: no vantage"), e.getMessage());
        assertTrue(e.getMessage().contains("c: not a readable EC public key"), e.getMessage());
        assertFalse(e.getMessage().contains("PRIVATE KEY-----"), e.getMessage());
    }

    @Test
    void oneKeyUnderTwoVantagesIsRefusedAndUnderTwoIdsOfOneVantageIsNot() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> VantageRoster.parse(Map.of(
                        "eu-1-2026", new VantageRoster.Entry("eu-1", EU_1.publicKeyText()),
                        "us-1-2026", new VantageRoster.Entry("us-1", EU_1.publicKeyText()))));
        assertTrue(e.getMessage().contains("eu-1-2026") && e.getMessage().contains("us-1-2026"), e.getMessage());
        assertTrue(e.getMessage().contains("one vantage only"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ROSTER.with(new VantageRoster.Member("us-1-copy", "us-2", US_1.publicKey())));

        VantageRoster renamed = VantageRoster.parse(Map.of(
                "eu-1-old", new VantageRoster.Entry("eu-1", EU_1.publicKeyText()),
                "eu-1-new", new VantageRoster.Entry("eu-1", EU_1.publicKeyText())));
        assertEquals(Set.of("eu-1"), Set.copyOf(renamed.vantages()));
    }

    @Test
    void seenIdsTellAReplayFromARereadAndForgetTheOldest() {
        SeenIds seen = new SeenIds(2);
        assertTrue(seen.firstSight("a", "t-0@1"));
        assertTrue(seen.firstSight("a", "t-0@1"), "the same record read again");
        assertFalse(seen.firstSight("a", "t-0@7"), "the same id written again");
        assertTrue(seen.firstSight("b", null));
        assertFalse(seen.firstSight("b", null));
        seen.firstSight("c", null);
        assertFalse(seen.contains("a"));
        assertEquals(2, seen.size());
    }
}
