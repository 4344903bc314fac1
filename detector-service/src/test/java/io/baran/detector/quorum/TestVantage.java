package io.baran.detector.quorum;

import io.baran.detector.Targets;
import io.baran.detector.config.DetectorSettings;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.messaging.KafkaClients;
import io.baran.detector.messaging.VerdictPublisher;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.detector.probe.ProbeLoop;
import io.baran.detector.probe.Probes;
import io.baran.detector.state.HealthTracker;
import io.baran.detector.state.TargetStatus;
import io.vertx.mutiny.core.Vertx;
import java.time.Clock;
import java.util.List;

/**
 * One vantage point built from the service's own classes, without Quarkus: real probes on Vert.x timers, the
 * health tracker, and verdicts with heartbeats to real Kafka, signed with the vantage's {@link TestKeys key}. Several
 * can run in one JVM.
 */
final class TestVantage implements AutoCloseable {

    final String id;
    final HealthTracker tracker;
    private final VerdictPublisher publisher;
    private final Probes probes;
    private final ProbeLoop loop;
    private final Vertx vertx;
    private final long heartbeat;
    private volatile boolean closed;

    TestVantage(
            String id,
            Vertx vertx,
            String bootstrap,
            DetectorSettings.Quorum quorum,
            DetectorSettings.Damping damping,
            List<TargetDefinition> targets) {
        this.id = id;
        this.vertx = vertx;
        this.publisher = new VerdictPublisher(KafkaClients.of(bootstrap), quorum, id, TestKeys.key(id));
        this.tracker = new HealthTracker(
                new DetectorSettings.Vantage(id, 1.0, damping, true, quorum.heartbeat()),
                publisher,
                DetectorMetrics.inMemory(),
                Clock.systemUTC());
        this.probes = new Probes(vertx, id);
        this.loop = new ProbeLoop(vertx, tracker, probes, DetectorMetrics.inMemory(), null);
        tracker.track(targets);
        targets.forEach(loop::start);
        this.heartbeat = vertx.setPeriodic(quorum.heartbeat().toMillis(), t -> publisher.heartbeat(tracker.verdicts()));
    }

    /** A vantage probing one target per scope, each at {@code <vantage>/<scope's last segment>} on the test server. */
    static List<TargetDefinition> targets(SwitchableTargets server, String vantage, String... scopes) {
        return java.util.Arrays.stream(scopes)
                .map(scope -> {
                    String leaf = scope.substring(scope.lastIndexOf('/') + 1);
                    return Targets.http(leaf, server.url(vantage + "/" + leaf), scope, "150ms", 2);
                })
                .toList();
    }

    TargetStatus target(String name) {
        return tracker.targets().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** Stops as a crashed or disconnected vantage would: no more verdicts, no goodbye. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        vertx.cancelTimer(heartbeat);
        loop.close();
        probes.close();
        publisher.close();
    }
}
