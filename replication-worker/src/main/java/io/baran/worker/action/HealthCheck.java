package io.baran.worker.action;

import io.baran.egress.Destination;
import io.baran.egress.EgressPolicy;
import io.baran.egress.EgressRefusedException;
import io.baran.egress.PinnedHttp;
import io.baran.runbook.ActionType;
import io.baran.runbook.BoundWith;
import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * {@code health.check}: waits until a URL answers the expected status, for at most {@code within}.
 * Changes nothing, so its undo does nothing. Redirects are not followed: the status compared is the one
 * the URL itself answers. Every try resolves the host through the egress policy and connects to the address it
 * admitted (a name may move during a failover, and must not move to a refused address between check and call); a
 * refused address fails the step at once, before any connection.
 */
@Singleton
public class HealthCheck implements Action {

    public static final String NAME = "health.check";
    private static final ActionType TYPE = StepInput.definition(NAME);
    /** No single request waits longer than this, so a hanging server still gets retried within the window. */
    private static final Duration MAX_REQUEST = Duration.ofSeconds(10);
    /** No try starts with less of the window left than this: a try that cannot get an answer says nothing. */
    private static final Duration LAST_TRY = Duration.ofMillis(250);

    /** No connection waits longer than this. */
    private static final Duration MAX_CONNECT = Duration.ofSeconds(5);

    private final Heartbeat heartbeat;
    private final EgressPolicy egress;
    private final PinnedHttp http;

    /** Refusing every internal address ({@link EgressPolicy#defaults()}), as production does with nothing configured. */
    public HealthCheck(Heartbeat heartbeat) {
        this(heartbeat, EgressPolicy.defaults());
    }

    @Inject
    public HealthCheck(Heartbeat heartbeat, EgressPolicy egress) {
        this(heartbeat, egress, new PinnedHttp());
    }

    HealthCheck(Heartbeat heartbeat, EgressPolicy egress, PinnedHttp http) {
        this.heartbeat = heartbeat;
        this.egress = egress;
        this.http = http;
    }

    /**
     * The step's {@code with:} block.
     *
     * @param withinText the wait as the runbook wrote it, for messages
     */
    public record Input(URI url, int expect, Duration within, String withinText, Duration interval) {}

    @Override
    public ActionType type() {
        return TYPE;
    }

    @Override
    public Input input(BoundWith with) {
        return new Input(
                URI.create(with.text("url")),
                Math.toIntExact(with.number("expect")),
                with.duration("within"),
                with.durationText("within"),
                with.duration("interval"));
    }

    /** The step's input; fails (InvalidInput) with every violation of the with: block. */
    public Input input(StepCommand command) {
        return input(StepInput.bind(this, command));
    }

    @Override
    public StepPlan plan(StepCommand command) {
        Input in = input(command);
        return new StepPlan(
                command.step(),
                NAME,
                false,
                "GET " + in.url() + " expects " + in.expect() + " within " + in.withinText(),
                Map.of(),
                Map.of());
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        Input in = input(command);
        long deadline = System.nanoTime() + in.within().toNanos();
        String last = "no answer";
        int tries = 0;
        while (true) {
            long left = deadline - System.nanoTime();
            if (tries > 0 && left < LAST_TRY.toNanos()) {
                break;
            }
            tries++;
            Duration timeout = Duration.ofNanos(Math.max(1_000_000, Math.min(left, MAX_REQUEST.toNanos())));
            Integer status = null;
            try {
                status = get(in, timeout);
                last = "HTTP " + status;
            } catch (EgressRefusedException e) {
                throw Failures.of(
                        FailureTypes.INVALID_INPUT,
                        "step " + command.step() + ": GET " + in.url() + " not sent: " + e.getMessage());
            } catch (SocketTimeoutException e) {
                last = "no answer within " + timeout.toMillis() + " ms";
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (status != null && status == in.expect()) {
                return new StepOutcome(
                        command.step(), false, "GET " + in.url() + " answered " + status + " (try " + tries + ")");
            }
            heartbeat.beat("try " + tries + ": " + last);
            left = deadline - System.nanoTime();
            if (left < LAST_TRY.toNanos()) {
                break;
            }
            // Never sleep into the last slice of the window: the final try gets time to answer.
            sleep(Duration.ofNanos(Math.min(in.interval().toNanos(), left - LAST_TRY.toNanos())));
        }
        throw Failures.of(
                FailureTypes.HEALTH_CHECK_FAILED,
                "step " + command.step() + ": GET " + in.url() + " did not answer " + in.expect() + " within "
                        + in.withinText() + " (" + tries + " tries; last: " + last + ")");
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        return new StepOutcome(command.step(), false, "health.check changes nothing; nothing to undo");
    }

    private int get(Input in, Duration timeout) throws IOException {
        // Resolved and checked for this try; the connection goes to the address checked, never to a new lookup.
        Destination to = egress.resolve(in.url());
        Duration connect = timeout.compareTo(MAX_CONNECT) < 0 ? timeout : MAX_CONNECT;
        return http.send(
                "GET", in.url(), to, Map.of("User-Agent", "baran-worker", "Accept", "*/*"), null, connect, timeout);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted between health checks", e);
        }
    }
}
