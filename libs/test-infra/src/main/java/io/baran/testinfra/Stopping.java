package io.baran.testinfra;

/** Stops what a component runs in (a {@link LocalProcess} or a container), whatever its close() may throw. */
final class Stopping {

    private Stopping() {}

    static void stop(String what, AutoCloseable running) {
        try {
            running.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop " + what + ": " + e.getMessage(), e);
        }
    }
}
