package io.baran.detector;

import io.baran.detector.config.CanaryAllowList;
import io.baran.detector.config.DetectorConfig;
import io.baran.detector.config.DetectorSettings;
import io.baran.detector.config.EgressConfig;
import io.baran.detector.config.SigningConfig;
import io.baran.detector.config.SigningSettings;
import io.baran.detector.config.TargetCatalog;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.config.TargetDefinitions;
import io.baran.detector.config.TargetFile;
import io.baran.detector.messaging.DetectorTopics;
import io.baran.detector.messaging.KafkaClients;
import io.baran.detector.messaging.VerdictPublisher;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.detector.probe.ProbeLoop;
import io.baran.detector.probe.Probes;
import io.baran.detector.quorum.DecisionView;
import io.baran.detector.quorum.QuorumAggregator;
import io.baran.detector.quorum.VerdictVerifier;
import io.baran.detector.state.HealthTracker;
import io.baran.egress.EgressPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One detector instance: a vantage point (probes, per-target and per-scope health, its verdicts on Kafka) and,
 * unless turned off, an aggregator that owns some of the scopes and decides on them by quorum.
 *
 * <p>The configuration is checked at start-up, before anything connects anywhere; a problem stops the service with
 * a message naming the property.
 */
@ApplicationScoped
public class Detector {

    private static final Logger LOG = Logger.getLogger(Detector.class);

    private final DetectorConfig config;
    private final SigningConfig signingConfig;
    private final Vertx vertx;
    private final MeterRegistry registry;
    private final KafkaClients kafka;
    private final EgressPolicy egress;

    private DetectorSettings settings;
    private HealthTracker tracker;
    private VerdictPublisher publisher;
    private Probes probes;
    private ProbeLoop loop;
    private TargetCatalog catalog;
    private QuorumAggregator aggregator;
    private DecisionView decisions;
    private long heartbeatTimer = -1;

