package io.baran.detector.probe;

import io.baran.detector.config.TargetDefinition;
import io.smallrye.mutiny.Uni;

/** One check of one target. {@link #run()} never fails and never blocks the calling thread: every failure is a failed result. */
public interface Probe {

    TargetDefinition target();

    Uni<ProbeResult> run();

    /** Lets go of what the probe keeps between runs (a connection); called once its target is no longer probed. */
    default void close() {}

    /** Turns any failure into a failed result whose detail names the exception, never a credential. */
    static ProbeResult describe(Throwable failure) {
        String message = failure.getMessage();
        return ProbeResult.failed(failure.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }
}
