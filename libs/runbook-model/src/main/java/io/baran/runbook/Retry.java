package io.baran.runbook;

/**
 * How often a step's action is tried before the step fails, with exponential backoff between tries.
 *
 * @param attempts    tries in all, the first included (1 means no retry)
 * @param interval    wait before the second try, as a duration text; doubles after each try
 * @param maxInterval the longest wait between two tries
 */
public record Retry(int attempts, String interval, String maxInterval) {

    public static final String DEFAULT_INTERVAL = "1s";
    public static final String DEFAULT_MAX_INTERVAL = "30s";

    public Retry {
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        maxInterval = maxInterval == null ? DEFAULT_MAX_INTERVAL : maxInterval;
    }
}
