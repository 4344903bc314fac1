package io.baran.worker.provider;

import io.baran.worker.Heartbeat;

import java.time.Duration;
import java.util.function.Function;

/**
 * What every provider gets besides its own settings.
 *
 * @param dnsSyncTimeout how long a DNS change may take to reach the provider's servers
 * @param heartbeat      tells Temporal a long step is alive
 * @param environment    reads the environment variable a setting names (a TSIG secret, a password); tests
 *                       pass their own, production passes {@code System::getenv}
 */
public record ProviderContext(Duration dnsSyncTimeout, Heartbeat heartbeat, Function<String, String> environment) {

    public static ProviderContext of(Duration dnsSyncTimeout, Heartbeat heartbeat) {
        return new ProviderContext(dnsSyncTimeout, heartbeat, System::getenv);
    }

    /** The value of the environment variable named by an option; fails start-up when it is unset. */
    public String secret(ProviderSettings settings, String option) {
        String variable = settings.required(option);
        String value = environment.apply(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(settings.key(option) + " names the environment variable " + variable
                    + ", which is not set for the replication-worker");
        }
        return value;
    }
}
