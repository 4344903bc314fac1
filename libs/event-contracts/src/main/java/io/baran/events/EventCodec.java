package io.baran.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** Turns events into the JSON that travels on Kafka and back. */
public final class EventCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final JavaType OUTAGE =
            MAPPER.getTypeFactory().constructParametricType(CloudEvent.class, OutageEvent.class);

    private EventCodec() {}

    public static String encode(CloudEvent<?> event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "event " + event.id() + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads an outage event.
     *
     * @throws MalformedEventException when the JSON is not a CloudEvent of an outage type
     */
    public static CloudEvent<OutageEvent> decodeOutage(String json) {
        CloudEvent<OutageEvent> event;
        try {
            event = MAPPER.readValue(json, OUTAGE);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new MalformedEventException("not a CloudEvent: " + firstLine(e.getMessage()), e);
        }
        if (!OutageEvent.DETECTED.equals(event.type()) && !OutageEvent.RECOVERED.equals(event.type())) {
            throw new MalformedEventException(
                    "event " + event.id() + " has type " + event.type() + ", expected " + OutageEvent.DETECTED + " or "
                            + OutageEvent.RECOVERED,
                    null);
        }
        if (event.data() == null || event.data().scope() == null || event.data().incidentId() == null) {
            throw new MalformedEventException("event " + event.id() + " lacks data.scope or data.incidentId", null);
        }
        return event;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** An event that cannot be understood; consumers log it and move on rather than block the partition. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
