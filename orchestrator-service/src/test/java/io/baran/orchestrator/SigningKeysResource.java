package io.baran.orchestrator;

import io.baran.events.SigningKey;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * Vantage keys made for one test run: the orchestrator's roster holds two keys of the vantage {@value #VANTAGE}
 * (a rotation: both valid at once), whose private halves are written to files the test signs with
 * ({@code baran.test.signing.key-file}, {@code baran.test.signing.next-key-file}; PKCS#8 PEM); and the orchestrator's
 * evidence key ({@code baran.evidence.signing.key-file}), whose public half the test reads as
 * {@code baran.test.evidence.public-key}.
 */
public class SigningKeysResource implements QuarkusTestResourceLifecycleManager {

    public static final String VANTAGE = "test";
    public static final String KID = "test-2026";
    public static final String NEXT_KID = "test-2027";
    public static final String EVIDENCE_KID = "evidence-test";

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "signing-keys"));
            Map<String, String> props = new HashMap<>();
            props.put(
                    "baran.test.signing.key-file",
                    write(dir, SigningKey.generate(KID), props).toString());
            props.put(
                    "baran.test.signing.next-key-file",
                    write(dir, SigningKey.generate(NEXT_KID), props).toString());
            // The orchestrator's evidence key: packs are signed with it; the test checks them with its public half.
            SigningKey evidence = SigningKey.generate(EVIDENCE_KID);
            Path evidenceFile = dir.resolve(EVIDENCE_KID + ".pem");
            Files.deleteIfExists(evidenceFile);
            Files.createFile(
                    evidenceFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(evidenceFile, evidence.privateKeyPem());
            props.put(
                    "baran.evidence.signing.key-file",
                    evidenceFile.toAbsolutePath().toString());
            props.put("baran.evidence.signing.key-id", EVIDENCE_KID);
            props.put("baran.test.evidence.public-key", evidence.publicKeyText());
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path dir, SigningKey key, Map<String, String> props) throws IOException {
        props.put("baran.signing.roster.\"" + key.kid() + "\".vantage", VANTAGE);
        props.put("baran.signing.roster.\"" + key.kid() + "\".public-key", key.publicKeyText());
        Path file = dir.resolve(key.kid() + ".pem");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, key.privateKeyPem());
        return file.toAbsolutePath();
    }

    /** Reads a key the resource wrote. */
    public static SigningKey read(String kid, String file) {
        try {
            return SigningKey.parse(kid, Files.readString(Path.of(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {}
}
