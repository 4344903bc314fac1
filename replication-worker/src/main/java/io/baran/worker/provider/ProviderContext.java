package io.baran.worker.provider;

import io.baran.worker.Heartbeat;
import io.baran.worker.budget.ApiBudget;
import io.baran.worker.budget.BudgetedCalls;
import io.baran.worker.budget.Limit;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * What every provider gets besides its own settings.
 *
 * @param dnsSyncTimeout how long a DNS change may take to reach the provider's servers
 * @param heartbeat      tells Temporal a long step is alive
 * @param environment    reads the environment variable a setting names (a TSIG secret, a password); tests
 *                       pass their own, production passes {@code System::getenv}
 * @param budget         the API budgets of the provider accounts, shared by every provider (and, when kept in
 *                       PostgreSQL, by every worker replica)
 */
public record ProviderContext(
        Duration dnsSyncTimeout, Heartbeat heartbeat, Function<String, String> environment, ApiBudget budget) {

    public ProviderContext(Duration dnsSyncTimeout, Heartbeat heartbeat, Function<String, String> environment) {
        this(dnsSyncTimeout, heartbeat, environment, ApiBudget.local());
    }

    public static ProviderContext of(Duration dnsSyncTimeout, Heartbeat heartbeat) {
        return new ProviderContext(dnsSyncTimeout, heartbeat, System::getenv);
    }

    public static ProviderContext of(Duration dnsSyncTimeout, Heartbeat heartbeat, ApiBudget budget) {
        return new ProviderContext(dnsSyncTimeout, heartbeat, System::getenv, budget);
    }

    /**
     * The calls of a provider to one of its APIs, within the account's budget for it: {@code api-budget.<api>.rate} and
     * {@code .burst} of the provider's settings, else {@code defaults}; the account is {@code api-account}, else the
     * provider's name (two providers naming one account set the same {@code api-account} to share its budget).
     *
     * @param api      e.g. {@code route53}; the bucket is {@code <type>:<account>:<api>}
     * @param defaults the provider's documented quota, or empty for an API without one (throttling is still waited out)
     */
    public BudgetedCalls calls(ProviderSettings settings, String api, Optional<Limit> defaults) {
        String account = settings.option(ApiBudgetSettings.ACCOUNT).orElse(settings.name());
        return new BudgetedCalls(
                budget,
                settings.type() + ":" + account + ":" + api,
                ApiBudgetSettings.limit(settings, api, defaults),
                heartbeat);
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
