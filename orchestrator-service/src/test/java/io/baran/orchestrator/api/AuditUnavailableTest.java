package io.baran.orchestrator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.orchestrator.audit.AuditTrailUnavailableException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The 503 of an audit trail the database does not serve says what was not done, never the database's error. */
class AuditUnavailableTest {

    @Test
    void theAnswerNamesWhatWasNotDoneAndKeepsTheDatabaseErrorInTheLog() {
        var refused = new AuditTrailUnavailableException(
                "could not record execution.abort on drill-shop-1 by ann, so it is not done",
                new IllegalStateException(
                        "commit failed",
                        new SQLException(
                                "FATAL: password authentication failed for user \"baran_app\" (db-7.internal)")));

        var answer = new AuditResource.UnavailableMapper().toResponse(refused);

        assertEquals(503, answer.getStatus());
        Problem problem = (Problem) answer.getEntity();
        assertTrue(
                problem.detail().startsWith("could not record execution.abort on drill-shop-1 by ann"),
                problem.detail());
        assertFalse(problem.detail().contains("baran_app"), problem.detail());
        assertFalse(problem.detail().contains("db-7.internal"), problem.detail());
        assertTrue(refused.getMessage().contains("db-7.internal"), "the log keeps the cause: " + refused.getMessage());
    }
}
