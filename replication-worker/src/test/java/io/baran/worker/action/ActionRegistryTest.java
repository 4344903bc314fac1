package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.Heartbeat;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionRegistryTest {

    private final Providers noProviders = new Providers(List.of());

    /** A second action that claims an existing name, as a copy-pasted class would. */
    static final class AnotherHealthCheck extends HealthCheck {
        AnotherHealthCheck() {
            super(Heartbeat.NONE);
        }
    }

    @Test
    void aDuplicateActionNameStopsTheWorker() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> new ActionRegistry(List.of(
                        new DnsSwitch(noProviders), new HealthCheck(Heartbeat.NONE), new AnotherHealthCheck())));

        assertTrue(
                e.getMessage().startsWith("action health.check is defined twice: by " + HealthCheck.class.getName()),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(AnotherHealthCheck.class.getName()), e.getMessage());
    }

    @Test
    void anUnknownActionIsRefusedNamingIt() {
        ActionActivitiesImpl activities = new ActionActivitiesImpl(
                new ActionRegistry(List.of(new DnsSwitch(noProviders), new HealthCheck(Heartbeat.NONE))));

        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class,
                () -> activities.plan(new StepCommand("exec-1", "move-traffic", "dns.swtich", Map.of())));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        assertTrue(failure.isNonRetryable());
        assertEquals(
                "step move-traffic: action dns.swtich is not hosted by this replication-worker "
                        + "(it hosts: dns.switch, health.check)",
                failure.getOriginalMessage());
    }

    @Test
    void stepsGoToTheActionTheyName() {
        ActionActivitiesImpl activities = new ActionActivitiesImpl(
                new ActionRegistry(List.of(new DnsSwitch(noProviders), new HealthCheck(Heartbeat.NONE))));

        var plan = activities.plan(new StepCommand(
                "exec-1", "standby-answers", "health.check", Map.of("url", "http://127.0.0.1:1/healthz")));

        assertEquals("health.check", plan.action());
        assertEquals("GET http://127.0.0.1:1/healthz expects 200 within 1m", plan.summary());
    }
}
