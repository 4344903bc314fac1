package io.baran.worker;

import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;

/**
 * Builds the activity failures the workflow reads: the type is one of {@link FailureTypes}, and whether
 * Temporal retries follows from the type alone, so no call site can get the two out of step.
 */
public final class Failures {

    private Failures() {
    }

    public static ApplicationFailure of(String type, String message) {
        return FailureTypes.NON_RETRYABLE.contains(type)
                ? ApplicationFailure.newNonRetryableFailure(message, type)
                : ApplicationFailure.newFailure(message, type);
    }
}
