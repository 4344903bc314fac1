package io.baran.testinfra;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** A bounded wait for something a test reads again and again. */
public final class Polling {

    private Polling() {}

    /**
     * Reads every {@code every} until {@code done} holds, at most {@code within}.
     *
     * @param failure the message when it never does, given the last value read
     * @return the value that satisfied {@code done}
     * @throws AssertionError with that message when the time is up (or the thread is interrupted)
     */
    public static <T> T until(
            Supplier<T> read, Predicate<T> done, Duration within, Duration every, Function<T, String> failure) {
        long deadline = System.nanoTime() + within.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = read.get();
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError(failure.apply(last));
    }
}
