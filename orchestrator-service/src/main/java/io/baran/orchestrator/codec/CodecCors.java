package io.baran.orchestrator.codec;

import io.baran.orchestrator.config.TemporalConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * CORS for the codec endpoint only, and only for the Temporal Web UI's origin ({@code baran.temporal.codec.ui-origin}):
 * the UI's page calls {@code /codec/decode} from the browser, which first asks (a pre-flight without credentials)
 * whether that origin may. Every other origin, and every other path of the service, gets no CORS permission
 * ({@code quarkus.http.cors.enabled=false}). The calls themselves still need a bearer token with role viewer.
 */
@ApplicationScoped
public class CodecCors {

    static final String ALLOWED_HEADERS = "Authorization, Content-Type, X-Namespace";

    void register(@Observes Filters filters, TemporalConfig temporal) {
        Optional<String> origin = temporal.codec()
                .uiOrigin()
                .map(String::strip)
                .filter(o -> !o.isEmpty())
                .map(o -> o.endsWith("/") ? o.substring(0, o.length() - 1) : o);
        filters.register(context -> handle(context, origin), 100);
    }

    static void handle(RoutingContext context, Optional<String> uiOrigin) {
        String path = context.normalizedPath();
        if (!path.equals("/codec") && !path.startsWith("/codec/")) {
            context.next();
            return;
        }
        String origin = context.request().getHeader("Origin");
        boolean allowed =
                origin != null && uiOrigin.isPresent() && uiOrigin.get().equals(origin);
        boolean preflight = context.request().method() == HttpMethod.OPTIONS
                && context.request().getHeader("Access-Control-Request-Method") != null;
        var headers = context.response().headers();
        if (preflight) {
            if (!allowed) {
                context.response().setStatusCode(403).end();
                return;
            }
            headers.set("Access-Control-Allow-Origin", origin)
                    .set("Access-Control-Allow-Methods", "POST")
                    .set("Access-Control-Allow-Headers", ALLOWED_HEADERS)
                    .set("Access-Control-Allow-Credentials", "true")
                    .set("Access-Control-Max-Age", "600")
                    .add("Vary", "Origin");
            context.response().setStatusCode(204).end();
            return;
        }
        if (allowed) {
            headers.set("Access-Control-Allow-Origin", origin)
                    .set("Access-Control-Allow-Credentials", "true")
                    .add("Vary", "Origin");
        }
        context.next();
    }
}
