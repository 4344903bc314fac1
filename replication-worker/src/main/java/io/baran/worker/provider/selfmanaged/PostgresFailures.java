package io.baran.worker.provider.selfmanaged;

import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;

/** The one place where PostgreSQL errors (by SQLSTATE) become Baran's failure types. */
final class PostgresFailures {

    private PostgresFailures() {}

    /** True when the server could not be reached or is going down: the error says nothing about the request. */
    static boolean unreachable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.startsWith("08")
                || state.equals("57P01")
                || state.equals("57P02")
                || state.equals("57P03")
                || state.isEmpty();
    }

    /** @param where e.g. {@code provider onprem-db (PostgreSQL 10.0.0.2:5432): promote orders-replica} */
    static ApplicationFailure map(SQLException e, String where, String user) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason = firstLine(e.getMessage()) + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")");
        if (unreachable(e)) {
            return Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, where + " could not reach the server: " + reason);
        }
        if (state.startsWith("53")) {
            return Failures.of(
                    FailureTypes.PROVIDER_THROTTLED, where + " found the server out of resources: " + reason);
        }
        if (state.startsWith("28")) {
            return Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    where + " was refused: " + reason + "; check the user " + user
                            + " and the password in the variable named by password-env");
        }
        if (state.equals("42501")) {
            return Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    where + " was refused: " + reason + "; the role " + user
                            + " needs the grants listed in the PostgreSQL adapter's README");
        }
        if (state.equals("57014")) {
            return Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, where + " timed out: " + reason);
        }
        return Failures.of(FailureTypes.PROVIDER_REJECTED, where + " failed: " + reason);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
