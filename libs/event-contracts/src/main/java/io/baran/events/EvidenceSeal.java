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
 * What makes an evidence pack checkable by an auditor without Baran: its canonical form (the pack's JSON without
 * {@code packSha256} and {@code signature}, keys sorted, no spaces), the SHA-256 of that form ({@code packSha256}), and
 * an ECDSA P-256 signature of it (SHA256withECDSA, DER, base64) by the orchestrator's evidence key. The orchestrator seals
 * packs with it and {@code baran evidence verify} checks them with it, so both read the same bytes.
 */
public final class EvidenceSeal {

    /** The signature's algorithm, as JOSE names it. */
    public static final String ALGORITHM = "ES256";

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private EvidenceSeal() {}

    /** A pack's signature: the algorithm, the id of the key that made it, and its value (base64 of the DER). */
    public record PackSignature(String algorithm, String keyId, String value) {}

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
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key.privateKey());
            signer.update(canonical);
            return new PackSignature(ALGORITHM, key.kid(), Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the evidence pack with key " + key.kid(), e);
        }
    }

    /** True when {@code signature} is {@code key}'s signature of exactly {@code canonical}. */
    public static boolean verify(ECPublicKey key, byte[] canonical, PackSignature signature) {
        if (signature == null || !ALGORITHM.equals(signature.algorithm()) || signature.value() == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(canonical);
            return verifier.verify(Base64.getDecoder().decode(signature.value()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
