package io.baran.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
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

    /**
     * postgresql: how long the database may take to answer a budget call (connecting, each statement; the socket waits
     * a second more). Past it the call takes from this replica's share of the bucket (see replicas) instead.
     */
    @WithDefault("2s")
    Duration timeout();

    /**
     * postgresql: how many worker replicas share the buckets, at least (the database's count of their sessions is used
     * when higher). While the database does not answer, each replica takes from a bucket of its own with this share
     * (1/replicas) of the account's rate and burst, so that together they stay within the quota.
     */
    @WithDefault("3")
    int replicas();
}
