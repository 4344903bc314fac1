package io.baran.system;

import io.baran.testinfra.Polling;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** What a system test started, stopped in reverse order; and its bounded waits, which show the services' logs. */
final class Running implements AutoCloseable {

    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(60);

    private final List<AutoCloseable> parts = new ArrayList<>();

    <T extends AutoCloseable> T keep(T part) {
        parts.add(part);
        return part;
    }

    /**
     * Reads until {@code done} holds, at most 60 s.
     *
     * @param logs what to show when it never does (the services' log tails)
     */
    static <T> T await(Supplier<T> read, Predicate<T> done, String what, Supplier<String> logs) {
        return await(read, done, WAIT, what, logs);
    }

    /** Reads until {@code done} holds, at most {@code wait}: for waits that include a timeout of Temporal's. */
    static <T> T await(
            Supplier<T> read, Predicate<T> done, java.time.Duration wait, String what, Supplier<String> logs) {
        return Polling.until(
                read,
                done,
                wait,
                java.time.Duration.ofMillis(250),
                last -> "timed out after " + wait.toSeconds() + " s waiting for " + what + "; last seen: " + last + "\n"
                        + logs.get());
    }

    @Override
    public void close() {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                System.err.println("stopping " + parts.get(i) + ": " + e);
            }
        }
    }
}
