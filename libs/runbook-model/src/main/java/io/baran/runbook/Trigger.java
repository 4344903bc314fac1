package io.baran.runbook;

import java.util.List;

/**
 * When a runbook runs by itself.
 *
 * @param scope    the outage scope it reacts to, e.g. {@code aws/us-east-1}
 * @param services services within the scope; empty means any
 * @param approval {@code none} or {@code required}: whether a person confirms before the first step
 */
public record Trigger(String scope, List<String> services, String approval, String approvalTimeout) {

    public Trigger(String scope, List<String> services, String approval) {
        this(scope, services, approval, null);
    }

    public Trigger {
        services = services == null ? List.of() : List.copyOf(services);
        approval = approval == null ? "none" : approval;
    }

    /**
     * True when an outage of {@code eventScope} concerns this trigger: the scope itself, or one of its
     * services ({@code scope/service} and anything below it). A trigger without services takes every
     * sub-scope.
     */
    public boolean matches(String eventScope) {
        if (scope == null || eventScope == null) {
            return false;
        }
        if (eventScope.equals(scope)) {
            return true;
        }
        if (!eventScope.startsWith(scope + "/")) {
            return false;
        }
        if (services.isEmpty()) {
            return true;
        }
        String rest = eventScope.substring(scope.length() + 1);
        int slash = rest.indexOf('/');
        String service = slash < 0 ? rest : rest.substring(0, slash);
        return services.contains(service);
    }
}
