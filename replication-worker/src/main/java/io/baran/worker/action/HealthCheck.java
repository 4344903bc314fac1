package io.baran.worker.action;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * {@code health.check}: waits until a URL answers the expected status, for at most {@code within}.
 * Changes nothing, so its undo does nothing. Redirects are not followed: the status compared is the one
 * the URL itself answers.
 */
@Singleton
public class HealthCheck implements Action {

    public static final String NAME = "health.check";
    /** No single request waits longer than this, so a hanging server still gets retried within the window. */
    private static final Duration MAX_REQUEST = Duration.ofSeconds(10);
    /** No try starts with less of the window left than this: a try that cannot get an answer says nothing. */
    private static final Duration LAST_TRY = Duration.ofMillis(250);

    private final Heartbeat heartbeat;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Inject
    public HealthCheck(Heartbeat heartbeat) {
        this.heartbeat = heartbeat;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StepPlan plan(StepCommand command) {
        HealthCheckInput in = HealthCheckInput.bind(command);
        return new StepPlan(command.step(), NAME, false, "GET " + in.url() + " expects " + in.expect() + " within " + in.withinText(),
                Map.of(), Map.of());
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        HealthCheckInput in = HealthCheckInput.bind(command);
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
            } catch (HttpTimeoutException e) {
                last = "no answer within " + timeout.toMillis() + " ms";
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (status != null && status == in.expect()) {
                return new StepOutcome(command.step(), false, "GET " + in.url() + " answered " + status + " (try " + tries + ")");
            }
            heartbeat.beat("try " + tries + ": " + last);
            left = deadline - System.nanoTime();
            if (left < LAST_TRY.toNanos()) {
                break;
            }
            // Never sleep into the last slice of the window: the final try gets time to answer.
            sleep(Duration.ofNanos(Math.min(in.interval().toNanos(), left - LAST_TRY.toNanos())));
        }
        throw Failures.of(FailureTypes.HEALTH_CHECK_FAILED, "step " + command.step() + ": GET " + in.url() + " did not answer "
                + in.expect() + " within " + in.withinText() + " (" + tries + " tries; last: " + last + ")");
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        return new StepOutcome(command.step(), false, "health.check changes nothing; nothing to undo");
    }

    private int get(HealthCheckInput in, Duration timeout) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(in.url()).timeout(timeout).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + in.url(), e);
        }
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
