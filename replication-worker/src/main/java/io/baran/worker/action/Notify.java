package io.baran.worker.action;

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
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code notify}: posts a message to a channel the worker's configuration names. Changes nothing, so its undo
 * does nothing. The text starts with the execution id, so a drill's messages say they are a drill.
 *
 * <p>By default a message that cannot be delivered does not stop the runbook: the chat service may be down with
 * the region that failed, and a failover must not wait on it. The step then tries a few times within a
 * bounded window and passes with "not delivered" in its summary. With {@code required: true} the step fails
 * instead: retryably (ProviderUnavailable) when the channel (a webhook, PagerDuty) is down or throttling, or not (ProviderRejected)
 * when it refuses the request.
 */
@Singleton
public class Notify implements Action {

    public static final String NAME = "notify";
    private static final ActionType TYPE = StepInput.definition(NAME);
    /** Attempts of a best-effort delivery, and the pause after the first failed one (doubled after each). */
    static final int BEST_EFFORT_TRIES = 3;

    static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(Notify.class);

    private final NotificationChannels channels;
    private final Heartbeat heartbeat;

    @Inject
    public Notify(NotificationChannels channels, Heartbeat heartbeat) {
        this.channels = channels;
        this.heartbeat = heartbeat;
    }

    /** The step's {@code with:} block. */
    record Input(String channel, String message, boolean required) {}

    @Override
    public ActionType type() {
        return TYPE;
    }

    @Override
    public Input input(BoundWith with) {
        return new Input(with.text("channel"), with.text("message"), with.flag("required"));
    }

    /** The step's input; fails (InvalidInput) with every violation of the with: block. */
    Input input(StepCommand command) {
        return input(StepInput.bind(this, command));
    }

    @Override
    public StepPlan plan(StepCommand command) {
        Input in = input(command);
        NotificationChannel channel = channels.find(command.step(), in.channel());
        return new StepPlan(
                command.step(),
                NAME,
                false,
                "would tell " + channel.name() + ": " + text(command, in) + (in.required() ? "" : " (best effort)"),
                Map.of(),
                Map.of());
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        Input in = input(command);
        NotificationChannel channel = channels.find(command.step(), in.channel());
        String text = text(command, in);
        if (in.required()) {
            // One attempt per activity attempt: the workflow's retry policy paces the rest.
            NotificationChannel.Delivery d = channel.post(text, command.executionId(), command.step());
            if (!d.delivered()) {
                throw Failures.of(
                        d.retryable() ? FailureTypes.PROVIDER_UNAVAILABLE : FailureTypes.PROVIDER_REJECTED,
                        "step " + command.step() + ": message to " + channel.name() + " not delivered: " + d.detail());
            }
            return new StepOutcome(command.step(), false, "told " + channel.name() + " (" + d.detail() + ")");
        }
        NotificationChannel.Delivery last = null;
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; attempt <= BEST_EFFORT_TRIES; attempt++) {
            last = channel.post(text, command.executionId(), command.step());
            if (last.delivered()) {
                return new StepOutcome(command.step(), false, "told " + channel.name() + " (" + last.detail() + ")");
            }
            if (!last.retryable() || attempt == BEST_EFFORT_TRIES) {
                break;
            }
            heartbeat.beat("try " + attempt + " to " + channel.name() + ": " + last.detail());
            sleep(pause);
            pause = pause.multipliedBy(2);
        }
        LOG.warnf(
                "step %s of %s: message to %s not delivered (%s); the runbook goes on (notify is best effort "
                        + "unless required: true)",
                command.step(), command.executionId(), channel.name(), last.detail());
        return new StepOutcome(
                command.step(),
                false,
                "not delivered to " + channel.name() + ": " + last.detail() + " (best effort: the runbook goes on)");
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        return new StepOutcome(command.step(), false, "notify changes nothing; nothing to undo");
    }

    /** e.g. {@code [drill-demo-web-1a2b3c4d] failing over www to the standby}. */
    static String text(StepCommand command, Input in) {
        return "[" + command.executionId() + "] " + in.message();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted between notification attempts", e);
        }
    }
}
