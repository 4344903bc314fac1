package io.baran.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.BlockingOperationControl;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Writes every {@link AuditedCall} by a verified caller to the audit trail ({@link CallAuditTrail}), as the
 * orchestrator writes its own calls: a {@code requested} row, committed before the resource method runs (when it
 * cannot be written the call is answered 503 and nothing is done), then a second row with what came of it:
 * {@code accepted} (2xx), {@code refused: <status> <detail>} (4xx: nothing was done), or
 * {@code unknown: <status> <detail>} (5xx: the store or a provider failed part-way, the service's state says what
 * happened), unless the resource method wrote the outcome itself ({@link AuditedCallContext}: a request left for a
 * second person). A
 * {@code reason} query parameter is written with both rows, and flagged break-glass in the outcome's when the resource
 * method says the caller acted alone with it. A call refused before its {@code requested} row (a token without the role, 403) is one
 * {@code refused} row. A call without a valid token (401) writes nothing: anyone could fill the trail with them.
 * Nothing of the body is written; what the caller sent in the path is cut short and its control characters shown as
 * {@code ?}.
 */
public class CallAudit {

    private static final Logger LOG = Logger.getLogger(CallAudit.class);
    private static final String REQUESTED = CallAudit.class.getName() + ".requested";
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** The longest target or detail kept in a row (both may echo what the caller sent). */
    static final int MAX_TEXT = 300;
    /** The longest reason kept in a row. */
    static final int MAX_REASON = 1_000;
    /** Writes of an outcome row: a database restarting, or a connection cut, passes in seconds. */
    static final int OUTCOME_ATTEMPTS = 4;

    private static final long OUTCOME_RETRY_PAUSE_MILLIS = 250;

    @Inject
    CurrentIdentityAssociation identities;

    @Inject
    CallAuditTrail trail;

