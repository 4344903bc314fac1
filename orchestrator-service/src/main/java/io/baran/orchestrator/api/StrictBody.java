package io.baran.orchestrator.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.lang.reflect.Type;
import java.util.function.BiFunction;

/**
 * Reads the body of a call that acts ({@code @CustomDeserialization(StrictBody.class)}) refusing any field it does not
 * know: a drill sent with {@code "parameter"} for {@code "parameters"} must be a 400 naming the field, not a drill with
 * the runbook's default parameters (which may be production's). Stored JSON and events keep the service's lenient
 * reading, so a field added by a newer version is no error there.
 */
public class StrictBody implements BiFunction<ObjectMapper, Type, ObjectReader> {

    @Override
    public ObjectReader apply(ObjectMapper mapper, Type type) {
        return mapper.readerFor(mapper.constructType(type)).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
