package io.baran.workflow.temporal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts every payload Temporal stores (workflow and activity inputs and results, signals, updates, queries,
 * memos, failure details) with AES-256-GCM, so histories hold ciphertext. The whole payload, its own metadata
 * included, is encrypted; the result carries only {@code encoding: binary/encrypted} and the id of the key
 * ({@value #KEY_ID}), so keys rotate: new payloads use the active key, and any configured key decrypts.
 * Each payload has its own random 96-bit nonce (data = nonce ‖ ciphertext ‖ 128-bit tag); the key id is
 * authenticated too (GCM's associated data), so a payload cannot be passed off as another key's.
 * Payloads that are not encrypted (histories written before the codec) are passed through unchanged.
 */
public final class AesGcmPayloadCodec implements PayloadCodec {

    public static final String ENCODING = "binary/encrypted";
    public static final String KEY_ID = "encryption-key-id";
    public static final String CIPHER = "encryption-cipher";
    public static final String CIPHER_NAME = "AES256-GCM";
    private static final String METADATA_ENCODING = "encoding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Pattern KEY_ID_FORM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String activeKeyId;
    private final Map<String, SecretKeySpec> keys;

    /**
     * @param activeKeyId the key new payloads are encrypted with
     * @param keys        every key that may decrypt, by key id: 32 bytes each
     */
    public AesGcmPayloadCodec(String activeKeyId, Map<String, byte[]> keys) {
        Map<String, SecretKeySpec> specs = new LinkedHashMap<>();
        keys.forEach((id, key) -> {
            if (!KEY_ID_FORM.matcher(id).matches()) {
                throw new IllegalArgumentException(
                        "codec key id \"" + id + "\" is not a plain name (letters, digits, . _ -; " + "at most 64)");
            }
            if (key == null || key.length != 32) {
                throw new IllegalArgumentException("codec key \"" + id + "\" must be 32 bytes (AES-256), not "
                        + (key == null ? 0 : key.length) + ": openssl rand -base64 32");
            }
            specs.put(id, new SecretKeySpec(key, "AES"));
        });
        if (!specs.containsKey(activeKeyId)) {
            throw new IllegalArgumentException(
                    "the active codec key \"" + activeKeyId + "\" is not among the configured keys " + specs.keySet());
        }
        this.activeKeyId = activeKeyId;
        this.keys = Map.copyOf(specs);
    }

    /**
     * The codec the configuration asks for: empty when no key is configured and the codec is not required;
     * refuses (IllegalStateException, naming the keys to set) when it is required and missing, or malformed.
     */
    public static Optional<AesGcmPayloadCodec> from(TemporalConnectionConfig.Codec config) {
        if (config.activeKey().isEmpty() && config.keys().isEmpty()) {
            if (config.required()) {
                throw new IllegalStateException(
                        "no payload encryption key configured: set baran.temporal.codec.active-key "
                                + "and baran.temporal.codec.keys.\"<id>\" (environment BARAN_TEMPORAL_CODEC_ACTIVE_KEY=<id> and "
                                + "baran.temporal.codec.keys.<id>=$(openssl rand -base64 32)); only a throw-away set-up may run "
                                + "without one, with baran.temporal.codec.required=false");
            }
            return Optional.empty();
        }
        String active = config.activeKey()
                .orElseThrow(() -> new IllegalStateException(
                        "baran.temporal.codec.keys are configured but baran.temporal.codec.active-key is not: name the key id "
                                + "new payloads are encrypted with (configured: "
                                + config.keys().keySet() + ")"));
        Map<String, byte[]> keys = new LinkedHashMap<>();
        config.keys().forEach((id, value) -> {
            try {
                keys.put(id, Base64.getDecoder().decode(value.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("baran.temporal.codec.keys.\"" + id + "\" is not base64", e);
            }
        });
        try {
            return Optional.of(new AesGcmPayloadCodec(active, keys));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    /**
     * Keys for another purpose derived from these (HMAC-SHA256 of {@code label} under each key), by the same key ids:
     * whoever holds the codec's keys holds them, and nothing derived reveals a codec key.
     */
    public Map<String, byte[]> derivedKeys(String label) {
        Map<String, byte[]> derived = new LinkedHashMap<>();
        keys.forEach((id, key) -> {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
                derived.put(id, mac.doFinal(label.getBytes(StandardCharsets.UTF_8)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
        return derived;
    }

    @Override
    public List<Payload> encode(List<Payload> payloads) {
        return payloads.stream().map(this::encrypt).toList();
    }

    @Override
    public List<Payload> decode(List<Payload> payloads) {
        return payloads.stream().map(this::decrypt).toList();
    }

    private Payload encrypt(Payload payload) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(activeKeyId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(payload.toByteArray());
            return Payload.newBuilder()
                    .putMetadata(METADATA_ENCODING, ByteString.copyFromUtf8(ENCODING))
                    .putMetadata(KEY_ID, ByteString.copyFromUtf8(activeKeyId))
                    .putMetadata(CIPHER, ByteString.copyFromUtf8(CIPHER_NAME))
                    .setData(ByteString.copyFrom(nonce).concat(ByteString.copyFrom(sealed)))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new PayloadCodecException("cannot encrypt a payload with key " + activeKeyId, e);
        }
    }

    private Payload decrypt(Payload payload) {
        ByteString encoding = payload.getMetadataMap().get(METADATA_ENCODING);
        if (encoding == null || !encoding.toStringUtf8().equals(ENCODING)) {
            return payload;
        }
        ByteString id = payload.getMetadataMap().get(KEY_ID);
        if (id == null) {
            throw new PayloadCodecException("an encrypted payload names no key (metadata " + KEY_ID + " missing)");
        }
        String keyId = id.toStringUtf8();
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new PayloadCodecException("payload encrypted with key \"" + keyId + "\", which is not configured "
                    + "(configured: " + keys.keySet().stream().sorted().toList() + ")");
        }
        byte[] data = payload.getData().toByteArray();
        if (data.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new PayloadCodecException(
                    "payload encrypted with key \"" + keyId + "\" is too short to be ciphertext");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
            cipher.updateAAD(id.toByteArray());
            return Payload.parseFrom(cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES));
        } catch (AEADBadTagException e) {
            throw new PayloadCodecException(
                    "payload encrypted with key \"" + keyId + "\" does not decrypt: it was altered, "
                            + "or the key configured under that id is not the one it was encrypted with",
                    e);
        } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
            throw new PayloadCodecException(
                    "payload encrypted with key \"" + keyId + "\" does not decrypt: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "AesGcmPayloadCodec[active key " + activeKeyId + ", keys "
                + keys.keySet().stream().sorted().toList() + "]";
    }
}
