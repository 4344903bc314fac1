package io.baran.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/**
 * Where {@code notify} steps send their messages, by the channel name runbooks use:
 * {@code baran.notify.channels."oncall".url-env=BARAN_ONCALL_WEBHOOK}. A webhook URL carries its own
 * secret (Slack's, Teams', Mattermost's do), so it is only ever read from the environment variable named
 * here, never written in configuration, a runbook, a log line or a workflow history.
 */
@ConfigMapping(prefix = "baran.notify")
public interface NotifyConfig {

    /** Every channel runbooks may name; none by default. */
    Map<String, Channel> channels();

    interface Channel {
        /**
         * webhook (the only kind): an HTTP POST of {@code {"text": ...}}, which Slack and Mattermost incoming
         * webhooks and most chat and paging bridges accept.
         */
        @WithDefault("webhook")
        String type();

        /** The environment variable that holds the webhook URL (http or https). Required. */
        String urlEnv();

        /** How long one delivery attempt may take. */
        @WithDefault("5s")
        Duration timeout();
    }
}
