package io.baran.orchestrator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.orchestrator.audit.AuditEntry;
import io.baran.orchestrator.audit.AuditRecord;
import io.baran.orchestrator.audit.AuditTrail;
import io.baran.orchestrator.audit.AuditTrailUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a call answers when the audit trail fails around the work (found by the fault suite: a PostgreSQL restart). */
class AuditedTest {

    private final AtomicInteger worked = new AtomicInteger();

    @Test
    void workDoneWhoseOutcomeRowIsWrittenOnlyOnASecondTryAnswersWithWhatWasDone() {
        FailingTrail trail = new FailingTrail(0, 1);

        String started = audited(trail).run("drill.start", "web", null, this::work);

        assertEquals("drill-web-1", started);
        assertEquals(1, worked.get());
        assertEquals(List.of(AuditEntry.REQUESTED, AuditEntry.ACCEPTED), trail.written);
    }

    @Test
    void workDoneWhoseOutcomeRowCannotBeWrittenStillAnswersWithWhatWasDoneSoNobodyStartsItTwice() {
        FailingTrail trail = new FailingTrail(0, Integer.MAX_VALUE);

        String started = audited(trail).run("drill.start", "web", null, this::work);

        assertEquals("drill-web-1", started);
        assertEquals(1, worked.get());
        assertEquals(List.of(AuditEntry.REQUESTED), trail.written);
        assertEquals(Audited.OUTCOME_ATTEMPTS, trail.acceptedTries);
    }

    @Test
    void nothingIsDoneWhenTheRequestRowCannotBeWritten() {
        FailingTrail trail = new FailingTrail(1, 0);

        assertThrows(
                AuditTrailUnavailableException.class, () -> audited(trail).run("drill.start", "web", null, this::work));
        assertEquals(0, worked.get());
    }

    /** A reason with a line break would forge a log line; one of a megabyte would fill the trail: refused first. */
    @Test
    void aReasonWithControlCharactersOrTooLongIsRefusedBeforeAnythingIsRecordedOrDone() {
        FailingTrail trail = new FailingTrail(0, 0);
        ProblemException forged = assertThrows(
                ProblemException.class,
                () -> audited(trail)
                        .run("execution.abort", "web", "ok\n2026-12-06 INFO approved by admin", this::work));
        assertEquals(400, forged.problem().status());
        assertTrue(
                forged.problem().detail().contains("U+000A at position 2"),
                forged.problem().detail());
        ProblemException longOne = assertThrows(
                ProblemException.class,
                () -> audited(trail).run("execution.abort", "web", "x".repeat(Audited.MAX_REASON + 1), this::work));
        assertTrue(
                longOne.problem().detail().contains("at most 1000"),
                longOne.problem().detail());
        assertEquals(List.of(), trail.written);
        assertEquals(0, worked.get());

        assertEquals(
                "drill-web-1",
                audited(trail).run("drill.start", "web", "game day, région eu-west: ça marche", this::work),
                "a plain sentence in any script passes");
    }

    @Test
    void aFailureThatIsNoRefusalIsRecordedAsOfUnknownOutcome() {
        FailingTrail trail = new FailingTrail(0, 0);

        var timedOut = assertThrows(
                IllegalStateException.class,
                () -> audited(trail).run("execution.approve", "drill-web-1", null, () -> {
                    throw new IllegalStateException(
                            "the signal was not answered",
                            io.grpc.Status.DEADLINE_EXCEEDED
                                    .withDescription("deadline exceeded after 10s, remote_addr=10.1.2.3:7233")
                                    .asRuntimeException());
                }));
        assertEquals(List.of(AuditEntry.REQUESTED, "unknown: DEADLINE_EXCEEDED"), trail.written);
        assertEquals("the signal was not answered", timedOut.getMessage(), "the caller's exception is unchanged");

        FailingTrail database = new FailingTrail(0, 0);
        assertThrows(
                IllegalStateException.class,
                () -> audited(database).run("runbook.put", "web", null, () -> {
                    throw new IllegalStateException("FATAL: password authentication failed for user \"baran_app\"");
                }));
        assertEquals(
                List.of(AuditEntry.REQUESTED, "unknown: IllegalStateException"),
                database.written,
                "what every viewer reads names no host, address or user");
    }

    @Test
    void aRefusalIsRecordedAsRefused() {
        FailingTrail trail = new FailingTrail(0, 0);

        assertThrows(
                ProblemException.class,
                () -> audited(trail).run("execution.approve", "drill-web-1", null, () -> {
                    throw new ProblemException(409, "Execution finished", "execution drill-web-1 is completed");
                }));

        assertEquals(List.of(AuditEntry.REQUESTED, "refused: execution drill-web-1 is completed"), trail.written);
    }

    /** A runbook a delete finds busy (409) is a refusal too: nothing was done. */
    @Test
    void aBusyRunbookIsRecordedAsRefused() {
        FailingTrail trail = new FailingTrail(0, 0);

        assertThrows(
                io.baran.orchestrator.runbook.RunbookBusyException.class,
                () -> audited(trail).run("runbook.delete", "web", null, () -> {
                    throw new io.baran.orchestrator.runbook.RunbookBusyException("web", List.of("drill-web-1"));
                }));

        assertEquals(AuditEntry.REQUESTED, trail.written.get(0));
        assertTrue(trail.written.get(1).startsWith("refused: "), trail.written.toString());
    }

    private String work() {
        return "drill-web-" + worked.incrementAndGet();
    }

    private static Audited audited(AuditTrail trail) {
        Audited audited = new Audited();
        audited.trail = trail;
        audited.caller = new Caller() {
            @Override
            public String name() {
                return "ada";
            }

            @Override
            public List<String> groups() {
                return List.of("drill-operator");
            }

            @Override
            public String requestId() {
                return "request-1";
            }
        };
        return audited;
    }

    /** Refuses the first {@code requestFailures} request rows and the first {@code acceptedFailures} outcome rows. */
    private static final class FailingTrail extends AuditTrail {
        final List<String> written = new ArrayList<>();
        int requestFailures;
        int acceptedFailures;
        int acceptedTries;

        FailingTrail(int requestFailures, int acceptedFailures) {
            super(new ObjectMapper());
            this.requestFailures = requestFailures;
            this.acceptedFailures = acceptedFailures;
        }

        @Override
        public AuditRecord record(AuditEntry entry) {
            boolean accepted = AuditEntry.ACCEPTED.equals(entry.outcome());
            if (accepted) {
                acceptedTries++;
            }
            if (accepted ? acceptedFailures-- > 0 : requestFailures-- > 0) {
                throw new AuditTrailUnavailableException("could not record " + entry.action(), null);
            }
            written.add(entry.outcome());
            return null;
        }
    }
}
