package io.baran.detector.probe;

import io.baran.detector.config.DetectorConfig;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.config.TargetDefinitions;
import io.baran.detector.state.HealthTracker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Probes every configured target on Vert.x timers: no thread per target, and nothing here blocks an event loop.
 * Each target's next probe is scheduled when its previous one ends, so probes of one target never overlap.
 *
 * <p>The configuration is checked at start-up; a problem stops the service with a message naming the property.
 */
@ApplicationScoped
public class ProbeScheduler {

    private static final Logger LOG = Logger.getLogger(ProbeScheduler.class);

    private final DetectorConfig config;
    private final Vertx vertx;
    private final HealthTracker tracker;
    private WebClient client;
    private volatile boolean stopped;

    ProbeScheduler(DetectorConfig config, Vertx vertx, HealthTracker tracker) {
        this.config = config;
        this.vertx = vertx;
        this.tracker = tracker;
    }

    void start(@Observes StartupEvent started) {
        List<TargetDefinition> targets = TargetDefinitions.read(config.targets());
        tracker.track(targets);
        if (targets.isEmpty()) {
            LOG.infof("vantage %s: no targets configured under baran.detector.targets, nothing is probed", config.vantage());
            return;
        }
        client = WebClient.create(vertx, new WebClientOptions()
                // The status the target itself answers is what counts; a redirect to a login page is not health.
                .setFollowRedirects(false)
                // A fresh connection per probe exercises name resolution and connecting, as a real client would.
                .setKeepAlive(false)
                .setUserAgent("baran-detector/" + config.vantage()));
        for (TargetDefinition target : targets) {
            LOG.infof("vantage %s: probing target %s (%s) for scope %s every %dms, timeout %dms, expecting HTTP %d",
                    config.vantage(), target.name(), target.url(), target.scope(), target.interval().toMillis(),
                    target.timeout().toMillis(), target.expectStatus());
            // Spread the first probes over one interval so many targets do not fire in step.
            schedule(new HttpProbe(client, target), ThreadLocalRandom.current().nextLong(1, target.interval().toMillis() + 1));
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopped = true;
        if (client != null) {
            client.close();
        }
    }

    private void schedule(HttpProbe probe, long delayMillis) {
        if (!stopped) {
            vertx.setTimer(Math.max(1, delayMillis), timer -> probeOnce(probe));
        }
    }

    private void probeOnce(HttpProbe probe) {
        if (stopped) {
            return;
        }
        TargetDefinition target = probe.target();
        long startedAt = System.nanoTime();
        probe.run().subscribe().with(result -> {
            try {
                tracker.record(target.name(), result);
            } catch (RuntimeException e) {
                LOG.errorf(e, "target %s: recording the probe result failed; probing goes on", target.name());
            } finally {
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
                schedule(probe, target.interval().toMillis() - elapsed);
            }
        });
    }
}
