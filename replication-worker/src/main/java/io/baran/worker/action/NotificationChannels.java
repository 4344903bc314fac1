package io.baran.worker.action;

import io.baran.egress.EgressPolicy;
import io.baran.worker.Failures;
import io.baran.worker.config.NotifyConfig;
import io.baran.workflow.FailureTypes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The channels {@code notify} steps may name, connected at start-up: a channel whose type is unknown or whose
 * URL variable is unset or not a URL stops the worker then, naming the key, rather than during an outage.
 */
@Singleton
public class NotificationChannels {

    private static final Logger LOG = Logger.getLogger(NotificationChannels.class);

    private final Map<String, NotificationChannel> byName;

    @Inject
    public NotificationChannels(NotifyConfig config, EgressPolicy egress) {
        this(config.channels(), System::getenv, egress);
    }

    /** @param egress what the channels may reach; a literal address it refuses stops the start */
    NotificationChannels(
            Map<String, NotifyConfig.Channel> channels, Function<String, String> environment, EgressPolicy egress) {
        Map<String, NotificationChannel> connected = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        channels.forEach((name, channel) -> {
            String key = "baran.notify.channels.\"" + name + "\"";
            NotificationChannel made = switch (channel.type()) {
                case "webhook" -> webhook(name, key, channel, environment, egress, problems);
                case "pagerduty" -> pagerDuty(name, key, channel, environment, egress, problems);
                default -> {
                    problems.add(key + ".type: \"" + channel.type()
                            + "\" is not a channel type (known: webhook, pagerduty)");
                    yield null;
                }
            };
            if (made != null) {
                connected.put(name, made);
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        this.byName = Map.copyOf(connected);
        byName.values()
                .forEach(c -> LOG.infof(
                        "notification channel %s: %s at %s",
                        c.name(), c instanceof PagerDutyChannel ? "PagerDuty Events API v2" : "webhook", c.host()));
    }

    private static WebhookChannel webhook(
            String name,
            String key,
            NotifyConfig.Channel channel,
            Function<String, String> environment,
            EgressPolicy egress,
            List<String> problems) {
        if (channel.routingKeyEnv().isPresent() || channel.eventsUrl().isPresent()) {
            problems.add(
                    key + ": routing-key-env and events-url are a pagerduty channel's; this one is a webhook (type)");
            return null;
        }
        String url = secret(
                key + ".url-env",
                channel.urlEnv(),
                "a webhook names the environment variable that holds its URL",
                environment,
                problems);
        if (url == null) {
            return null;
        }
        String variable = channel.urlEnv().get();
        URI uri = parse(url);
        if (uri == null) {
            // The value is a secret: the message names the variable, never what it holds.
            problems.add(key + ".url-env: the environment variable " + variable + " does not hold an http(s) URL");
            return null;
        }
        var refused = egress.checkWithoutLookup(uri.getHost());
        if (refused.isPresent()) {
            problems.add(key + ".url-env: the webhook in " + variable + ": "
                    + refused.get().message());
            return null;
        }
        return new WebhookChannel(name, uri, channel.timeout(), egress);
    }

    private static PagerDutyChannel pagerDuty(
            String name,
            String key,
            NotifyConfig.Channel channel,
            Function<String, String> environment,
            EgressPolicy egress,
            List<String> problems) {
        int before = problems.size();
        if (channel.urlEnv().isPresent()) {
            problems.add(
                    key + ".url-env: a pagerduty channel posts to PagerDuty's Events API (events-url), not to a URL"
                            + " from the environment");
        }
        String routingKey = secret(
                key + ".routing-key-env",
                channel.routingKeyEnv(),
                "PagerDuty needs the environment variable that holds the routing key (the integration key of an Events"
                        + " API v2 integration)",
                environment,
                problems);
        if (routingKey != null && !routingKey.matches("[A-Za-z0-9]{20,64}")) {
            // The value is a secret: named by its variable only.
            problems.add(key + ".routing-key-env: the environment variable "
                    + channel.routingKeyEnv().get()
                    + " does not hold a routing key (20 to 64 letters and digits; PagerDuty makes them 32 long)");
        }
        if (!PagerDutyChannel.SEVERITIES.contains(channel.severity())) {
            problems.add(
                    key + ".severity: \"" + channel.severity() + "\" is not one of critical, error, warning, info");
        }
        URI events = channel.eventsUrl().isEmpty()
                ? PagerDutyChannel.EVENTS
                : parse(channel.eventsUrl().get().trim());
        if (events == null || !"https".equals(events.getScheme()) && !"127.0.0.1".equals(events.getHost())) {
            // The routing key goes in the body: over https only (http only to 127.0.0.1, a local relay or a test).
            problems.add(key + ".events-url: \"" + channel.eventsUrl().orElse("") + "\" is not an https URL");
        } else {
            egress.checkWithoutLookup(events.getHost())
                    .ifPresent(r -> problems.add(key + ".events-url: " + r.message()));
        }
        if (problems.size() > before) {
            return null;
        }
        return new PagerDutyChannel(name, events, routingKey, channel.severity(), channel.timeout(), egress);
    }

    /**
     * The trimmed value of the environment variable a setting names, or null, with the problem added: the setting
     * missing ({@code needs} says why it is wanted) or the variable unset. Never the value in a problem: it is a secret.
     */
    private static String secret(
            String setting,
            java.util.Optional<String> variable,
            String needs,
            Function<String, String> environment,
            List<String> problems) {
        if (variable.isEmpty()) {
            problems.add(setting + ": " + needs);
            return null;
        }
        String value = environment.apply(variable.get());
        if (value == null || value.isBlank()) {
            problems.add(setting + ": the environment variable " + variable.get() + " is not set");
            return null;
        }
        return value.trim();
    }

    private static URI parse(String text) {
        try {
            URI uri = new URI(text);
            boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return http && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The channel a step names; fails (CapabilityMissing) naming the channels that are configured. */
    public NotificationChannel find(String step, String name) {
        NotificationChannel channel = byName.get(name);
        if (channel == null) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "step " + step + ": notification channel " + name
                            + " is not configured in the replication-worker (baran.notify.channels.\"" + name
                            + "\"; configured: "
                            + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + ")");
        }
        return channel;
    }
}
