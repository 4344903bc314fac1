package io.baran.worker.temporal;

import io.baran.worker.action.ActionActivitiesImpl;
import io.baran.worker.action.ActionRegistry;
import io.baran.worker.config.ActionsConfig;
import io.baran.worker.config.TemporalConfig;
import io.baran.worker.readiness.ReadinessChecks;
import io.baran.workflow.TaskQueues;
import io.baran.workflow.TemporalClients;
import io.baran.workflow.TraceHeader;
import io.baran.workflow.temporal.AesGcmPayloadCodec;
import io.baran.workflow.temporal.TemporalConnection;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the Temporal worker that hosts the actions on {@link TaskQueues#ACTIONS}. The worker factory checks
 * the namespace when it starts, so while Temporal is down the start is retried in the background with a
 * growing pause; the service itself starts at once and reports not-ready until the worker runs.
 */
@Singleton
public class ActionWorker {

    private static final Logger LOG = Logger.getLogger(ActionWorker.class);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

    private final TemporalConfig config;
    private final ActionActivitiesImpl activities;
    private final ActionRegistry registry;

    private TemporalConnection connection;
    private WorkflowServiceStubs stubs;
    private WorkerFactory factory;
    private Thread starter;
    private volatile boolean started;
    private volatile boolean stopping;
    private volatile String lastError = "not started yet";

    private final ActionsConfig actions;
    private final ReadinessChecks readiness;

    public ActionWorker(
            TemporalConfig config,
            ActionsConfig actions,
            ActionActivitiesImpl activities,
            ActionRegistry registry,
            ReadinessChecks readiness) {
        this.actions = actions;
        this.readiness = readiness;
        this.config = config;
        this.activities = activities;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        // a missing key (unless baran.temporal.codec.required=false) or an unreadable certificate fails the start
        Optional<AesGcmPayloadCodec> codec = AesGcmPayloadCodec.from(config.codec());
        connection = TemporalConnection.of(config);
        if (codec.isEmpty()) {
            LOG.warn(
                    "Temporal payloads are NOT encrypted (baran.temporal.codec.required=false and no key): histories hold "
                            + "what the actions observed in plain text");
        }
        stubs = TemporalClients.stubs(connection);
        WorkflowClient client = TemporalClients.client(stubs, config.namespace(), codec);
        factory = WorkerFactory.newInstance(
                client,
                WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new PriorityInterceptor(), TraceHeader.worker())
                        .build());
        factory.newWorker(TaskQueues.ACTIONS, actionsOptions(actions))
                .registerActivitiesImplementations(activities, readiness);
        // Readiness rounds on their own queue and slots; also served on the actions queue above for orchestrators
        // that predate it.
        factory.newWorker(
                        TaskQueues.READINESS,
                        WorkerOptions.newBuilder()
                                .setMaxConcurrentActivityExecutionSize(actions.readinessMaxConcurrent())
                                .build())
                .registerActivitiesImplementations(readiness);
        starter = new Thread(this::startUntilConnected, "baran-temporal-worker-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** Step slots and polls. */
    static WorkerOptions actionsOptions(ActionsConfig actions) {
        return WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(actions.maxConcurrent())
                .setMaxConcurrentActivityTaskPollers(Math.max(1, actions.taskPollers()))
                .build();
    }

    private void startUntilConnected() {
        Duration pause = Duration.ofSeconds(1);
        while (!stopping) {
            try {
                factory.start();
                started = true;
                lastError = null;
                LOG.infof(
                        "polling task queue %s on Temporal %s for actions %s",
                        TaskQueues.ACTIONS, connection.describe(), registry.names());
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.warnf(
                        "Temporal %s (namespace %s) is not reachable yet (%s); retrying in %d s",
                        config.target(), config.namespace(), lastError, pause.toSeconds());
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        if (starter != null) {
            starter.interrupt();
            try {
                starter.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (factory != null) {
            factory.shutdown();
            factory.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (stubs != null) {
            stubs.shutdown();
            stubs.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    public boolean started() {
        return started;
    }

    /** Why the worker is not running, or null when it is. */
    public String lastError() {
        return lastError;
    }

    public WorkflowServiceStubs stubs() {
        return stubs;
    }

    public TemporalConfig temporal() {
        return config;
    }
}
