package io.baran.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code notify} steps send their messages, by the channel name runbooks use:
 * {@code baran.notify.channels."oncall".url-env=BARAN_ONCALL_WEBHOOK}, or PagerDuty:
 * {@code baran.notify.channels."page".type=pagerduty}, {@code baran.notify.channels."page".routing-key-env=BARAN_PD_KEY}.
 * A webhook URL carries its own secret (Slack's, Teams', Mattermost's do), and a routing key is one, so each is only
 * ever read from the environment variable named here, never written in configuration, a runbook, a log line or a
 * workflow history.
 */
@ConfigMapping(prefix = "baran.notify")
public interface NotifyConfig {

    /** Every channel runbooks may name; none by default. */
    Map<String, Channel> channels();

    interface Channel {
        /**
         * {@code webhook} (the default): an HTTP POST of {@code {"text": ...}}, which Slack and Mattermost incoming
         * webhooks and most chat and paging bridges accept; {@code pagerduty}: a trigger event of PagerDuty's Events API
         * v2, which pages whoever is on call for the service its routing key names.
         */
        @WithDefault("webhook")
        String type();

        /** webhook: the environment variable that holds the webhook URL (http or https). Required for a webhook. */
        Optional<String> urlEnv();

        /**
         * pagerduty: the environment variable that holds the routing key (the integration key of an Events API v2
         * integration). Required for pagerduty.
         */
        Optional<String> routingKeyEnv();

        /**
         * pagerduty: the Events API v2 endpoint; {@code https://events.pagerduty.com/v2/enqueue} unless set (an account in
         * PagerDuty's EU service region: {@code https://events.eu.pagerduty.com/v2/enqueue}).
         */
        Optional<String> eventsUrl();

        /** pagerduty: the alerts' severity: critical, error, warning or info. */
        @WithDefault("critical")
        String severity();

        /** How long one delivery attempt may take. */
        @WithDefault("5s")
        Duration timeout();
    }
}
