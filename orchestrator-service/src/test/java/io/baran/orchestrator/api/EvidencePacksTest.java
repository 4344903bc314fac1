package io.baran.orchestrator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.events.ExecutionEvent;
import io.baran.runbook.Objectives;
import io.baran.runbook.Runbook;
import io.baran.runbook.RunbookParser;
import io.baran.workflow.Actor;
import io.baran.workflow.Decision;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.PhaseChange;
import io.baran.workflow.StepState;
import io.baran.workflow.StepStatus;
import io.baran.workflow.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

class EvidencePacksTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private static final Runbook RUNBOOK =
            new RunbookParser().parse("gated.yaml", """
                    apiVersion: baran.io/v1
                    kind: Runbook
                    metadata:
                      name: gated
                    spec:
                      protects: gated
                      objectives: { rto: 1m, rpo: 30s }
                      failover:
                        - name: go-ahead
                          action: approval
                        - name: move-www
                          action: dns.switch
                          with: { provider: aws-local, zone: example.com, record: www, type: CNAME, to: standby.example.net }
                    """).withVersion(3);

    /** A drill that waited for approver1, moved www at 10 s and put it back at 40 s. */
    private static ExecutionProgress drill() {
        return drill("operator", "approver1");
    }

    private static ExecutionProgress drill(String startedBy, String approvedBy) {
        return new ExecutionProgress(
                "drill-gated-1a2b3c4d",
                "gated",
                "gated",
                Mode.DRILL,
                Phase.DONE,
                null,
                List.of(
                        new StepStatus(
                                "go-ahead", "approval", StepState.APPROVED, "approved", null, 1_000L, 8_000L, Map.of()),
                        new StepStatus(
                                "move-www",
                                "dns.switch",
                                StepState.UNDONE,
                                "restored www",
                                null,
                                8_000L,
                                10_000L,
                                Map.of("exists", true, "value", "primary.example.net."))),
                null,
                null,
                null,
                null,
                3,
                null,
                List.of(
                        new PhaseChange(Phase.FAILING_OVER, 1_000L),
                        new PhaseChange(Phase.FAILED_OVER, 10_000L),
                        new PhaseChange(Phase.FAILING_BACK, 40_000L),
                        new PhaseChange(Phase.DONE, 41_000L)),
                7_000L,
                Actor.person(startedBy, List.of("drill-operator")),
                List.of(new Decision(
                        "approval of step go-ahead", "go-ahead", Verdict.APPROVE, approvedBy, 8_000L, false, null)),
                0,
                null,
                List.of());
    }

    private static List<ExecutionEvent> events() {
        return List.of(
                event("move-www", "running", null, 8_000L, 1),
                event(
                        "move-www",
                        "running",
                        "www.example.com. CNAME primary.example.net. -> standby.example.net.",
                        8_100L,
                        2),
                event(
                        "move-www",
                        "applied",
                        "www.example.com. CNAME primary.example.net. -> standby.example.net.",
                        10_000L,
                        3),
                event("move-www", "undoing", null, 40_000L, 4),
                event("move-www", "undone", "restored www.example.com. CNAME primary.example.net.", 40_500L, 5));
    }

    private static ExecutionEvent event(String step, String state, String detail, long at, long seq) {
        return new ExecutionEvent(
                "drill-gated-1a2b3c4d", "gated", "gated", "drill", "failing-over", step, state, detail, at, seq);
    }

    private static EvidencePack pack() {
        return pack(Optional.empty());
    }

    private static EvidencePack pack(Optional<io.baran.events.SigningKey> key) {
        return pack(drill(), key);
    }

    private static EvidencePack pack(ExecutionProgress p, Optional<io.baran.events.SigningKey> key) {
        return EvidencePacks.of(
                ExecutionViews.execution(p.executionId(), "completed", p),
                ExecutionViews.report(p.executionId(), "completed", p, RUNBOOK.objectives()),
                "run-0f1e2d",
                Optional.of(RUNBOOK),
                events(),
                Instant.parse("2026-12-05T00:00:00Z"),
                key,
                JSON);
    }

    @Test
    void anEvidenceKeyThatDoesNotReadStopsTheStartNamingTheSettingNeverTheKey(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path garbage = java.nio.file.Files.writeString(
                dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END PRIVATE KEY-----\n");
        for (String file : List.of(dir.resolve("missing.pem").toString(), garbage.toString())) {
            var refused = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalStateException.class, () -> EvidenceSigner.read(signing(Optional.of(file))));
            assertTrue(refused.getMessage().startsWith("baran.evidence.signing.key-file"), refused.getMessage());
            assertFalse(refused.getMessage().contains("c2VjcmV0"), "the key is never quoted: " + refused.getMessage());
        }
        assertTrue(EvidenceSigner.read(signing(Optional.empty())).isEmpty(), "no key file: packs are not signed");
        java.nio.file.Path good = java.nio.file.Files.writeString(
                dir.resolve("good.pem"),
                io.baran.events.SigningKey.generate("x").privateKeyPem());
        assertEquals(
                "evidence",
                EvidenceSigner.read(signing(Optional.of(good.toString())))
                        .orElseThrow()
                        .kid());
    }

    @Test
    void anEvidenceKeyGivenInlineSignsAndOneThatDoesNotReadOrIsGivenTwiceStopsTheStart(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        io.baran.events.SigningKey made = io.baran.events.SigningKey.generate("x");
        io.baran.events.SigningKey read = EvidenceSigner.read(
                        signing(Optional.empty(), Optional.of(made.privateKeyPem())))
                .orElseThrow();
        assertEquals("evidence", read.kid());
        assertEquals(made.privateKeyPem(), read.privateKeyPem(), "the inline key is the key given");

        String garbage = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END PRIVATE KEY-----\n";
        var refused = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class,
                () -> EvidenceSigner.read(signing(Optional.empty(), Optional.of(garbage))));
        assertTrue(refused.getMessage().startsWith("baran.evidence.signing.key:"), refused.getMessage());
        assertFalse(refused.getMessage().contains("c2VjcmV0"), "the key is never quoted: " + refused.getMessage());

        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("good.pem"), made.privateKeyPem());
        var both = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class,
                () -> EvidenceSigner.read(signing(Optional.of(file.toString()), Optional.of(made.privateKeyPem()))));
        assertTrue(both.getMessage().contains("both"), both.getMessage());
        assertTrue(
                EvidenceSigner.read(signing(Optional.of(" "), Optional.of(""))).isEmpty(),
                "blank settings: packs are not signed");
    }

    private static io.baran.orchestrator.config.EvidenceConfig.Signing signing(Optional<String> file) {
        return signing(file, Optional.empty());
    }

    private static io.baran.orchestrator.config.EvidenceConfig.Signing signing(
            Optional<String> file, Optional<String> inline) {
        return new io.baran.orchestrator.config.EvidenceConfig.Signing() {
            @Override
            public Optional<String> keyFile() {
                return file;
            }

            @Override
            public Optional<String> key() {
                return inline;
            }

            @Override
            public String keyId() {
                return "evidence";
            }
        };
    }

    @Test
    void aSignedPackVerifiesWithTheKeysPublicHalfAsItsJsonReadsAndNotOnceChanged() throws Exception {
        io.baran.events.SigningKey key = io.baran.events.SigningKey.generate("evidence-2026-12");
        EvidencePack pack = pack(Optional.of(key));
        assertEquals("ES256", pack.signature().algorithm());
        assertEquals("evidence-2026-12", pack.signature().keyId());
        assertNull(pack().signature(), "no key, no signature");

        assertEquals("baran-evidence/2", pack.format(), "a signed pack says so");
        ObjectNode json = io.baran.events.EvidenceSeal.read(JSON.writeValueAsString(pack));
        byte[] canonical = io.baran.events.EvidenceSeal.canonical(json);
        var signature = JSON.treeToValue(json.get("signature"), io.baran.events.EvidenceSeal.PackSignature.class);
        assertEquals(pack.packSha256(), io.baran.events.EvidenceSeal.sha256(canonical));
        assertTrue(io.baran.events.EvidenceSeal.verify(key.publicKey(), canonical, signature));
        assertEquals(64, java.util.Base64.getUrlDecoder().decode(signature.value()).length, "JOSE's ES256: R then S");
        var zeros = new io.baran.events.EvidenceSeal.PackSignature(
                "ES256",
                key.kid(),
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]));
        assertFalse(io.baran.events.EvidenceSeal.verify(key.publicKey(), canonical, zeros), "R = S = 0 never verifies");

        ((ObjectNode) json.get("runbook")).put("version", 4);
        assertFalse(io.baran.events.EvidenceSeal.verify(
                key.publicKey(), io.baran.events.EvidenceSeal.canonical(json), signature));
        assertFalse(io.baran.events.EvidenceSeal.verify(
                io.baran.events.SigningKey.generate("other").publicKey(), canonical, signature));
    }

    @Test
    void thePackNamesTheRunbookVersionThePeopleAndEveryStepBeforeAndAfter() {
        EvidencePack pack = pack();
        assertEquals("gated", pack.runbook().name());
        assertEquals(3, pack.runbook().version());
        assertEquals(RUNBOOK.sha256(), pack.runbook().sha256());
        assertEquals("run-0f1e2d", pack.temporalRunId());
        assertEquals("operator", pack.startedBy().name());
        assertEquals(List.of("approver1"), pack.approvedBy());
        EvidencePack.StepEvidence move = pack.steps().get(1);
        assertEquals("www.example.com. CNAME primary.example.net. -> standby.example.net.", move.planned());
        assertEquals(Map.of("exists", true, "value", "primary.example.net."), move.observedBefore());
        assertEquals(
                "applied: www.example.com. CNAME primary.example.net. -> standby.example.net.", move.afterFailover());
        assertEquals("undone: restored www.example.com. CNAME primary.example.net.", move.afterFailback());
        assertEquals(5, move.transitions().size());
        assertEquals(Map.of("rto", "1m", "rpo", "30s"), pack.objectives());
    }

    @Test
    void theScoreHoldsTheRecoveryTimeAgainstTheObjectiveAndAnRpoNotMeasuredFails() {
        ReportView.Score score = pack().score();
        assertEquals("pass", score.rto().result(), score.rto().why());
        assertEquals(9.0, score.rto().measuredSeconds());
        assertEquals(60.0, score.rto().objectiveSeconds());
        assertEquals("not-measured", score.rpo().result());
        assertEquals(false, score.passed(), "an objective that was not measured is no pass");

        ReportView.Score tight = ExecutionViews.score(new Objectives("5s", null), pack().rtoSeconds(), pack().rpo());
        assertEquals("fail", tight.rto().result());
        assertEquals("no-objective", tight.rpo().result());
        assertEquals(false, tight.passed());
        assertNull(ExecutionViews.score(Objectives.NONE, pack().rtoSeconds(), pack().rpo())
                .passed());
        assertEquals(
                true,
                ExecutionViews.score(new Objectives("10s", null), pack().rtoSeconds(), pack().rpo())
                        .passed());
    }

    @Test
    void theHashCoversTheWholePackAsItsJsonReads() throws Exception {
        EvidencePack pack = pack();
        JsonNode json = JSON.readTree(JSON.writeValueAsString(pack));
        assertFalse(json.has("signature"), "an unsigned pack has no signature field: its hash reads as it always did");
        assertEquals("baran-evidence/1", pack.format());
        ObjectNode rest = ((ObjectNode) json).deepCopy();
        rest.remove("packSha256");
        ObjectMapper sorted = new ObjectMapper()
                .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        String canonical = sorted.writeValueAsString(sorted.treeToValue(rest, Object.class));
        String recomputed = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertEquals(pack.packSha256(), recomputed);

        ((ObjectNode) json.get("runbook")).put("version", 4);
        json = ((ObjectNode) json).without("packSha256");
        String changed = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(sorted.writeValueAsString(sorted.treeToValue(json, Object.class))
                                .getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(pack.packSha256(), changed, "a pack changed afterwards no longer matches its hash");
    }

    @Test
    void thePdfReadsTheApproversTheStepsTheRtoAndTheHashes() throws Exception {
        EvidencePack pack = pack();
        byte[] pdf = EvidenceDocuments.pdf(pack);
        assertTrue(new String(pdf, 0, 5, StandardCharsets.US_ASCII).startsWith("%PDF-"));
        String text;
        try (var document = Loader.loadPDF(pdf)) {
            text = new PDFTextStripper().getText(document).replaceAll("\\s+", " ");
        }
        for (String expected : List.of(
                "approver1",
                "operator",
                "go-ahead",
                "move-www",
                "RTO total 9.000 s",
                "pass: outage start (or execution start) to failed over",
                "runbook sha256 " + RUNBOOK.sha256(),
                "pack sha256 " + pack.packSha256(),
                "run-0f1e2d",
                "FAIL")) {
            assertTrue(text.contains(expected), "the PDF does not read \"" + expected + "\": " + text);
        }
    }

    @Test
    void thePdfWritesNamesOutsideLatin1AsTheyAreAndWhatItsFontsCannotDrawAsAQuestionMark() throws Exception {
        EvidencePack pack = pack(drill("Łukasz Dvořák", "Дмитрий Ελένη 東京\u0007"), Optional.empty());
        String text;
        try (var document = Loader.loadPDF(EvidenceDocuments.pdf(pack))) {
            text = new PDFTextStripper().getText(document);
        }
        assertTrue(text.contains("Łukasz Dvořák"), "Latin Extended as written: " + text);
        assertTrue(text.contains("Дмитрий Ελένη ???"), "Cyrillic and Greek as written, CJK and a bell as '?': " + text);
        com.lowagie.text.pdf.BaseFont sans = com.lowagie.text.pdf.BaseFont.createFont(
                "liberation/LiberationSans-Regular.ttf",
                com.lowagie.text.pdf.BaseFont.IDENTITY_H,
                com.lowagie.text.pdf.BaseFont.EMBEDDED,
                true,
                getClass()
                        .getClassLoader()
                        .getResourceAsStream("liberation/LiberationSans-Regular.ttf")
                        .readAllBytes(),
                null);
        assertEquals(
                "first line\nsecond line one",
                EvidenceDocuments.drawable("first line\r\nsecond line\tone", sans),
                "line breaks kept, a tab a space");
    }

    @Test
    void theHtmlShowsTheSameAndEscapesWhatItQuotes() {
        String html = EvidenceDocuments.html(pack());
        assertTrue(html.contains("<td>approver1</td>"), html);
        assertTrue(html.contains(RUNBOOK.sha256()));
        assertTrue(html.contains("-&gt; standby.example.net."), "the plan's arrow is escaped");
        assertFalse(html.contains("<script"));
    }
}
