package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code database.switchover} refuses, before any call, a provider that does not declare it can switch over. */
class SwitchoverTest {

    private static Providers connect(ProviderSettings... settings) {
        return Providers.connect(
                List.of(settings),
                new ProviderContext(Duration.ofSeconds(1), Heartbeat.NONE, Map.of("PG", "secret")::get));
    }

    private static StepCommand switchTo(String provider) {
        return new StepCommand(
                "exec-1", "switch-db", Switchover.NAME, Map.of("provider", provider, "instance", "orders"));
    }

    @Test
    void aProviderThatCannotSwitchOverIsRefusedWithItsReason() {
        try (Providers providers = connect(new ProviderSettings(
                "onprem-db",
                "postgresql",
                "eu-west-1",
                Optional.empty(),
                Map.of(
                        "user",
                        "baran",
                        "password-env",
                        "PG",
                        "instances.orders.standby",
                        "10.0.0.2",
                        "instances.orders.primary",
                        "10.0.0.1:5433")))) {
            ApplicationFailure failure =
                    assertThrows(ApplicationFailure.class, () -> new Switchover(providers).plan(switchTo("onprem-db")));

            assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
            assertTrue(
                    failure.getOriginalMessage()
                            .startsWith("provider onprem-db (type postgresql) does not yet switch the primary role"),
                    failure.getOriginalMessage());
        }
    }

    @Test
    void aProviderNarrowedToPromotionsCannotSwitchOver() {
        // An endpoint nothing listens on: the refusal must come before any call.
        try (Providers providers = connect(new ProviderSettings(
                "aws-dr",
                "aws",
                "eu-west-1",
                Optional.of(URI.create("http://127.0.0.1:9")),
                Map.of("capabilities", "database-replica")))) {
            ApplicationFailure failure =
                    assertThrows(ApplicationFailure.class, () -> new Switchover(providers).plan(switchTo("aws-dr")));

            assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
            assertTrue(
                    failure.getOriginalMessage().contains("lists only database-replica"), failure.getOriginalMessage());
        }
    }
}
