package io.baran.workflow.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AesGcmPayloadCodecTest {

    private static final byte[] OLD = key(1);
    private static final byte[] NEW = key(2);

    private static final Payload PLAIN = Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFromUtf8("{\"record\":\"www.baran.test\",\"to\":\"standby.baran.test\"}"))
            .build();

    @Test
    void aPayloadRoundTripsAndIsCiphertextInBetween() {
        AesGcmPayloadCodec codec = new AesGcmPayloadCodec("k1", Map.of("k1", OLD));
        Payload sealed = codec.encode(List.of(PLAIN)).get(0);

        assertEquals("binary/encrypted", sealed.getMetadataOrThrow("encoding").toStringUtf8());
        assertEquals("k1", sealed.getMetadataOrThrow("encryption-key-id").toStringUtf8());
        assertFalse(
                sealed.toByteString().toStringUtf8().contains("baran.test"), "no plain text in the encrypted payload");
        assertFalse(
                sealed.getMetadataMap().containsValue(ByteString.copyFromUtf8("json/plain")),
                "the original encoding is hidden too");
        assertEquals(PLAIN, codec.decode(List.of(sealed)).get(0));
    }

    @Test
    void eachPayloadHasItsOwnNonce() {
        AesGcmPayloadCodec codec = new AesGcmPayloadCodec("k1", Map.of("k1", OLD));
        Payload a = codec.encode(List.of(PLAIN)).get(0);
        Payload b = codec.encode(List.of(PLAIN)).get(0);
        assertNotEquals(a.getData(), b.getData());
        assertNotEquals(a.getData().substring(0, 12), b.getData().substring(0, 12));
    }

    @Test
    void afterARotationTheOldKeyStillDecryptsAndNewPayloadsUseTheNewKey() {
        Payload underOld = new AesGcmPayloadCodec("k1", Map.of("k1", OLD))
                .encode(List.of(PLAIN))
                .get(0);
        Map<String, byte[]> both = new LinkedHashMap<>();
        both.put("k1", OLD);
        both.put("k2", NEW);
        AesGcmPayloadCodec rotated = new AesGcmPayloadCodec("k2", both);

        assertEquals(PLAIN, rotated.decode(List.of(underOld)).get(0));
        Payload underNew = rotated.encode(List.of(PLAIN)).get(0);
        assertEquals("k2", underNew.getMetadataOrThrow("encryption-key-id").toStringUtf8());
        assertEquals(PLAIN, rotated.decode(List.of(underNew)).get(0));
    }

    @Test
    void aPayloadOfAnUnknownKeyFailsNamingTheKey() {
        Payload underOld = new AesGcmPayloadCodec("k1", Map.of("k1", OLD))
                .encode(List.of(PLAIN))
                .get(0);
        AesGcmPayloadCodec other = new AesGcmPayloadCodec("k2", Map.of("k2", NEW));
        PayloadCodecException e = assertThrows(PayloadCodecException.class, () -> other.decode(List.of(underOld)));
        assertEquals("payload encrypted with key \"k1\", which is not configured (configured: [k2])", e.getMessage());
    }

    @Test
    void tamperedCiphertextAndASwappedKeyIdFail() {
        AesGcmPayloadCodec codec = new AesGcmPayloadCodec("k1", Map.of("k1", OLD, "k2", OLD));
        Payload sealed = codec.encode(List.of(PLAIN)).get(0);
        byte[] data = sealed.getData().toByteArray();
        data[20] ^= 1;
        Payload tampered = sealed.toBuilder().setData(ByteString.copyFrom(data)).build();
        PayloadCodecException e = assertThrows(PayloadCodecException.class, () -> codec.decode(List.of(tampered)));
        assertTrue(
                e.getMessage().startsWith("payload encrypted with key \"k1\" does not decrypt: it was altered"),
                e.getMessage());

        Payload relabelled = sealed.toBuilder()
                .putMetadata("encryption-key-id", ByteString.copyFromUtf8("k2"))
                .build();
        assertThrows(
                PayloadCodecException.class, () -> codec.decode(List.of(relabelled)), "the key id is authenticated");
    }

    @Test
    void plainPayloadsPassThroughDecoding() {
        AesGcmPayloadCodec codec = new AesGcmPayloadCodec("k1", Map.of("k1", OLD));
        assertSame(PLAIN, codec.decode(List.of(PLAIN)).get(0));
    }

    @Test
    void badKeysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AesGcmPayloadCodec("k1", Map.of("k1", new byte[16])));
        assertThrows(IllegalArgumentException.class, () -> new AesGcmPayloadCodec("k9", Map.of("k1", OLD)));
        assertThrows(IllegalArgumentException.class, () -> new AesGcmPayloadCodec("a b", Map.of("a b", OLD)));
    }

    @Test
    void theConfigurationRequiresAKeyUnlessToldOtherwise() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> AesGcmPayloadCodec.from(config(true, null, Map.of())));
        assertTrue(e.getMessage().startsWith("no payload encryption key configured"), e.getMessage());
        assertEquals(Optional.empty(), AesGcmPayloadCodec.from(config(false, null, Map.of())));
        assertThrows(
                IllegalStateException.class, () -> AesGcmPayloadCodec.from(config(true, null, Map.of("k1", b64(OLD)))));
        assertThrows(
                IllegalStateException.class,
                () -> AesGcmPayloadCodec.from(config(true, "k1", Map.of("k1", "not base64!"))));
        assertEquals(
                "k1",
                AesGcmPayloadCodec.from(config(true, "k1", Map.of("k1", b64(OLD))))
                        .orElseThrow()
                        .activeKeyId());
    }

    @Test
    void aDataConverterWithTheCodecWritesCiphertextAndReadsItBack() {
        AesGcmPayloadCodec codec = new AesGcmPayloadCodec("k1", Map.of("k1", OLD));
        CodecDataConverter converter =
                new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec), true);
        Payload stored = converter.toPayload(Map.of("record", "www.baran.test")).orElseThrow();
        assertFalse(stored.toByteString().toString(StandardCharsets.ISO_8859_1).contains("www.baran.test"));
        assertEquals(Map.of("record", "www.baran.test"), converter.fromPayload(stored, Map.class, Map.class));
    }

    static byte[] key(int seed) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) seed);
        key[0] = (byte) (seed * 31);
        return key;
    }

    private static String b64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    private static TemporalConnectionConfig.Codec config(boolean required, String active, Map<String, String> keys) {
        return new TemporalConnectionConfig.Codec() {
            @Override
            public boolean required() {
                return required;
            }

            @Override
            public Optional<String> activeKey() {
                return Optional.ofNullable(active);
            }

            @Override
            public Map<String, String> keys() {
                return keys;
            }

            @Override
            public Optional<String> uiOrigin() {
                return Optional.empty();
            }
        };
    }
}
