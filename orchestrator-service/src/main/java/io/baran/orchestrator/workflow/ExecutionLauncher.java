package io.baran.orchestrator.workflow;

import io.baran.orchestrator.config.TemporalConfig;
import io.baran.orchestrator.dispatch.ProviderCaps;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.orchestrator.runbook.RunningExecutions;
import io.baran.runbook.Runbook;
import io.baran.workflow.Actor;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.LateHold;
import io.baran.workflow.Memos;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.SearchAttributes;
import io.baran.workflow.TaskQueues;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Starts and signals runbook executions. The execution id is the workflow id. At most one execution runs
 * per protected service: a second outage for the service joins the running execution, a second drill is
 * refused.
 */
@ApplicationScoped
public class ExecutionLauncher {

    private static final Logger LOG = Logger.getLogger(ExecutionLauncher.class);

    @Inject
    WorkflowClient client;

    @Inject
    ExecutionReader reader;

    @Inject
    RunbookVersions versions;

    @Inject
    RunningExecutions runningExecutions;

    /** The catalog, for the other runbooks of a service (looked up when needed: the catalog's beans start drills). */
    @Inject
    jakarta.enterprise.inject.Instance<io.baran.orchestrator.runbook.RunbookCatalog> catalog;

    @Inject
    ProviderCaps caps;

    @Inject
    TemporalConfig temporal;

    /**
     * How long starts go without {@code BaranIncidents} once Temporal refused it as unknown (not registered, or
     * registered a moment ago and not yet in the server's cache): then a start tries it again.
     */
    static final Duration INCIDENTS_RETRY = Duration.ofMinutes(1);

    @Inject
    io.baran.workflow.temporal.TemporalConnection connection;

    /**
     * Whether the namespace's search attributes include {@code BaranIncidents}: only then may an execution started
     * without it add it when an outage joins. Null until known: from {@code OrchestrationWorker}'s check at start, or
     * asked here at a start (an orchestrator that runs no worker, or whose check at start could not reach Temporal),
     * at most once a minute until Temporal answers.
     */
    private volatile Boolean incidentsRegistered;

    /** When this orchestrator last asked ({@link System#nanoTime()}); null: never. */
    private volatile Long registrationAskedAt;

    void incidentsRegistered(boolean registered) {
        incidentsRegistered = registered;
    }

    /** Whether {@code BaranIncidents} is registered, asking Temporal when not known yet; false while it cannot tell. */
    boolean incidentsRegistered(long nowNanos) {
        Boolean known = incidentsRegistered;
        if (known != null) {
            return known;
        }
        Long asked = registrationAskedAt;
        if (asked != null && nowNanos - asked < INCIDENTS_RETRY.toNanos()) {
            return false;
        }
        registrationAskedAt = nowNanos;
        var operator = io.baran.workflow.TemporalClients.operatorStubs(connection);
        try {
            boolean registered = !io.baran.workflow.temporal.TemporalSetup.missing(operator, temporal.namespace())
                    .contains(SearchAttributes.INCIDENTS.getName());
            incidentsRegistered = registered;
            return registered;
        } catch (RuntimeException e) {
            LOG.debugf(
                    "cannot tell whether search attribute %s is registered: %s",
                    SearchAttributes.INCIDENTS.getName(), e);
            return false;
        } finally {
            operator.shutdownNow();
        }
    }

    /** When Temporal last refused {@code BaranIncidents} as unknown ({@link System#nanoTime()}); null: never. */
    private volatile Long incidentsRefusedAt;

    /** Why an execution could not start. */
    public static final class Busy extends RuntimeException {
        private final String runningId;

        Busy(String service, String runningId) {
            super("service " + service + " already has a running execution, " + runningId
                    + "; wait for it to finish or abort it (POST /api/executions/" + runningId + "/abort)");
            this.runningId = runningId;
        }

        public String runningId() {
            return runningId;
        }
    }

    /**
     * A drill, a plan or a failover started by a person: a fresh execution every time.
     *
     * @param startedBy the verified person starting it; for a live failover, they cannot approve it themselves
     */
    public String startByHand(Runbook runbook, Mode mode, Duration hold, int version, Actor startedBy) {
        return startByHand(runbook, mode, hold, version, null, startedBy);
    }

