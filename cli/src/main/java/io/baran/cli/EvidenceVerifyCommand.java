package io.baran.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.baran.events.EvidenceSeal;
import io.baran.events.VantageRoster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.List;

/**
 * {@code baran evidence verify}: checks an evidence pack (the JSON of {@code GET /api/executions/{id}/evidence}) without
 * Baran: its content against its {@code packSha256}, and with the orchestrator's public evidence key, its signature. An
 * auditor keeps the public key apart from the packs, so a pack written or changed elsewhere does not verify.
 */
final class EvidenceVerifyCommand {

    static final String USAGE = """
                   baran evidence verify PACK.json [--public-key KEY]
                     Checks an evidence pack (the JSON of GET /api/executions/ID/evidence): its content against its
                     packSha256, and with --public-key (the public half of the orchestrator's evidence key: PEM,
                     base64 DER or a public JWK) its signature. A hash alone anyone can make again: only the
                     signature shows who made the pack.
                     Exit status: 0 intact (and signed by that key, when given), 1 not (or not a pack), 2 usage,
                     3 the files cannot be read.
            """;

    static final int UNREADABLE = 3;

    private final PrintStream out;
    private final PrintStream err;

    EvidenceVerifyCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        Path pack = null;
        Path keyFile = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--public-key")) {
                if (i + 1 >= args.size()) {
                    return usage("--public-key needs a file");
                }
                if (keyFile != null) {
                    return usage("--public-key is given once");
                }
                keyFile = Path.of(args.get(++i));
            } else if (arg.startsWith("-") || pack != null) {
                return usage("evidence verify takes one pack file and --public-key, not \"" + arg + "\"");
            } else {
                pack = Path.of(arg);
            }
        }
        if (pack == null) {
            return usage("which pack? baran evidence verify PACK.json [--public-key KEY]");
        }
        String text;
        try {
            text = Files.readString(pack, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("baran: cannot read the pack " + pack + ": " + e.getMessage());
            return UNREADABLE;
        }
        JsonNode json;
        try {
            json = EvidenceSeal.read(text);
        } catch (IllegalArgumentException e) {
            out.println(pack + " is not an evidence pack as served (" + IdentityProvider.printable(e.getMessage())
                    + "): nothing checked");
            return Baran.INVALID;
        }
        ECPublicKey key = null;
        if (keyFile != null) {
            try {
                key = VantageRoster.publicKey(Files.readString(keyFile, StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.println("baran: cannot read the --public-key " + keyFile + ": " + e.getMessage());
                return UNREADABLE;
            } catch (IllegalArgumentException e) {
                err.println("baran: --public-key " + keyFile + ": " + e.getMessage()
                        + (e.getMessage().contains("private key")
                                ? " (give its public half: openssl pkey -in KEY -pubout)"
                                : ""));
                return Baran.USAGE;
            }
        }
        if (!json.path("packSha256").isTextual()) {
            out.println(pack + " is not an evidence pack (no packSha256): nothing checked");
            return Baran.INVALID;
        }
        byte[] canonical = EvidenceSeal.canonical(json);
        String recorded = json.path("packSha256").asText();
        String actual = EvidenceSeal.sha256(canonical);
        if (!recorded.equals(actual)) {
            out.println("evidence pack changed: its content hashes to " + actual + ", not its packSha256 "
                    + IdentityProvider.printable(recorded));
            return Baran.INVALID;
        }
        JsonNode signature = json.path("signature");
        if (key == null) {
            out.println("evidence pack intact: sha256 " + actual
                    + (signature.isObject()
                            ? "; it names the signing key "
                                    + IdentityProvider.printable(
                                            signature.path("keyId").asText())
                                    + ", not checked (no --public-key): the hash alone anyone can make again"
                            : "; not signed"));
            return Baran.OK;
        }
        if (!signature.isObject()) {
            out.println(
                    "evidence pack not signed: its hash holds (sha256 " + actual + "), but nothing shows who made it");
            return Baran.INVALID;
        }
        EvidenceSeal.PackSignature seal = new EvidenceSeal.PackSignature(
                signature.path("algorithm").asText(""),
                signature.path("keyId").asText(""),
                signature.path("value").asText(""));
        if (!EvidenceSeal.verify(key, canonical, seal)) {
            out.println("evidence pack signature does not verify with " + keyFile + " (it names key "
                    + IdentityProvider.printable(seal.keyId()) + "): not signed by that key, or changed with its hash");
            return Baran.INVALID;
        }
        out.println("evidence pack intact and signed: sha256 " + actual + ", " + seal.algorithm() + " by the key in "
                + keyFile + " (the pack names it " + IdentityProvider.printable(seal.keyId()) + ")");
        return Baran.OK;
    }

    private int usage(String problem) {
        err.println("baran: " + problem);
        err.print(USAGE);
        return Baran.USAGE;
    }
}