    @Inject
    AuditedCallContext context;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "baran")
    String service;

    /** The row written before the call, and the request id and reason the outcome's row repeats. */
    private record Requested(
            String actor, List<String> groups, String action, String target, String requestId, String reason) {}

    @ServerRequestFilter
    public Uni<Response> recordRequest(ContainerRequestContext request, ResourceInfo resource) {
        AuditedCall call = annotation(resource);
        if (call == null) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity().onItem().transformToUni(identity -> {
            if (identity == null || identity.isAnonymous() || !trail.writes()) {
                return Uni.createFrom().<Response>nullItem();
            }
            Requested requested = new Requested(
                    identity.getPrincipal().getName(),
                    groups(identity),
                    call.value(),
                    target(request, call, null),
                    requestId(request),
                    reason(request));
            Map<String, Object> detail = detail(request);
            // Known to the resource method only once the row is written: it never runs otherwise (503).
            context.recorded(requested.requestId(), requested.action(), requested.target());
            return blocking(() -> {
                try {
                    trail.append(
                            requested.actor(),
                            requested.groups(),
                            requested.action(),
                            requested.target(),
                            requested.requestId(),
                            requested.reason(),
                            false,
                            "requested",
                            detail);
                } catch (RuntimeException e) {
                    LOG.errorf(
                            "%s on %s by %s is not done: %s",
                            requested.action(), requested.target(), requested.actor(), e.getMessage());
                    return unavailable(requested);
                }
                request.setProperty(REQUESTED, requested);
                return null;
            });
        });
    }

    @ServerResponseFilter
    public Uni<Void> recordOutcome(
            ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource) {
        AuditedCall call = annotation(resource);
        int status = response.getStatus();
        if (call == null || status == 401 || (status < 400 && context.wroteOutcome())) {
            return Uni.createFrom().voidItem();
        }
        Requested requested = (Requested) request.getProperty(REQUESTED);
        String answer = status + " " + problemDetail(response);
        String outcome = status < 400 ? "accepted" : status < 500 ? "refused: " + answer : "unknown: " + answer;
        String bodyTarget = context.bodyTarget();
        String breakGlass = status < 400 ? context.breakGlassReason() : null;
        Map<String, Object> detail = detail(request);
        if (requested != null) {
            String target = bodyTarget == null ? requested.target() : printable(bodyTarget);
            return blocking(() -> {
                        writeOutcome(requested, target, outcome, breakGlass, detail);
                        return null;
                    })
                    .replaceWithVoid();
        }
        if (status < 400 || status >= 500) {
            return Uni.createFrom().voidItem(); // not recorded first: nothing was done (503), or no trail is kept
        }
        return identities.getDeferredIdentity().onItem().transformToUni(identity -> {
            if (identity == null || identity.isAnonymous() || !trail.writes()) {
                return Uni.createFrom().voidItem();
            }
            Requested refused = new Requested(
                    identity.getPrincipal().getName(),
                    groups(identity),
                    call.value(),
                    target(request, call, bodyTarget),
                    requestId(request),
                    reason(request));
            return blocking(() -> {
                        writeOutcome(refused, refused.target(), outcome, null, detail);
                        return null;
                    })
                    .replaceWithVoid();
        });
    }

    private void writeOutcome(
            Requested requested, String target, String outcome, String breakGlass, Map<String, Object> detail) {
        for (int attempt = 1; ; attempt++) {
            try {
                trail.append(
                        requested.actor(),
                        requested.groups(),
                        requested.action(),
                        target,
                        requested.requestId(),
                        breakGlass == null ? requested.reason() : printable(breakGlass, MAX_REASON),
                        breakGlass != null,
                        outcome,
                        detail);
                return;
            } catch (RuntimeException e) {
                if (attempt == OUTCOME_ATTEMPTS) {
                    LOG.errorf(
                            "%s on %s by %s (request %s) ended '%s', but that could not be recorded in the audit"
                                    + " trail after %d attempts: %s",
                            requested.action(),
                            target,
                            requested.actor(),
                            requested.requestId(),
                            outcome,
                            attempt,
                            e.getMessage());
                    return;
                }
                try {
                    Thread.sleep(OUTCOME_RETRY_PAUSE_MILLIS * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static Response unavailable(Requested requested) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", "Audit trail unavailable");
        body.put("status", 503);
        body.put(
                "detail",
                requested.action() + (requested.target() == null ? "" : " on " + requested.target())
                        + " could not be recorded in the audit trail, so it is not done; retry once the trail's"
                        + " database answers");
        return Response.status(503)
                .type("application/problem+json")
                .entity(body)
                .build();
    }

    private static AuditedCall annotation(ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        return method == null ? null : method.getAnnotation(AuditedCall.class);
    }

    private static List<String> groups(SecurityIdentity identity) {
        return identity.getRoles().stream().sorted().toList();
    }

    private static String target(ContainerRequestContext request, AuditedCall call, String fromBody) {
        if (fromBody != null) {
            return printable(fromBody);
        }
        var uri = request.getUriInfo();
        List<String> parts = new ArrayList<>();
        for (String name : call.target()) {
            String value = uri.getPathParameters().getFirst(name);
            if (value == null) {
                value = uri.getQueryParameters().getFirst(name);
            }
            if (value != null) {
                parts.add(value);
            }
        }
        return parts.isEmpty() ? null : printable(String.join("/", parts));
    }

    /** The {@code reason} the caller gave (a query parameter), as written: cut short, control characters shown as ?. */
    private static String reason(ContainerRequestContext request) {
        String reason = request.getUriInfo().getQueryParameters().getFirst("reason");
        return reason == null || reason.isBlank() ? null : printable(reason, MAX_REASON);
    }

    /** Whether {@code id} reads as a request id (what {@code X-Request-Id} may carry into the trail). */
    public static boolean isRequestId(String id) {
        return id != null && REQUEST_ID.matcher(id).matches();
    }

    private static String requestId(ContainerRequestContext request) {
        String sent = request.getHeaderString("X-Request-Id");
        return isRequestId(sent) ? sent : UUID.randomUUID().toString();
    }

    private Map<String, Object> detail(ContainerRequestContext request) {
        var uri = request.getUriInfo().getRequestUri();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("service", service);
        detail.put("method", request.getMethod());
        detail.put("path", printable(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        return detail;
    }

    private String problemDetail(ContainerResponseContext response) {
        return problemDetail(json, response.getEntity(), MAX_TEXT);
    }

    /**
     * The {@code detail} of a problem-details answer, as an audit row keeps it: at most {@code max} characters, control
     * characters shown as {@code ?}; {@code (no detail)} when the answer has none. Shared with the orchestrator's
     * refusal rows.
     */
    public static String problemDetail(ObjectMapper json, Object entity, int max) {
        if (entity == null) {
            return "(no detail)";
        }
        try {
            JsonNode detail = json.valueToTree(entity).path("detail");
            return detail.isTextual() ? printable(detail.asText(), max) : "(no detail)";
        } catch (IllegalArgumentException e) {
            return "(no detail)";
        }
    }

    private static <T> Uni<T> blocking(Supplier<T> work) {
        if (BlockingOperationControl.isBlockingAllowed()) {
            return Uni.createFrom().item(work);
        }
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static String printable(String text) {
        return printable(text, MAX_TEXT);
    }

    private static String printable(String text, int max) {
        return ChangeLog.printable(text, max);
    }
}
