package io.baran.deploy;

import io.baran.security.CallAuditTrail;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The services that write their own changing calls to the orchestrator's audit trail ({@link CallAuditTrail}, in
 * libs/api-security: they connect to {@code baran.audit.jdbc-url} as {@code baran.audit.user}, a role the orchestrator's
 * migration V9__audit_writers.sql grants SELECT and INSERT on audit_log), found in their classes, and what a deployment
 * must give them: the orchestrator's database, as the role it grants, with a trail kept. Without the URL such a
 * service does not start.
 */
final class AuditWriters {

    /** The orchestrator's Flyway placeholder naming the role V9__audit_writers.sql grants. */
    static final String GRANTED_ROLE = "quarkus.flyway.placeholders.auditRole";

    private AuditWriters() {}

    /** The services whose classes use {@link CallAuditTrail}. */
    static List<ServiceModule> all() {
        return ServiceModule.ALL.stream()
                .filter(module -> module.refersTo(CallAuditTrail.class))
                .toList();
    }

    /**
     * What is wrong with a writer's configuration, given the orchestrator's: a trail not kept, another database than
     * the orchestrator's, another role than the one its migrations grant, no password.
     */
    static List<String> problems(String where, EffectiveConfig writer, EffectiveConfig orchestrator) {
        List<String> problems = new ArrayList<>();
        String store = writer.value("baran.audit.store").orElse(injectedDefault("baran.audit.store"));
        if (!"postgresql".equals(store.strip().toLowerCase(Locale.ROOT))) {
            problems.add(
                    where + ": baran.audit.store is " + store + ": its changing calls would not be in the audit trail");
        }
        String database = orchestrator.value("quarkus.datasource.jdbc-url").orElse(null);
        String url = writer.value("baran.audit.jdbc-url").orElse(null);
        if (url == null || url.isBlank()) {
            problems.add(where + ": no baran.audit.jdbc-url (BARAN_AUDIT_JDBC_URL): the service would not start");
        } else if (!url.equals(database)) {
            problems.add(where + ": baran.audit.jdbc-url is " + url + ", not the orchestrator's database " + database
                    + ", where the audit trail is");
        }
        String user = writer.value("baran.audit.user").orElse(injectedDefault("baran.audit.user"));
        String granted = orchestrator.value(GRANTED_ROLE).orElse(null);
        if (!user.equals(granted)) {
            problems.add(where + ": writes the audit trail as " + user + ", but the orchestrator's migrations grant "
                    + granted + " (" + GRANTED_ROLE + ")");
        }
        if (writer.value("baran.audit.password").filter(p -> !p.isBlank()).isEmpty()) {
            problems.add(where + ": no baran.audit.password (BARAN_AUDIT_PASSWORD) for " + user);
        }
        return problems;
    }

    /** The default {@link CallAuditTrail} gives a property it is injected with. */
    static String injectedDefault(String property) {
        for (Constructor<?> constructor : CallAuditTrail.class.getDeclaredConstructors()) {
            for (Parameter parameter : constructor.getParameters()) {
                ConfigProperty injected = parameter.getAnnotation(ConfigProperty.class);
                if (injected != null && injected.name().equals(property)) {
                    return injected.defaultValue();
                }
            }
        }
        throw new AssertionError("CallAuditTrail is not injected with " + property);
    }
}
