package io.baran.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What makes an evidence pack checkable by an auditor without Baran: its canonical form (the pack's JSON as served,
 * parsed, without {@code packSha256} and {@code signature}, keys sorted, no spaces, numbers written the same on every
 * JVM), the SHA-256 of that form ({@code packSha256}), and an ECDSA P-256 signature of it by the orchestrator's evidence
 * key in JOSE's ES256 form (SHA-256, the 64 bytes R then S, base64url without padding, as a JWS carries it). The
 * orchestrator seals packs with it and {@code baran evidence verify} checks them with it, so both read the same bytes.
 * The key id and algorithm beside the signature are names, not signed.
 */
public final class EvidenceSeal {

    /** The signature's algorithm, as JOSE names it. */
    public static final String ALGORITHM = "ES256";

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            // Schubfach: the shortest form of a double, the same on every JVM (Double.toString is not, across 17 and
            // 19+)
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    /** Reads a pack as a verifier must: one JSON object, nothing after it, no key twice. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private EvidenceSeal() {}

    /**
     * A pack's signature: the algorithm, the id of the key that made it (a name, not signed), and its value (R then S,
     * base64url).
     */
    public record PackSignature(String algorithm, String keyId, String value) {}

    /**
     * Parses a pack's JSON text strictly (a key given twice or anything after the object is refused: what a verifier
     * checks must be what a person reading the file sees).
     *
     * @throws IllegalArgumentException naming what does not read
     */
    public static ObjectNode read(String json) {
        try {
            JsonNode node = STRICT.readTree(json);
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return object;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage());
        }
    }

    /** The bytes hashed and signed: the pack without {@code packSha256} and {@code signature}, keys sorted, compact. */
    public static byte[] canonical(JsonNode pack) {
        if (!(pack instanceof ObjectNode object)) {
            throw new IllegalArgumentException("an evidence pack is a JSON object");
        }
        ObjectNode rest = object.deepCopy();
        rest.remove("packSha256");
        rest.remove("signature");
        try {
            return CANONICAL
                    .writeValueAsString(CANONICAL.treeToValue(rest, Object.class))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the evidence pack's canonical form", e);
        }
    }

    /** SHA-256 (hex) of the canonical form. */
    public static String sha256(byte[] canonical) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    public static PackSignature sign(SigningKey key, byte[] canonical) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(key.privateKey());
            signer.update(canonical);
            return new PackSignature(
                    ALGORITHM,
                    key.kid(),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the evidence pack with key " + key.kid(), e);
        }
    }

    /**
     * True when {@code signature} is {@code key}'s ES256 signature of exactly {@code canonical}: 64 bytes, R and S each
     * from 1 to the curve's order less one (checked here, not left to the JVM: some once took zeros).
     */
    public static boolean verify(ECPublicKey key, byte[] canonical, PackSignature signature) {
        if (signature == null || !ALGORITHM.equals(signature.algorithm()) || signature.value() == null) {
            return false;
        }
        try {
            byte[] rs = Base64.getUrlDecoder().decode(signature.value());
            java.math.BigInteger order = key.getParams().getOrder();
            if (rs.length != 64
                    || !inRange(new java.math.BigInteger(1, java.util.Arrays.copyOfRange(rs, 0, 32)), order)
                    || !inRange(new java.math.BigInteger(1, java.util.Arrays.copyOfRange(rs, 32, 64)), order)) {
                return false;
            }
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(key);
            verifier.update(canonical);
            return verifier.verify(rs);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean inRange(java.math.BigInteger value, java.math.BigInteger order) {
        return value.signum() > 0 && value.compareTo(order) < 0;
    }
}
