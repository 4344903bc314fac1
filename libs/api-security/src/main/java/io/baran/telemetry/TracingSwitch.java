package io.baran.telemetry;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Tracing is on exactly when an OTLP endpoint is configured: without {@value #ENDPOINT} or {@value #TRACES_ENDPOINT}
 * (e.g. {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT}), the OpenTelemetry SDK is disabled, so a service never tries to
 * export to the exporter's default address and logs nothing about it. An explicit {@value #DISABLED} wins either way.
 * Quarkus's own default would be to send to {@code localhost:4317} whether or not anything listens there.
 */
public final class TracingSwitch implements ConfigSourceFactory {

    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";
    static final String DISABLED = "quarkus.otel.sdk.disabled";

    /** Below every source a person writes (application.properties is 250, the environment 300). */
    static final int ORDINAL = 50;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        return disabled(set(context, ENDPOINT) || set(context, TRACES_ENDPOINT), set(context, DISABLED))
                ? List.of(new PropertiesConfigSource(
                        Map.of(DISABLED, "true"), "baran: no OTLP endpoint, no tracing", ORDINAL))
                : List.of();
    }

    /** Whether this switch turns the SDK off: no endpoint, and nobody said otherwise. */
    static boolean disabled(boolean endpointSet, boolean disabledSet) {
        return !endpointSet && !disabledSet;
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static boolean set(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
