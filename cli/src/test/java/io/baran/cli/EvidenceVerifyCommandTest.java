package io.baran.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.events.EvidenceSeal;
import io.baran.events.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baran evidence verify} on packs sealed as the orchestrator seals them ({@link EvidenceSeal}): intact and
 * signed, changed afterwards, signed by another key, not signed. That the orchestrator's served JSON verifies is
 * {@code OrchestratorIT}'s.
 */
class EvidenceVerifyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SigningKey key = SigningKey.generate("evidence-2026-12");

    @TempDir
    Path dir;

    private ObjectNode pack(SigningKey signer) {
        ObjectNode pack = JSON.createObjectNode()
                .put("format", "baran-evidence/1")
                .put("executionId", "drill-web-1a2b3c4d")
                .put("rtoSeconds", 12.5);
        pack.putObject("runbook").put("name", "web").put("version", 3);
        pack.putArray("approvedBy").add("approver1");
        byte[] canonical = EvidenceSeal.canonical(pack);
        pack.put("packSha256", EvidenceSeal.sha256(canonical));
        if (signer != null) {
            pack.set("signature", JSON.valueToTree(EvidenceSeal.sign(signer, canonical)));
        } else {
            pack.putNull("signature");
        }
        return pack;
    }

    private BaranRun verify(ObjectNode pack, boolean withKey) throws Exception {
        Path file = Files.writeString(
                dir.resolve("pack.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(pack));
        Path pub = Files.writeString(dir.resolve("evidence.pub"), key.publicKeyText());
        return withKey
                ? BaranRun.of(Map.of(), "evidence", "verify", file.toString(), "--public-key", pub.toString())
                : BaranRun.of(Map.of(), "evidence", "verify", file.toString());
    }

    @Test
    void aSignedPackVerifiesAndOnceChangedDoesNot() throws Exception {
        BaranRun intact = verify(pack(key), true);
        assertEquals(Baran.OK, intact.status(), intact.out() + intact.err());
        assertTrue(intact.out().startsWith("evidence pack intact and signed: sha256 "), intact.out());
        assertTrue(intact.out().contains("ES256 by the key in "), intact.out());
        assertTrue(intact.out().contains("(the pack names it evidence-2026-12)"), intact.out());

        ObjectNode changed = pack(key);
        ((ObjectNode) changed.get("runbook")).put("version", 4);
        BaranRun caught = verify(changed, true);
        assertEquals(Baran.INVALID, caught.status());
        assertTrue(caught.out().startsWith("evidence pack changed: its content hashes to"), caught.out());

        // Changed, with the hash made again to match: only the signature shows it.
        changed.put("packSha256", EvidenceSeal.sha256(EvidenceSeal.canonical(changed)));
        BaranRun rehashed = verify(changed, true);
        assertEquals(Baran.INVALID, rehashed.status());
        assertTrue(rehashed.out().contains("signature does not verify"), rehashed.out());
        assertEquals(Baran.OK, verify(changed, false).status(), "without the key only the hash is checked");
    }

    @Test
    void whatAPersonReadsIsWhatIsChecked_noKeyTwiceAndNothingAfterThePack() throws Exception {
        String signed = JSON.writeValueAsString(pack(key));
        Path pub = Files.writeString(dir.resolve("evidence.pub"), key.publicKeyText());
        for (String forged : java.util.List.of(
                signed + "{\"status\":\"completed\"}", "{\"executionId\":\"forged\"," + signed.substring(1))) {
            Path file = Files.writeString(dir.resolve("forged.json"), forged);
            BaranRun r = BaranRun.of(Map.of(), "evidence", "verify", file.toString(), "--public-key", pub.toString());
            assertEquals(Baran.INVALID, r.status(), r.out());
            assertTrue(r.out().contains("is not an evidence pack as served"), r.out());
        }
    }

    @Test
    void aPackSignedByAnotherKeyOrNotSignedIsNotTakenAsTheOrchestrators() throws Exception {
        BaranRun other = verify(pack(SigningKey.generate("evidence-2026-12")), true);
        assertEquals(Baran.INVALID, other.status());
        assertTrue(other.out().contains("signature does not verify"), other.out());

        BaranRun unsigned = verify(pack(null), true);
        assertEquals(Baran.INVALID, unsigned.status());
        assertTrue(unsigned.out().startsWith("evidence pack not signed"), unsigned.out());
        BaranRun hashOnly = verify(pack(null), false);
        assertEquals(Baran.OK, hashOnly.status());
        assertTrue(hashOnly.out().endsWith("; not signed\n"), hashOnly.out());
    }
}
