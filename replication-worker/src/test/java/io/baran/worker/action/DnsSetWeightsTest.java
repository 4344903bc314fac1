package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.selfmanaged.Rfc2136ProviderType;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsSetWeightsTest {

    @Test
    void aProviderThatCannotChangeWeightsIsRefusedWithItsReasonBeforeAnyCall() {
        // No DNS adapter at all: had the action reached it, the failure would be a NullPointerException.
        Providers providers = new Providers(List.of(new ConfiguredProvider(
                "onprem-dns", "rfc2136", new Rfc2136ProviderType().capabilities(), null, null, null, null, null)));
        StepCommand command = new StepCommand(
                "exec-1",
                "shift",
                DnsSetWeights.NAME,
                Map.of(
                        "provider",
                        "onprem-dns",
                        "zone",
                        "example.com",
                        "record",
                        "www",
                        "type",
                        "A",
                        "weights",
                        Map.of("primary", 0, "standby", 100)));

        ApplicationFailure failure =
                assertThrows(ApplicationFailure.class, () -> new DnsSetWeights(providers).plan(command));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertTrue(
                failure.getOriginalMessage()
                        .startsWith("provider onprem-dns (type rfc2136) does not yet change the weights"),
                failure.getOriginalMessage());
        assertTrue(failure.getOriginalMessage().contains("BIND views"), failure.getOriginalMessage());
    }

    @Test
    void aSetIdentifierThatCannotBeOneIsRefused() {
        StepCommand command = new StepCommand(
                "exec-1",
                "shift",
                DnsSetWeights.NAME,
                Map.of(
                        "provider",
                        "aws-main",
                        "zone",
                        "example.com",
                        "record",
                        "www",
                        "type",
                        "A",
                        "weights",
                        Map.of("stand by", 100)));

        ApplicationFailure failure =
                assertThrows(ApplicationFailure.class, () -> new DnsSetWeights(null).input(command));

        assertEquals(
                "step shift (dns.set-weights): with.weights \"stand by\" is not a set identifier (letters, digits, . _ : -)",
                failure.getOriginalMessage());
    }
}