    /**
     * @param scope     the outage the drill or plan is for, or null
     * @param startedBy the verified person starting it; for a live failover, they cannot approve it themselves
     */
    public String startByHand(Runbook runbook, Mode mode, Duration hold, int version, String scope, Actor startedBy) {
        return startByHand(runbook, mode, hold, version, scope, startedBy, null);
    }

    /**
     * @param idempotencyKey the caller's key for this request ({@code Idempotency-Key}), or null: the same key from the
     *                       same person for the same runbook and mode names the same execution, so a request retried
     *                       after its answer was lost starts nothing twice and answers with the first one's id
     */
    public String startByHand(
            Runbook runbook,
            Mode mode,
            Duration hold,
            int version,
            String scope,
            Actor startedBy,
            String idempotencyKey) {
        String id = idempotencyKey == null
                ? mode.name().toLowerCase() + "-" + runbook.name() + "-"
                        + UUID.randomUUID().toString().substring(0, 8)
                : keyedId(runbook, mode, startedBy, idempotencyKey);
        if (idempotencyKey != null && reader.exists(id)) {
            LOG.infof(
                    "%s of runbook %s asked again with the same idempotency key: %s",
                    mode.name().toLowerCase(), runbook.name(), id);
            return id;
        }
        try {
            if (mode == Mode.PLAN) {
                startRequested(id, runbook, mode, hold, version, scope, startedBy);
            } else {
                exclusively(runbook, () -> {
                    // A keyed request retried while the first is in flight finds its own execution: no 409 for it.
                    if (requireIdle(runbook, idempotencyKey == null ? null : id)) {
                        startRequested(id, runbook, mode, hold, version, scope, startedBy);
                    }
                    return id;
                });
            }
        } catch (WorkflowExecutionAlreadyStarted already) {
            if (idempotencyKey == null) {
                throw already;
            }
            return id; // the same request, started a moment ago by another orchestrator replica
        }
        LOG.infof("started %s of runbook %s as %s", mode.name().toLowerCase(), runbook.name(), id);
        return id;
    }

