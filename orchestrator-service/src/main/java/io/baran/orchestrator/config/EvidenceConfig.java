package io.baran.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Evidence packs, under {@code baran.evidence}: the key the orchestrator signs them with, so an auditor holding its
 * public half can tell a pack Baran made from one written or changed elsewhere ({@code baran evidence verify}).
 */
@ConfigMapping(prefix = "baran.evidence")
public interface EvidenceConfig {

    /** The signing key. */
    Signing signing();

    interface Signing {
        /**
         * A file holding the private EC P-256 key (PKCS#8 PEM, {@code -----BEGIN PRIVATE KEY-----}, or a private JWK),
         * e.g. a mounted secret; never logged. Unset (the default): packs carry their hash only and no signature, and
         * the service says so at start. A file that does not read stops the start, naming this key.
         */
        Optional<String> keyFile();

        /**
         * The private key itself (PKCS#8 PEM or a private JWK), instead of {@link #keyFile()}: best given as the
         * environment variable {@code BARAN_EVIDENCE_SIGNING_KEY} from a secret, as the Kubernetes manifests do; never
         * logged. Setting both is refused at start.
         */
        Optional<String> key();

        /** The key id a pack names its signer by; give each key its own when rotating (e.g. {@code evidence-2026-12}). */
        @WithDefault("evidence")
        String keyId();
    }
}
