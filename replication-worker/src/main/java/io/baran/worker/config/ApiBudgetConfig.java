package io.baran.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Where the API budgets of the provider accounts are kept (README "API budgets"). The rates themselves are per
 * provider: {@code baran.providers."<name>".api-budget.<api>.rate} / {@code .burst} and {@code api-account}.
 */
@ConfigMapping(prefix = "baran.api-budget")
public interface ApiBudgetConfig {

    /**
     * local: in this process, right for one worker replica; postgresql: in a table every replica shares (created if
     * absent), so that together they stay within each account's quota. Several replicas with local budgets each spend
     * the whole quota.
     */
    @WithDefault("local")
    String store();

    /** postgresql: the JDBC URL of the database holding the buckets, e.g. jdbc:postgresql://db:5432/baran. */
    Optional<String> jdbcUrl();

    /** postgresql: the role the worker connects as. */
    Optional<String> user();

    /** postgresql: the environment variable holding that role's password; none when absent. */
    Optional<String> passwordEnv();
}
