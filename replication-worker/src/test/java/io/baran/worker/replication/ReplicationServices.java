package io.baran.worker.replication;

import io.baran.worker.config.ApiBudgetConfig;
import io.baran.worker.provider.Providers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A {@link ReplicationService} outside Quarkus, configured from properties as the worker reads them (not started). */
final class ReplicationServices {

    private ReplicationServices() {}

    static ReplicationService configured(Map<String, String> properties, Providers providers) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ReplicationConfig.class)
                .withMapping(ApiBudgetConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return new ReplicationService(
                config.getConfigMapping(ReplicationConfig.class),
                providers,
                new StatusPublisher(),
                new ReplicationMetrics(new SimpleMeterRegistry()),
                config.getConfigMapping(ApiBudgetConfig.class),
                io.baran.egress.EgressPolicy.defaults().allowing(List.of("127.0.0.1")));
    }
}
