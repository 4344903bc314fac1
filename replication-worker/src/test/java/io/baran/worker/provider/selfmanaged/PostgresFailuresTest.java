package io.baran.worker.provider.selfmanaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.workflow.FailureTypes;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PostgresFailuresTest {

    private static String type(String sqlState) {
        return PostgresFailures.map(
                        new SQLException("boom\nDetail: more", sqlState),
                        "provider db (PostgreSQL h:5432): promote x",
                        "baran")
                .getType();
    }

    @Test
    void errorsMapBySqlState() {
        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, type("08001"), "connection refused");
        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, type("57P03"), "starting up");
        assertEquals(FailureTypes.PROVIDER_THROTTLED, type("53300"), "too many connections");
        assertEquals(FailureTypes.PROVIDER_REJECTED, type("28P01"), "wrong password");
        assertEquals(FailureTypes.PROVIDER_REJECTED, type("42501"), "permission denied");
        assertEquals(FailureTypes.PROVIDER_REJECTED, type("55000"), "recovery is not in progress");
    }

    @Test
    void aRefusalSaysWhatToCheckAndKeepsOnlyTheFirstLine() {
        String message = PostgresFailures.map(
                        new SQLException("permission denied for function pg_promote\nmore", "42501"),
                        "provider db (PostgreSQL h:5432): promote x",
                        "baran")
                .getOriginalMessage();

        assertEquals(
                "provider db (PostgreSQL h:5432): promote x was refused: permission denied for function pg_promote "
                        + "(SQLSTATE 42501); the role baran needs the grants listed in the PostgreSQL adapter's README",
                message);
        assertTrue(!message.contains("more"));
    }
}
