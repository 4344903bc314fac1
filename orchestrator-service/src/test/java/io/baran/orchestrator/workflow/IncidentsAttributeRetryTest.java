package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Starts set {@code BaranIncidents} (by which a recovery finds its executions) unless Temporal refused it as unknown
 * less than a minute ago: a refusal while the server's cache still lacks a just-registered attribute does not make
 * every later failover go without it.
 */
class IncidentsAttributeRetryTest {

    @Test
    void aRefusedAttributeIsTriedAgainAfterAMinute() {
        ExecutionLauncher launcher = new ExecutionLauncher();
        long now = 5_000_000_000L;
        assertTrue(launcher.incidentsAttribute(now), "set until Temporal refuses it");

        launcher.incidentsRefused(now);
        long minute = ExecutionLauncher.INCIDENTS_RETRY.toNanos();
        assertFalse(launcher.incidentsAttribute(now + 1), "left out at once after a refusal");
        assertFalse(launcher.incidentsAttribute(now + minute - 1), "left out for a minute");
        assertTrue(launcher.incidentsAttribute(now + minute), "tried again after a minute");

        launcher.incidentsRefused(now + minute);
        assertFalse(launcher.incidentsAttribute(now + minute + 1), "a second refusal leaves it out another minute");
    }
}
