package io.baran.orchestrator.api;

import io.baran.events.SigningKey;
import io.baran.orchestrator.config.EvidenceConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/** The orchestrator's evidence key, read once at start ({@link EvidenceConfig}); empty when packs are not signed. */
@ApplicationScoped
@Startup
public class EvidenceSigner {

    private static final Logger LOG = Logger.getLogger(EvidenceSigner.class);

    private final Optional<SigningKey> key;

    EvidenceSigner(EvidenceConfig config) {
        this.key = read(config.signing());
        if (key.isEmpty()) {
            LOG.info(
                    "evidence packs are not signed (neither baran.evidence.signing.key nor .key-file is set): they carry their"
                            + " hash only");
        } else {
            LOG.infof(
                    "evidence packs are signed with key %s (%s)",
                    key.get().kid(), io.baran.events.EvidenceSeal.ALGORITHM);
        }
    }

    /** @throws IllegalStateException naming the setting and what is wrong, never quoting the key */
    static Optional<SigningKey> read(EvidenceConfig.Signing signing) {
        Optional<String> file = signing.keyFile().filter(f -> !f.isBlank());
        Optional<String> inline = signing.key().filter(k -> !k.isBlank());
        if (file.isPresent() && inline.isPresent()) {
            throw new IllegalStateException("baran.evidence.signing.key and baran.evidence.signing.key-file are both"
                    + " set: give the evidence key one way only");
        }
        String setting;
        String text;
        if (inline.isPresent()) {
            setting = "baran.evidence.signing.key";
            text = inline.get();
        } else if (file.isPresent()) {
            setting = "baran.evidence.signing.key-file " + file.get();
            try {
                text = Files.readString(Path.of(file.get()));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("baran.evidence.signing.key-file: cannot read " + file.get() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        } else {
            return Optional.empty();
        }
        try {
            return Optional.of(SigningKey.parse(signing.keyId(), text));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + ": " + e.getMessage());
        }
    }

    Optional<SigningKey> key() {
        return key;
    }
}
