package io.baran.runbook;

import java.util.List;
import java.util.Map;

/**
 * {@code spec.drills}: drills the orchestrator starts by itself, as a Temporal Schedule.
 *
 * @param schedule       a five-field cron expression ({@link Cron}), e.g. {@code 0 3 * * TUE}; null: no scheduled
 *                       drill (an {@code abortWhen} still guards drills started by hand and game days)
 * @param timezone       the IANA time zone the schedule and the blocked windows are read in (default {@code UTC})
 * @param hold           how long a scheduled drill stays failed over (default {@value #DEFAULT_HOLD})
 * @param blockedWindows cron expressions of the minutes in which no scheduled drill starts (a change freeze, a
 *                       sales day): a start matching every field of one of them is skipped
 * @param abortWhen      a health check that must keep passing while any drill of the runbook is failed over; null
 *                       when the runbook has none
 */
public record Drills(String schedule, String timezone, String hold, List<String> blockedWindows, AbortWhen abortWhen) {

    public static final String DEFAULT_HOLD = "10m";
    public static final String DEFAULT_TIMEZONE = "UTC";

    public Drills {
        timezone = timezone == null ? DEFAULT_TIMEZONE : timezone;
        hold = hold == null ? DEFAULT_HOLD : hold;
        blockedWindows = blockedWindows == null ? List.of() : List.copyOf(blockedWindows);
    }

    /**
     * {@code spec.drills.abortWhen}: the drill is stopped and everything it changed is restored as soon as this check
     * fails while the drill is failed over.
     *
     * @param healthCheckFails the {@code with:} block of a {@code health.check}, bound and checked as that action's
     * @param every            how often it runs while failed over (default {@value #DEFAULT_EVERY})
     */
    public record AbortWhen(Map<String, Object> healthCheckFails, String every) {

        public static final String DEFAULT_EVERY = "30s";
        /** The name the check runs under: it reports as a step of this name in the worker's logs. */
        public static final String CHECK_NAME = "abort-condition";

        public AbortWhen {
            healthCheckFails = healthCheckFails == null
                    ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(healthCheckFails));
            every = every == null ? DEFAULT_EVERY : every;
        }
    }
}