    /** {@code drill-<runbook>-<12 hex>}: a hash of who asked, what for and their key, so no key reaches Temporal. */
    static String keyedId(Runbook runbook, Mode mode, Actor startedBy, String idempotencyKey) {
        String subject = startedBy == null ? "" : startedBy.name();
        byte[] hash;
        try {
            hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", subject, runbook.name(), mode.name(), idempotencyKey)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return mode.name().toLowerCase() + "-" + runbook.name() + "-"
                + java.util.HexFormat.of().formatHex(hash, 0, 6);
    }

    private void startRequested(
            String id, Runbook runbook, Mode mode, Duration hold, int version, String scope, Actor startedBy) {
        start(
                id,
                new ExecutionRequest(
                        id,
                        mode,
                        runbook,
                        null,
                        scope,
                        hold.toSeconds(),
                        null,
                        0,
                        version,
                        null,
                        startedBy,
                        null,
                        mode == Mode.PLAN ? List.of() : caps.cappedOf(runbook)));
    }

    /**
     * A drill the system starts, for a schedule's firing or a simulated outage (a game day), under an id derived from
     * what started it, so a retried or redelivered start starts nothing twice.
     *
     * @param executionId  the drill's id, derived from the schedule's firing or the simulated incident
     * @param incidentId   the simulated incident, or null for a scheduled drill
     * @param scope        the simulated outage's scope, or null
     * @param outageSince  when the simulated outage began (epoch millis), or null: the report's detection time
     * @param startedBy    {@code system} with the firing's id for a scheduled drill; the person who asked for a game day
     * @throws Busy when another execution of the protected service runs
     */
    public Started startSystemDrill(
            Runbook runbook,
            String executionId,
            Duration hold,
            String incidentId,
            String scope,
            Long outageSince,
            Actor startedBy) {
        ExecutionRequest drill = new ExecutionRequest(
                executionId,
                Mode.DRILL,
                runbook,
                incidentId,
                scope,
                hold.toSeconds(),
                outageSince,
                0,
                runbook.version(),
                null,
                startedBy,
                null,
                caps.cappedOf(runbook));
        Started started = exclusively(runbook, () -> {
            if (!requireIdle(runbook, executionId)) {
                return Started.ALREADY_STARTED;
            }
            try {
                start(executionId, drill);
                return Started.STARTED;
            } catch (WorkflowExecutionAlreadyStarted already) {
                return Started.ALREADY_STARTED;
            }
        });
        if (started == Started.ALREADY_STARTED) {
            return started;
        }
        LOG.infof(
                "started drill of runbook %s as %s (for %s)",
                runbook.name(),
                executionId,
                startedBy.isSystem()
                        ? startedBy.eventId()
                        : io.baran.security.ChangeLog.printable(startedBy.name(), 100) + ", incident " + incidentId);
        return Started.STARTED;
    }

    /**
     * Runs a start under the protected service's and the runbook's locks ({@link RunbookVersions#underStartLock}):
     * two starts for one service at the same moment, on any orchestrator, cannot both pass {@link #requireIdle}. When
     * the database does not answer, the start goes on without them: a person's failover must not wait on it.
     *
     * @throws RunbookVersions.Deleted when the runbook was deleted meanwhile; nothing was started
     */
    private <T> T exclusively(Runbook runbook, Supplier<T> start) {
        try {
            return versions.underStartLock(runbook.protects(), runbook.name(), start);
        } catch (RunbookVersions.LockUnavailable e) {
            LOG.warnf(
                    "%s; starting an execution of runbook %s without it (another start for service %s at the same"
                            + " moment might not be refused)",
                    e.getMessage(), runbook.name(), runbook.protects());
            return start.get();
        }
    }

    /**
     * Refuses a start while another execution acts on the service: one Temporal lists as running, or one of the
     * runbook recorded in the database (started a moment ago, which Temporal's listing may not show yet, or claimed by
     * an outage being dispatched).
     *
     * @param mine the id this start would use: found running, it is this start's own, retried
     * @return false when the execution running is {@code mine}
     * @throws Busy naming the execution that runs
     */
    private boolean requireIdle(Runbook runbook, String mine) {
        Optional<String> busy = running(runbook.protects());
        if (busy.isEmpty()) {
            try {
                busy = recordedRunning(runbook);
            } catch (RuntimeException e) {
                LOG.debugf(
                        "executions of service %s recorded in the database not read: %s",
                        runbook.protects(), e.getMessage());
            }
        }
        if (busy.isPresent() && busy.get().equals(mine)) {
            return false;
        }
        busy.ifPresent(id -> {
            throw new Busy(runbook.protects(), id);
        });
        return true;
    }

    /**
     * An execution recorded in the database (or claimed) that runs a runbook protecting the same service, a plan
     * excepted (a plan makes no service busy).
     */
    private Optional<String> recordedRunning(Runbook runbook) {
        List<String> runbooks = new ArrayList<>(List.of(runbook.name()));
        catalog.get().all().stream()
                .filter(other -> other.protects().equals(runbook.protects())
                        && !other.name().equals(runbook.name()))
                .forEach(other -> runbooks.add(other.name()));
        String plan = Mode.PLAN.name().toLowerCase() + "-";
        for (String name : runbooks) {
            Optional<String> found = runningExecutions.of(name).stream()
                    .filter(id -> !id.startsWith(plan))
                    .findFirst();
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * The execution acting on a service among those recorded in the database for its runbooks, which Temporal's
     * visibility may not list yet (a drill started a moment ago, an execution an outage claimed and is starting): the
     * first Temporal runs, else the first claimed a moment ago; a plan never. Those that ended are marked finished
     * ({@link RunningExecutions#stateOf}). One Temporal cannot be asked about counts as
     * acting: a second execution of the service is worse than an outage that waits to join one.
     *
     * @param recorded in the order they are preferred; none of the caller's own
     */
    public Optional<String> handlingOf(List<RunbookVersions.Execution> recorded) {
        String plan = Mode.PLAN.name().toLowerCase() + "-";
        String starting = null;
        for (RunbookVersions.Execution execution : recorded) {
            String id = execution.executionId();
            if (id.startsWith(plan)) {
                continue;
            }
            RunningExecutions.State state;
            try {
                state = runningExecutions.stateOf(execution);
            } catch (RuntimeException e) {
                LOG.warnf(
                        "cannot ask Temporal whether execution %s runs (%s); it counts as running", id, e.getMessage());
                state = RunningExecutions.State.RUNNING;
            }
            if (state == RunningExecutions.State.RUNNING) {
                return Optional.of(id);
            }
            if (state == RunningExecutions.State.STARTING && starting == null) {
                starting = id;
            }
        }
        return Optional.ofNullable(starting);
    }

    /** What {@link #startFailover} did. */
    public enum Started {
        /** A new execution. */
        STARTED,
        /** The workflow id exists already (a redelivered event, or a start retried after its answer was lost). */
        ALREADY_STARTED
    }

    /**
     * Starts the failover of one runbook for one incident, without asking first whether the service is busy: the
     * dispatcher asked once for all of an outage's services ({@link #runningByService}), and claimed the start under
     * the service's lock after reading what is recorded for the service ({@link RunbookVersions#claimDispatch(List,
     * int, Map, RunbookVersions.Handling)}, {@link #handlingOf}). A redelivered event maps to the same workflow id,
     * which Temporal refuses to start twice, even after the first execution closed.
     *
     * @param heldBy          why it waits for a person before its first step (blast-radius guard), or null
     * @param cappedProviders the providers of its steps that have a concurrency cap
     * @param claimed         whether the dispatch claim already recorded the execution's runbook version
     */
    public Started startFailover(
            Runbook runbook,
            String incidentId,
            String scope,
            Long outageSince,
            int version,
            Duration approvalTimeout,
            Actor startedBy,
            String heldBy,
            List<String> cappedProviders,
            boolean claimed) {
        String id = RunbookWorkflow.idForIncident(runbook.name(), incidentId);
        try {
            start(
                    id,
                    new ExecutionRequest(
                            id,
                            Mode.FAILOVER,
                            runbook,
                            incidentId,
                            scope,
                            0,
                            outageSince,
                            approvalTimeout.toSeconds(),
                            version,
                            null,
                            startedBy,
                            heldBy,
                            cappedProviders),
                    !claimed);
            LOG.infof(
                    "outage of %s (incident %s): started failover of runbook %s (tier %d) as %s%s",
                    scope, incidentId, runbook.name(), runbook.tier(), id, heldBy == null ? "" : "; " + heldBy);
            return Started.STARTED;
        } catch (WorkflowExecutionAlreadyStarted already) {
            LOG.debugf(
                    "incident %s already has execution %s of runbook %s; nothing started",
                    incidentId, id, runbook.name());
            return Started.ALREADY_STARTED;
        }
    }

    /** What became of an outage's {@link #join}. */
    public enum Joined {
        /** The execution took the outage: it acts on it (reconciles, turns round, decides anew at its gate). */
        TAKEN,
        /**
         * Told by signal (no worker answered the Update within {@code baran.dispatch.join-wait}, or its worker predates
         * the Update): the execution takes it once a worker runs it, unless it is ending by then, when it drops it.
         * Whether it took it shows in its {@code BaranIncidents}.
         */
        SIGNALLED,
        /**
         * The execution refused it (it had made its last decision, or was being aborted) and has ended since: the
         * outage needs an execution of its own.
         */
        ENDED,
        /**
         * The execution refused it and has not ended within {@link #ENDING_WAIT} (an undo still under way): the outage
         * needs an execution of its own once it has.
         */
        ENDING,
        /** Temporal knows no running execution of that id: it ended, or it has not started yet. */
        NOT_RUNNING
    }

    @Inject
    io.baran.orchestrator.config.DispatchConfig dispatch;

    /** How long a join waits for the execution to take or refuse it (a worker must run its workflow task). */
    Duration joinWait() {
        return dispatch == null ? Duration.ofSeconds(5) : dispatch.joinWait();
    }

    /** How long a refused join waits for the execution to end before the dispatcher asks again. */
    public static final Duration ENDING_WAIT = Duration.ofSeconds(10);

    private static final java.util.concurrent.ScheduledExecutorService DEADLINES =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "join-deadlines");
                thread.setDaemon(true);
                return thread;
            });

    /**
     * Tells a running execution of the service of a new outage, as the Update {@code joinOutage}: it reconciles, and
     * its failback waits anew. The execution answers whether it took the outage: one that has made its last decision
     * (or is being aborted) refuses it, and this waits (at most {@link #ENDING_WAIT}) for it to end, so that the
     * outage's own failover never runs beside an execution still changing the service. One that does not answer
     * within {@code baran.dispatch.join-wait} (no worker runs it now), and a worker that does not know the Update (an
     * orchestrator of an earlier version, mid-upgrade), are told by the signal {@code outageDetected} ({@link
     * Joined#SIGNALLED}): kept by Temporal until a worker runs the execution, and dropped if it is ending by then.
     *
     * @throws IllegalStateException Temporal could not tell whether an execution that refused has ended: ask again
     */
    public Joined join(String runningId, String incidentId) {
        io.temporal.client.WorkflowStub stub = client.newUntypedWorkflowStub(runningId);
        try (io.grpc.Context.CancellableContext bounded =
                io.grpc.Context.current().withDeadlineAfter(joinWait().toMillis(), TimeUnit.MILLISECONDS, DEADLINES)) {
            bounded.call(() -> stub.startUpdate(
                            io.temporal.client.UpdateOptions.newBuilder(Void.class)
                                    .setUpdateName("joinOutage")
                                    // The same join asked again is the same Update: Temporal answers it once.
                                    .setUpdateId("join-" + incidentId)
                                    .setWaitForStage(io.temporal.client.WorkflowUpdateStage.COMPLETED)
                                    .build(),
                            incidentId)
                    .getResult());
            return Joined.TAKEN;
        } catch (WorkflowNotFoundException gone) {
            return Joined.NOT_RUNNING;
        } catch (io.temporal.client.WorkflowUpdateException refused) {
            if (refused.getCause() instanceof io.temporal.failure.ApplicationFailure failure) {
                if (io.baran.workflow.JoinRefused.TYPE.equals(failure.getType())) {
                    LOG.infof(
                            "execution %s refused outage %s (%s); waiting for it to end",
                            runningId, incidentId, failure.getOriginalMessage());
                    return awaitEnd(stub, runningId, incidentId) ? Joined.ENDED : Joined.ENDING;
                }
                if (unknownUpdate(failure)) {
                    return signalled(runningId, incidentId);
                }
            }
            throw new IllegalStateException(
                    "execution " + runningId + " refused outage " + incidentId + ": " + refused.getMessage(), refused);
        } catch (io.temporal.client.WorkflowUpdateTimeoutOrCancelledException
                | java.util.concurrent.CancellationException slow) {
            LOG.warnf(
                    "execution %s did not answer whether it takes outage %s within %s (no orchestrator worker ran it);"
                            + " told by signal instead, which it acts on once a worker runs it",
                    runningId, incidentId, joinWait());
            return signalled(runningId, incidentId);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The worker runs a version without the Update {@code joinOutage}: the SDK rejects it by name. */
    private static boolean unknownUpdate(io.temporal.failure.ApplicationFailure failure) {
        return IllegalArgumentException.class.getName().equals(failure.getType())
                && failure.getOriginalMessage() != null
                && failure.getOriginalMessage().startsWith("Unknown update name: joinOutage");
    }

    private Joined signalled(String runningId, String incidentId) {
        try {
            client.newWorkflowStub(RunbookWorkflow.class, runningId).outageDetected(incidentId);
            return Joined.SIGNALLED;
        } catch (WorkflowNotFoundException gone) {
            return Joined.NOT_RUNNING;
        }
    }

    /**
     * Waits for an execution that refused an outage to end; it is ending (its last journal entries, its undo).
     *
     * @return whether it ended within {@link #ENDING_WAIT}
     */
    boolean awaitEnd(io.temporal.client.WorkflowStub stub, String runningId, String incidentId) {
        try {
            stub.getResult(ENDING_WAIT.toMillis(), TimeUnit.MILLISECONDS, Object.class);
        } catch (java.util.concurrent.TimeoutException stillRunning) {
            LOG.infof("execution %s refused outage %s and has not ended within %s", runningId, incidentId, ENDING_WAIT);
            return false;
        } catch (io.temporal.client.WorkflowServiceException unanswered) {
            // Temporal did not answer (unavailable, a deadline): whether it ended is not known, so it has not.
            throw new IllegalStateException(
                    "execution " + runningId + " refused outage " + incidentId + "; cannot tell whether it has ended ("
                            + unanswered.getClass().getSimpleName() + "); asking again",
                    unanswered);
        } catch (io.temporal.client.WorkflowException ended) {
            // Failed, aborted, terminated: it has ended, which is all that is waited for.
        }
        return true;
    }

    /** What became of an outage told to an execution whose answer was not waited for. */
    public enum Fate {
        /** The execution runs: it has not said yet (a signal waits for a worker), or is still ending. */
        RUNNING,
        /** It ended, and its result does not name the outage as dropped: it took it (or a refusal: it ended). */
        TAKEN,
        /**
         * It ended without the outage: it refused it, or its result names it among those told by signal once it acted on
         * no further outage.
         */
        DROPPED,
        /**
         * It ended without a result (failed, terminated, cancelled through Temporal, timed out), or Temporal no longer
         * knows it: whether a signalled outage was taken cannot be told.
         */
        UNKNOWN
    }

    /**
     * What became of an outage told to an execution whose answer was not waited for ({@link Joined#SIGNALLED},
     * {@link Joined#ENDING}): taken once its {@code BaranIncidents} (as Temporal describes it, not as visibility lists
     * it) names the outage; otherwise whether it still runs, and once it completed, whether its result names the
     * outage among those it dropped ({@link ExecutionProgress#droppedOutages}: told by signal once it acted on no
     * further outage, which the Update {@code joinOutage} would have refused). A worker of an earlier version (mid
     * upgrade) reports no drop: taken. One cancelled through Temporal (not Baran's abort) ends without a result:
     * unknown.
     *
     * @param refused the execution refused the outage (it was ending): dropped once it has ended, whatever it says
     *
     * @throws RuntimeException when Temporal cannot be asked
     */
    public Fate fateOf(String executionId, String incidentId, boolean refused) {
        io.temporal.client.WorkflowStub stub = client.newUntypedWorkflowStub(executionId);
        io.temporal.client.WorkflowExecutionDescription description;
        try {
            description = stub.describe();
        } catch (WorkflowNotFoundException gone) {
            return refused ? Fate.DROPPED : Fate.UNKNOWN;
        }
        boolean running = description.getStatus()
                == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
        if (refused) {
            return running ? Fate.RUNNING : Fate.DROPPED; // it refused the outage: once ended, without it
        }
        if (!running) {
            if (description.getStatus()
                    != io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
                return Fate.UNKNOWN;
            }
            ExecutionProgress result;
            try {
                result = stub.getResult(10, TimeUnit.SECONDS, ExecutionProgress.class);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(
                        "Temporal did not return the result of completed execution " + executionId, e);
            }
            // What it says it dropped comes first: an outage told while it was being aborted may be in its
            // BaranIncidents too (recorded as it undid a failed failover), and it acted on it no more.
            return result != null && result.droppedOutages().contains(incidentId) ? Fate.DROPPED : Fate.TAKEN;
        }
        List<String> incidents = description.getTypedSearchAttributes().get(SearchAttributes.INCIDENTS);
        if (incidents == null || !incidents.contains(incidentId)) {
            return Fate.RUNNING;
        }
        // Recorded once it took the outage (at once while it holds or waits at a gate), unless it dropped it: asked of
        // the execution itself (a worker answers the query); no answer in time, it is asked again later.
        try (io.grpc.Context.CancellableContext bounded =
                io.grpc.Context.current().withDeadlineAfter(joinWait().toMillis(), TimeUnit.MILLISECONDS, DEADLINES)) {
            ExecutionProgress progress = bounded.call(() -> stub.query("progress", ExecutionProgress.class));
            return progress != null && !progress.droppedOutages().contains(incidentId) ? Fate.TAKEN : Fate.RUNNING;
        } catch (RuntimeException unanswered) {
            LOG.debugf("execution %s did not answer its progress (%s)", executionId, unanswered.getMessage());
            return Fate.RUNNING;
        } catch (Exception unanswered) {
            return Fate.RUNNING;
        }
    }

    /**
     * The running execution of each of these services that has one: one visibility query per {@code chunk} services
     * (not one per start).
     */
    public Map<String, String> runningByService(Collection<String> services, int chunk) {
        Map<String, String> running = new HashMap<>();
        List<String> all = List.copyOf(new LinkedHashSet<>(services));
        for (int from = 0; from < all.size(); from += chunk) {
            List<String> part = all.subList(from, Math.min(all.size(), from + chunk));
            client.listExecutions(VisibilityQuery.where()
                            .in(SearchAttributes.SERVICE, part)
                            .equal("ExecutionStatus", "Running")
                            .build())
                    .filter(ExecutionLauncher::actsOnTheService)
                    .forEach(m -> {
                        var service = m.getTypedSearchAttributes().get(SearchAttributes.SERVICE);
                        if (service != null) {
                            running.putIfAbsent(service, m.getExecution().getWorkflowId());
                        }
                    });
        }
        return running;
    }

    /**
     * Tells every running execution that answers the incident that it recovered: those whose {@code BaranIncidents}
     * holds it (started for it, or joined by it), found whatever happened to the runbook catalog since; and, for
     * executions that do not carry the attribute (started before it existed, or on a namespace without it), those
     * the runbooks still triggered by the scope lead to.
     *
     * @param stillTriggered the runbooks the catalog holds for the scope now; may be empty
     * @return the executions signalled
     */
    public Set<String> signalRecovered(String incidentId, List<Runbook> stillTriggered) {
        Set<String> signalled = new LinkedHashSet<>();
        for (String id : answering(incidentId)) {
            if (signal(id, incidentId)) {
                signalled.add(id);
            }
        }
        for (Runbook runbook : stillTriggered) {
            String id = RunbookWorkflow.idForIncident(runbook.name(), incidentId);
            if (signalled.contains(id)) {
                continue;
            }
            if (signal(id, incidentId)) {
                signalled.add(id);
                continue;
            }
            // The incident may have joined another execution of the same service.
            running(runbook.protects())
                    .filter(r -> !signalled.contains(r) && signal(r, incidentId))
                    .ifPresent(signalled::add);
        }
        if (signalled.isEmpty()) {
            LOG.infof("incident %s recovered: no running execution answers it", incidentId);
        } else {
            LOG.infof("incident %s recovered: signalled %s", incidentId, signalled);
        }
        return signalled;
    }

    /** Running executions whose {@code BaranIncidents} holds the incident; empty when the namespace lacks the attribute. */
    public List<String> answering(String incidentId) {
        try {
            return client.listExecutions(VisibilityQuery.where()
                            .equal(SearchAttributes.INCIDENTS.getName(), incidentId)
                            .equal("ExecutionStatus", "Running")
                            .build())
                    .map(m -> m.getExecution().getWorkflowId())
                    .distinct()
                    .toList();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
                throw e;
            }
            LOG.warnf(
                    "cannot list executions by %s (%s); only the runbook catalog routes the recovery of %s",
                    SearchAttributes.INCIDENTS.getName(), e.getMessage(), incidentId);
            return List.of();
        }
    }

    /**
     * Tells a running execution that the blast-radius guard tripped after it started; it decides whether to hold.
     *
     * @return false when Temporal does not know the execution (ended, or not started yet)
     */
    public boolean holdLate(String executionId, LateHold hold) {
        try {
            client.newWorkflowStub(RunbookWorkflow.class, executionId).guardTripped(hold);
            return true;
        } catch (WorkflowNotFoundException gone) {
            return false; // not (or no longer) in Temporal: nothing to hold
        }
    }

    private boolean signal(String executionId, String incidentId) {
        try {
            client.newWorkflowStub(RunbookWorkflow.class, executionId).outageRecovered(incidentId);
            return true;
        } catch (WorkflowNotFoundException gone) {
            return false;
        }
    }

    /**
     * An execution that may change the service: anything but a plan, which only observes. An outage never joins a
     * plan (it would be dropped there: a plan fails nothing over), and a plan makes no service busy.
     */
    private static boolean actsOnTheService(WorkflowExecutionMetadata execution) {
        return !Mode.PLAN
                .name()
                .toLowerCase()
                .equals(execution.getTypedSearchAttributes().get(SearchAttributes.MODE));
    }

    /** The running execution of a protected service, if any; a plan is none ({@link #actsOnTheService}). */
    public Optional<String> running(String service) {
        return client.listExecutions(VisibilityQuery.where()
                        .equal(SearchAttributes.SERVICE, service)
                        .equal("ExecutionStatus", "Running")
                        .build())
                .filter(ExecutionLauncher::actsOnTheService)
                .map(WorkflowExecutionMetadata::getExecution)
                .map(e -> e.getWorkflowId())
                .findFirst();
    }

    private void start(String id, ExecutionRequest request) {
        start(id, request, true);
    }

    private void start(String id, ExecutionRequest given, boolean record) {
        boolean notRefusedLately = incidentsAttribute(System.nanoTime());
        boolean withIncidents = given.incidentId() != null && notRefusedLately;
        ExecutionRequest request = given.withIncidentsSearchable(
                given.mode() != Mode.PLAN && notRefusedLately && incidentsRegistered(System.nanoTime()));
        try {
            start(id, request, withIncidents, record);
        } catch (WorkflowServiceException e) {
            if (!withIncidents || !unknownIncidentsAttribute(e)) {
                throw e;
            }
            request = request.withIncidentsSearchable(false);
            incidentsRefused(System.nanoTime());
            LOG.errorf(
                    "the namespace does not know search attribute %s (register it as KeywordList: bin/baran temporal "
                            + "setup); execution %s starts without it, and its recovery is routed through the runbook "
                            + "catalog only; starts try it again after %d s",
                    SearchAttributes.INCIDENTS.getName(), id, INCIDENTS_RETRY.toSeconds());
            start(id, request, false, record);
        }
    }

    /**
     * What the Temporal UI shows of an execution without decoding its input: its tier ({@value Memos#PRIORITY}), and why
     * the blast-radius guard holds it ({@value Memos#HELD_BY}). Memos need no registration, unlike search attributes.
     */
    private static Map<String, Object> memo(ExecutionRequest request) {
        Map<String, Object> memo = new HashMap<>();
        memo.put(Memos.PRIORITY, request.runbook().tier());
        if (request.heldBy() != null) {
            memo.put(Memos.HELD_BY, request.heldBy());
        }
        return memo;
    }

    /** Whether a start at {@code nowNanos} sets {@code BaranIncidents}: unless Temporal refused it less than a minute ago. */
    boolean incidentsAttribute(long nowNanos) {
        Long refusedAt = incidentsRefusedAt;
        return refusedAt == null || nowNanos - refusedAt >= INCIDENTS_RETRY.toNanos();
    }

    void incidentsRefused(long nowNanos) {
        incidentsRefusedAt = nowNanos;
    }

    private static boolean unknownIncidentsAttribute(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException status
                    && status.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
                    && String.valueOf(status.getMessage()).contains(SearchAttributes.INCIDENTS.getName())) {
                return true;
            }
        }
        return false;
    }

    private void start(String id, ExecutionRequest request, boolean withIncidents, boolean record) {
        WorkflowOptions options =
                startOptions(id, request, withIncidents, temporal.tuning().eagerStart());
        RunbookWorkflow workflow = client.newWorkflowStub(RunbookWorkflow.class, options);
        WorkflowClient.start(workflow::run, request);
        if (record) {
            // After the start, so only executions that run are recorded; never throws (a failover does not wait on it).
            versions.recordExecution(id, request.runbook().name(), request.runbookVersion());
        }
    }

    /**
     * How every execution is started: its workflow id, refused if it was ever used (a redelivered event starts nothing
     * twice), the search attributes the API and the Temporal UI list it by, a summary and memo the UI shows, and
     * whether its first workflow task comes back in the start's answer ({@code eagerStart}).
     */
    static WorkflowOptions startOptions(
            String id, ExecutionRequest request, boolean withIncidents, boolean eagerStart) {
        Runbook runbook = request.runbook();
        var attributes = io.temporal.common.SearchAttributes.newBuilder()
                .set(SearchAttributes.RUNBOOK, runbook.name())
                .set(SearchAttributes.SERVICE, runbook.protects())
                .set(SearchAttributes.MODE, request.mode().name().toLowerCase())
                .set(SearchAttributes.PHASE, Phase.STARTING.value());
        if (withIncidents) {
            attributes.set(SearchAttributes.INCIDENTS, List.of(request.incidentId()));
        }
        return WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .setTypedSearchAttributes(attributes.build())
                .setStaticSummary(
                        request.mode().name().toLowerCase() + " of runbook " + runbook.name() + " for service "
                                + runbook.protects() + " (tier " + runbook.tier() + ")"
                                + (request.scope() == null ? "" : " (outage of " + request.scope() + ")")
                                + (request.heldBy() == null ? "" : " — " + request.heldBy()))
                .setMemo(memo(request))
                .setDisableEagerExecution(!eagerStart)
                .build();
    }
}
