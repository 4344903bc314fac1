package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.DURATION;
import static io.baran.runbook.ActionSpec.Type.STRING;

import io.baran.egress.EgressPolicy;
import io.baran.egress.Rule;
import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.Durations;
import io.baran.runbook.WithBlock;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumSet;
import java.util.Map;

/**
 * {@code health.check}: waits until a URL answers with the expected status; changes nothing. A URL whose host is an
 * address (or a name like {@code metadata.google.internal}) the egress policy refuses is an error of the runbook;
 * a host name is judged when the worker resolves it, before it connects.
 */
public final class HealthCheck extends ActionType {

    public static final String NAME = "health.check";

    /**
     * What is refused when no policy is configured: addresses no health check has any business calling, whatever the
     * network. Loopback and private ranges depend on where the worker runs, so they are left to the configured policy.
     */
    public static final EgressPolicy ALWAYS_REFUSED = EgressPolicy.refusing(EnumSet.of(Rule.METADATA, Rule.LINK_LOCAL));

    private final EgressPolicy egress;

    /** Refusing only {@link #ALWAYS_REFUSED}: metadata and link-local addresses. */
    public HealthCheck() {
        this(ALWAYS_REFUSED);
    }

    /** Refusing literal addresses as the given policy does (the orchestrator's {@code baran.egress.*}). */
    public HealthCheck(EgressPolicy egress) {
        super(ActionSpec.builder(NAME, "Waits until a URL answers with the expected status; changes nothing.")
                .required("url", STRING, "the URL to call (http or https, without user:password@)")
                .number("expect", false, 100, 599, "the expected HTTP status (default 200)")
                .optional("within", DURATION, "how long to keep trying (default 1m)")
                .optional("interval", DURATION, "time between tries (default 1s)")
                .defaultsTo("expect", 200L)
                .defaultsTo("within", "1m")
                .defaultsTo("interval", "1s")
                .build());
        this.egress = egress;
    }

    @Override
    protected void check(Map<String, Object> values, WithBlock with) {
        if (values.get("url") instanceof String url) {
            if (hasUserInfo(url)) {
                // Not repeated: what comes before the @ may be a password, and a runbook must hold none.
                with.error(
                        "url",
                        "carries user-info (user:password@): credentials do not belong in a runbook, and health.check"
                                + " sends none; check an endpoint that answers without them");
            } else if (!isHttpUrl(url)) {
                with.error("url", "\"" + url + "\" is not an http or https URL (e.g. https://www.example.com/healthz)");
            } else {
                egress.checkWithoutLookup(URI.create(url).getHost())
                        .ifPresent(refusal -> with.error("url", refusal.message()));
            }
        }
        for (String field : new String[] {"within", "interval"}) {
            if (values.get(field) instanceof String d && Durations.parse(d).isZero()) {
                with.error(field, "must be longer than 0");
            }
        }
        if (values.get("within") instanceof String within
                && values.get("interval") instanceof String interval
                && Durations.parse(interval).compareTo(Durations.parse(within)) > 0) {
            with.error(
                    "interval", interval + " is longer than within (" + within + "), so the check would try only once");
        }
    }

    /** Whether the URL names credentials before its host; one that does not parse counts when it holds an {@code @}. */
    private static boolean hasUserInfo(String text) {
        try {
            return new URI(text).getRawUserInfo() != null;
        } catch (URISyntaxException e) {
            return text.contains("@");
        }
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
