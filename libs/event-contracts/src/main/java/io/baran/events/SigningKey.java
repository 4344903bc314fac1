package io.baran.events;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.Objects;

/**
 * A vantage's private EC P-256 key and its key id ({@code kid}), with which it signs what it publishes
 * ({@link EventSignature#sign}). The key itself never appears in {@link #toString()}, logs or events.
 *
 * <p>Read from a PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}, as {@code openssl genpkey -algorithm EC -pkeyopt
 * ec_paramgen_curve:P-256} writes it) or a private JWK (JSON with {@code d}); the public key is known only for a JWK
 * and for generated keys.
 */
public final class SigningKey {

    private final String kid;
    private final ECPrivateKey privateKey;
    private final ECPublicKey publicKey;

    private SigningKey(String kid, ECPrivateKey privateKey, ECPublicKey publicKey) {
        if (kid == null || kid.isBlank()) {
            throw new IllegalArgumentException("a signing key needs a key id");
        }
        this.kid = kid;
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = publicKey;
        if (!Curve.P_256.equals(Curve.forECParameterSpec(privateKey.getParams()))) {
            throw new IllegalArgumentException("key " + kid + " is not on curve P-256");
        }
    }

    /** A new random key, for tests and for a vantage that was given none. */
    public static SigningKey generate(String kid) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            return new SigningKey(kid, (ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate EC P-256 keys", e);
        }
    }

    /**
     * Reads a private key.
     *
     * @param kid  the key id; null to take the JWK's own {@code kid}
     * @param text a PKCS#8 PEM or a private JWK
     * @throws IllegalArgumentException naming what is wrong, never quoting the key
     */
    public static SigningKey parse(String kid, String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.startsWith("{")) {
            try {
                JWK jwk = JWK.parse(trimmed);
                if (!(jwk instanceof ECKey ec) || !ec.isPrivate()) {
                    throw new IllegalArgumentException("the JWK is not a private EC key (kty EC with d)");
                }
                if (!Curve.P_256.equals(ec.getCurve())) {
                    throw new IllegalArgumentException("the JWK is not on curve P-256 (crv " + ec.getCurve() + ")");
                }
                String id = kid != null && !kid.isBlank() ? kid : ec.getKeyID();
                if (id == null || id.isBlank()) {
                    throw new IllegalArgumentException("the JWK has no kid and no key id was configured");
                }
                return new SigningKey(id, ec.toECPrivateKey(), ec.toECPublicKey());
            } catch (ParseException | JOSEException e) {
                throw new IllegalArgumentException("not a readable JWK: " + e.getMessage());
            }
        }
        if (trimmed.contains("BEGIN EC PRIVATE KEY")) {
            throw new IllegalArgumentException(
                    "a SEC1 key (BEGIN EC PRIVATE KEY) is not read: convert it to PKCS#8 with"
                            + " `openssl pkcs8 -topk8 -nocrypt -in key.pem`");
        }
        if (trimmed.contains("ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException(
                    "an encrypted PKCS#8 key is not read; give it unencrypted (from a secret store)");
        }
        if (!trimmed.contains("BEGIN PRIVATE KEY")) {
            throw new IllegalArgumentException("neither a PKCS#8 PEM (BEGIN PRIVATE KEY) nor a JWK");
        }
        try {
            byte[] der = Pem.body(trimmed);
            var key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            return new SigningKey(kid, (ECPrivateKey) key, null);
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException("not a readable PKCS#8 EC private key");
        }
    }

    public String kid() {
        return kid;
    }

    ECPrivateKey privateKey() {
        return privateKey;
    }

    /** The public half when it is known (generated keys and JWKs), else null. */
    public ECPublicKey publicKey() {
        return publicKey;
    }

    /** The public key as a roster takes it (base64 of its X.509 SubjectPublicKeyInfo DER); null when unknown. */
    public String publicKeyText() {
        return publicKey == null ? null : Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    /** The private key as PKCS#8 PEM, for tests and tools that hand a generated key to a process. */
    public String privateKeyPem() {
        return Pem.write("PRIVATE KEY", privateKey.getEncoded());
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + "]";
    }

    /** PEM armour. */
    static final class Pem {
        private Pem() {}

        static byte[] body(String pem) {
            StringBuilder b64 = new StringBuilder();
            for (String line : pem.split("\\R")) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("-----")) {
                    b64.append(l);
                }
            }
            return Base64.getMimeDecoder().decode(b64.toString());
        }

        static String write(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type
                    + "-----\n";
        }
    }
}