    Detector(
            DetectorConfig config,
            EgressConfig egressConfig,
            SigningConfig signingConfig,
            Vertx vertx,
            MeterRegistry registry,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.config = config;
        this.signingConfig = signingConfig;
        try {
            this.egress = EgressPolicy.defaults().allowing(egressConfig.allow().orElse(List.of()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("baran.egress.allow: " + e.getMessage(), e);
        }
        this.vertx = vertx;
        this.registry = registry;
        this.kafka = new KafkaClients(kafkaConfig);
    }

    void start(@Observes StartupEvent started) {
        LOG.infof("egress policy of probes and targets: %s", egress.describe());
        CanaryAllowList canaries = CanaryAllowList.from(config.canary());
        List<TargetDefinition> configured = TargetDefinitions.read(config.targets(), egress, canaries);
        settings = DetectorSettings.from(config);
        String vantage = settings.vantage().id();
        SigningSettings signing = SigningSettings.from(signingConfig, vantage);
        announce(signing, vantage);
        try {
            // Briefly, so that a detector whose Kafka is down still starts (and says so); the threads keep trying.
            DetectorTopics.ensure(kafka, settings.quorum(), Duration.ofSeconds(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (DetectorTopics.TopicSettingsException e) {
            LOG.errorf(
                    "vantage %s: %s; %s",
                    vantage,
                    e.getMessage(),
                    settings.quorum().aggregate()
                            ? "its aggregator decides nothing until they are changed (it checks again as it retries)"
                            : "the aggregators of other instances decide nothing until they are changed");
        } catch (RuntimeException e) {
            LOG.warnf(
                    "vantage %s: Kafka topics not checked at start-up (%s); retrying in the background",
                    vantage, e.getMessage());
        }
        DetectorMetrics metrics = new DetectorMetrics(registry);
        publisher = new VerdictPublisher(kafka, settings.quorum(), vantage, signing.key());
        tracker = new HealthTracker(settings.vantage(), publisher, metrics, Clock.systemUTC());
        probes = new Probes(vertx, vantage, System::getenv, egress);
        loop = new ProbeLoop(vertx, tracker, probes, metrics, null);
        catalog = new TargetCatalog(
                configured, new TargetFile(Path.of(config.dataDir())), this::begin, this::end, egress, canaries);
        List<TargetDefinition> targets = catalog.all();
        if (targets.isEmpty()) {
            LOG.infof("vantage %s: no targets configured under baran.detector.targets, nothing is probed", vantage);
        }
        targets.forEach(this::begin);
        heartbeatTimer = vertx.setPeriodic(
                settings.quorum().heartbeat().toMillis(), id -> publisher.heartbeat(tracker.verdicts()));
        if (settings.quorum().aggregate()) {
            aggregator = new QuorumAggregator(
                    vantage,
                    kafka,
                    settings.quorum(),
                    metrics,
                    Clock.systemUTC(),
                    signing.key(),
                    new VerdictVerifier(signing.roster(), signing.maxClockSkew(), signing.seenIds()));
            aggregator.start();
        }
        decisions = new DecisionView(kafka, settings.quorum().decisionsTopic(), vantage, signing.roster());
        decisions.start();
        LOG.infof(
                "vantage %s: verdicts go to %s every %d ms; %s",
                vantage,
                settings.quorum().verdictsTopic(),
                settings.quorum().heartbeat().toMillis(),
                settings.quorum().aggregate()
                        ? "this instance also aggregates (group "
                                + settings.quorum().group() + ") and publishes to "
                                + settings.quorum().healthTopic() + " when at least "
                                + settings.quorum().minVotes()
                                + " and more than " + settings.quorum().ratio() + " of the live vantages agree"
                        : "aggregation is off here");
    }

    /** What this vantage signs with and whom its aggregator trusts; never the private key. */
    private void announce(SigningSettings signing, String vantage) {
        if (signing.ephemeral()) {
            LOG.warnf(
                    "vantage %s: no signing key configured (baran.signing.key-file or BARAN_SIGNING_KEY); signing with an"
                            + " ephemeral key, kid %s, made at start: nothing but this instance's own aggregator accepts what it"
                            + " publishes until that key is in the roster (baran.signing.roster.\"%s\".vantage=%s,"
                            + " .public-key=%s) of the other aggregators and the orchestrator",
                    vantage,
                    signing.key().kid(),
                    signing.key().kid(),
                    vantage,
                    signing.key().publicKeyText());
        } else {
            LOG.infof("vantage %s: signs with key %s", vantage, signing.key().kid());
        }
        signing.rosterWarning(vantage).ifPresent(LOG::warn);
        if (settings.quorum().aggregate()) {
            LOG.infof(
                    "vantage %s: the aggregator counts verdicts of vantages %s, signed with keys %s",
                    vantage, signing.roster().vantages(), signing.roster());
        }
    }

    private void begin(TargetDefinition target) {
        tracker.track(List.of(target));
        loop.start(target);
        LOG.infof(
                "vantage %s: probing target %s (%s) for scope %s every %dms, timeout %dms",
                settings.vantage().id(),
                target.name(),
                target.endpoint().shown(),
                target.scope(),
                target.interval().toMillis(),
                target.timeout().toMillis());
    }

    private void end(String name) {
        loop.stop(name);
        tracker.untrack(name);
        LOG.infof("vantage %s: no longer probing target %s", settings.vantage().id(), name);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        if (loop != null) {
            loop.close();
        }
        if (probes != null) {
            probes.close();
        }
        if (aggregator != null) {
            aggregator.close();
        }
        if (decisions != null) {
            decisions.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    public String vantage() {
        return settings.vantage().id();
    }

    public HealthTracker tracker() {
        return tracker;
    }

    public TargetCatalog catalog() {
        return catalog;
    }

    public VerdictPublisher publisher() {
        return publisher;
    }

    /** Null when this instance does not aggregate. */
    public QuorumAggregator aggregator() {
        return aggregator;
    }

    /** How long a simulation request waits for its drill to start (and the drill may start at all). */
    public Duration simulationStartWithin() {
        return config.quorum().simulationStartWithin();
    }

    public DecisionView decisions() {
        return decisions;
    }
}
