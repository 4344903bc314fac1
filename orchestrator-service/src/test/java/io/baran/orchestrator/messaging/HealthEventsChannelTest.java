package io.baran.orchestrator.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** How the orchestrator reads outage events from Kafka, as every profile gets it (application.properties). */
class HealthEventsChannelTest {

    private static final String CHANNEL = "mp.messaging.incoming.health-events.";

    private static Properties settings() throws IOException {
        Properties settings = new Properties();
        try (InputStream in = HealthEventsChannelTest.class.getResourceAsStream("/application.properties")) {
            assertNotNull(in, "application.properties is not on the class path");
            settings.load(in);
        }
        return settings;
    }

    /**
     * The first outage event after a start waits for the consumer thread's poll in progress to end (measured: 1.02 s at
     * the connector's default of 1000 ms, 19 ms at 100 ms), so that poll is short.
     */
    @Test
    void theFirstOutageEventAfterAStartWaitsAtMostAShortPoll() throws IOException {
        String value = settings().getProperty(CHANNEL + "poll-timeout");
        assertNotNull(
                value, CHANNEL + "poll-timeout is not set: the connector's default (1000 ms) delays the first event");
        int millis = Integer.parseInt(value.trim());
        assertTrue(millis > 0 && millis <= 100, CHANNEL + "poll-timeout is " + millis + " ms; at most 100 ms, above 0");
    }

    @Test
    void onlyCommittedEventsAreRead() throws IOException {
        assertEquals("read_committed", settings().getProperty(CHANNEL + "isolation.level"));
    }
}
