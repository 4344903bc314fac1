package io.baran.orchestrator.dispatch;

import io.baran.orchestrator.config.DispatchConfig;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The blast-radius guard's rule, without I/O: too much down at once looks more like a detector fault than like an
 * outage, so automatic failovers wait for a person.
 *
 * @param maxShare    trips above this share of the protected services
 * @param maxScopes   trips above this many scopes; empty: scopes are not counted
 * @param minServices the share counts only from this many services down
 */
public record BlastRadius(boolean enabled, double maxShare, OptionalInt maxScopes, int minServices) {

    public static BlastRadius of(DispatchConfig.BlastRadius config) {
        return new BlastRadius(config.enabled(), config.maxShare(), config.maxScopes(), config.minServices());
    }

    /**
     * @param down      protected services whose scope is down now (this outage's included)
     * @param protected_ protected services in all (runbooks with an outage trigger, by {@code spec.protects})
     * @param scopes    scopes down now (this one included)
     * @return why automatic failovers are held, e.g. {@code held by blast-radius guard: 600 of 1000 services in 1 scope
     *         (more than 50% of the protected services)}; empty when the guard lets them run
     */
    public Optional<String> check(int down, int protected_, int scopes) {
        if (!enabled || protected_ <= 0) {
            return Optional.empty();
        }
        String why = null;
        if (down >= minServices && (double) down / protected_ > maxShare) {
            why = "more than " + percent(maxShare) + " of the protected services";
        } else if (maxScopes.isPresent() && scopes > maxScopes.getAsInt()) {
            why = "more than " + maxScopes.getAsInt() + (maxScopes.getAsInt() == 1 ? " scope" : " scopes");
        }
        if (why == null) {
            return Optional.empty();
        }
        return Optional.of("held by blast-radius guard: " + down + " of " + protected_ + " services in " + scopes
                + (scopes == 1 ? " scope" : " scopes") + " (" + why
                + " down at once; a detector fault looks like this: approve to "
                + "fail over)");
    }

    private static String percent(double share) {
        double p = share * 100;
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
    }
}
