package io.baran.detector.quorum;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.baran.events.CloudEvent;
import java.util.UUID;

/**
 * The JSON of the detector's own topics: verdicts and simulations as CloudEvents on the verdicts topic, and
 * decisions on the decisions topic. Unknown fields are ignored so that instances of different versions can share
 * the topics during a rolling upgrade.
 */
public final class VerdictCodec {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private VerdictCodec() {}

    public static String encode(VantageVerdict verdict) {
        return write(CloudEvent.of(
                UUID.randomUUID().toString(),
                "/baran/detector/" + verdict.vantage(),
                VantageVerdict.TYPE,
                verdict.scope(),
                verdict.at(),
                verdict));
    }

    public static String encode(Simulation simulation) {
        return write(CloudEvent.of(
                UUID.randomUUID().toString(),
                "/baran/detector/" + simulation.requestedBy(),
                Simulation.TYPE,
                simulation.scope(),
                simulation.since(),
                simulation));
    }

    public static String encode(ScopeRecord record) {
        return write(record);
    }

    /** What a verdicts-topic record holds: a verdict, a simulation, or (from a newer version) something to skip. */
    public static Object decodeMessage(String json) {
        return decodeEnvelope(json).message();
    }

    /**
     * The CloudEvent id and what a verdicts-topic record holds.
     *
     * @throws IllegalArgumentException when it is not readable
     */
    public static Envelope decodeEnvelope(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            String type = node.path("type").asText();
            String id = node.path("id").isTextual() ? node.path("id").asText() : null;
            JsonNode data = node.path("data");
            if (VantageVerdict.TYPE.equals(type)) {
                return new Envelope(id, MAPPER.treeToValue(data, VantageVerdict.class));
            }
            if (Simulation.TYPE.equals(type)) {
                return new Envelope(id, MAPPER.treeToValue(data, Simulation.class));
            }
            return new Envelope(id, null);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a vantage verdict: " + e.getMessage(), e);
        }
    }

    /** A verdicts-topic record: its event id, and the verdict or simulation (null for a type this version skips). */
    public record Envelope(String id, Object message) {}

    public static ScopeRecord decodeRecord(String json) {
        try {
            return MAPPER.readValue(json, ScopeRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a scope decision: " + e.getMessage(), e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
