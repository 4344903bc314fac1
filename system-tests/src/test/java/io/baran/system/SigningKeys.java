package io.baran.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;

/** A vantage's signing key made for one run, as an operator makes it. */
final class SigningKeys {

    private SigningKeys() {}

    /**
     * Makes an EC P-256 key (PKCS#8 PEM, readable by its owner only) in {@code dir/<kid>.pem}.
     *
     * @return the roster that trusts it, as properties
     */
    static Map<String, String> make(Path dir, String kid, String vantage) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Files.createDirectories(dir);
        Path pem = dir.resolve(kid + ".pem");
        Files.createFile(pem, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                pem,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, new byte[] {'\n'})
                                .encodeToString(pair.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        return Map.of(
                "baran.signing.roster." + kid + ".vantage",
                vantage,
                "baran.signing.roster." + kid + ".public-key",
                Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
    }

    /** The detector's settings to sign with the key {@link #make} wrote. */
    static Map<String, String> signWith(Path dir, String kid) {
        return Map.of(
                "baran.signing.key-id",
                kid,
                "baran.signing.key-file",
                dir.resolve(kid + ".pem").toString());
    }
}
