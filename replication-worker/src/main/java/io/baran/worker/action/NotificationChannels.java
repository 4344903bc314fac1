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

    private final Map<String, WebhookChannel> byName;

    @Inject
    public NotificationChannels(NotifyConfig config, EgressPolicy egress) {
        this(config.channels(), System::getenv, egress);
    }

    /** @param egress what the webhooks may reach; a literal address it refuses stops the start */
    NotificationChannels(
            Map<String, NotifyConfig.Channel> channels, Function<String, String> environment, EgressPolicy egress) {
        Map<String, WebhookChannel> connected = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        channels.forEach((name, channel) -> {
            String key = "baran.notify.channels.\"" + name + "\"";
            if (!"webhook".equals(channel.type())) {
                problems.add(key + ".type: \"" + channel.type() + "\" is not a channel type (known: webhook)");
                return;
            }
            String url = environment.apply(channel.urlEnv());
            if (url == null || url.isBlank()) {
                problems.add(key + ".url-env: the environment variable " + channel.urlEnv() + " is not set");
                return;
            }
            URI uri = parse(url.trim());
            if (uri == null) {
                // The value is a secret: the message names the variable, never what it holds.
                problems.add(key + ".url-env: the environment variable " + channel.urlEnv()
                        + " does not hold an http(s) URL");
                return;
            }
            var refused = egress.checkWithoutLookup(uri.getHost());
            if (refused.isPresent()) {
                problems.add(key + ".url-env: the webhook in " + channel.urlEnv() + ": "
                        + refused.get().message());
                return;
            }
            connected.put(name, new WebhookChannel(name, uri, channel.timeout(), egress));
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        this.byName = Map.copyOf(connected);
        byName.values().forEach(c -> LOG.infof("notification channel %s: webhook at %s", c.name(), c.host()));
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
    public WebhookChannel find(String step, String name) {
        WebhookChannel channel = byName.get(name);
        if (channel == null) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "step " + step + ": notification channel " + name
                            + " is not configured in the replication-worker (baran.notify.channels.\"" + name
                            + "\".url-env; configured: "
                            + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + ")");
        }
        return channel;
    }
}
