package io.baran.orchestrator.runbook;

import io.baran.runbook.Access;
import io.baran.runbook.Runbook;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * What one verified person may do to a runbook: what its {@code spec.access} grants one of their groups, and anything
 * to an admin. The one check behind a REST caller ({@code Caller}) and behind the person who asked for a game day
 * ({@code GameDays}), so that both refuse exactly the same runbooks with the same words.
 *
 * @param name   the verified principal
 * @param groups their groups (roles) as verified, the implied ones included
 * @param admin  whether they hold the {@code admin} role
 */
public record RunbookAccess(String name, List<String> groups, boolean admin) {

    public RunbookAccess {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** Why {@code spec.access.drill} keeps them from drilling the runbook; empty when it names one of their groups. */
    public Optional<String> refusalToDrill(Runbook runbook) {
        return refusal(runbook, "drill", Access::drill, (access, mine) -> access.mayDrill(mine));
    }

    /** Why {@code spec.access.failover} keeps them from failing the runbook over; empty when they may. */
    public Optional<String> refusalToFailover(Runbook runbook) {
        return refusal(runbook, "failover", Access::failover, (access, mine) -> access.mayFailover(mine));
    }

    private Optional<String> refusal(
            Runbook runbook,
            String what,
            Function<Access, List<String>> listed,
            BiPredicate<Access, List<String>> allows) {
        if (admin || allows.test(runbook.access(), groups)) {
            return Optional.empty();
        }
        List<String> allowed = listed.apply(runbook.access());
        return Optional.of(name + " may not " + what + " runbook " + runbook.name() + ": its spec.access." + what
                + (allowed.isEmpty() ? " names no group (nobody but an admin may)" : " allows only " + allowed)
                + ", and the groups of " + name + " are " + groups);
    }
}
