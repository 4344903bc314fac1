package io.baran.orchestrator.dispatch;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** The orchestrator's periodic sweeps: one daemon thread each, a failed sweep logged and the next one run all the same. */
final class Sweeps {

    private static final Logger LOG = Logger.getLogger(Sweeps.class);

    private Sweeps() {}

    /**
     * Runs {@code sweep} every {@code period} (first after one period) on a thread named {@code name}.
     *
     * @return the scheduler, to shut down when the orchestrator stops
     */
    static ScheduledExecutorService every(String name, Duration period, Runnable sweep) {
        ScheduledExecutorService sweeps = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
        long every = period.toMillis();
        sweeps.scheduleWithFixedDelay(
                () -> {
                    try {
                        sweep.run();
                    } catch (RuntimeException e) {
                        // A failure must not end the sweeps.
                        LOG.warnf("%s failed (%s); the next one tries again", name, e.getMessage());
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
        return sweeps;
    }
}
