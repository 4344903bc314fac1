package io.baran.orchestrator.api;

import io.baran.events.ExecutionEvent;
import io.baran.events.OutageEvent;
import io.baran.orchestrator.audit.AuditActions;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.workflow.DecisionRefused;
import io.baran.orchestrator.workflow.ExecutionAudit;
import io.baran.orchestrator.workflow.ExecutionDecisions;
import io.baran.orchestrator.workflow.ExecutionFilter;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.orchestrator.workflow.ExecutionNotFound;
import io.baran.orchestrator.workflow.ExecutionReader;
import io.baran.runbook.Objectives;
import io.baran.runbook.Runbook;
import io.baran.security.Roles;
import io.baran.workflow.AbortRequest;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.DecisionResult;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.FailbackRequest;
import io.baran.workflow.FailbackResult;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.Verdict;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Executions of runbooks: where they stand, step by step, and the decisions people make on them. */
@RolesAllowed(Roles.VIEWER)
@Path("/api/executions")
@Tag(name = "Executions", description = "Where executions stand, their reports, and the decisions people make on them")
@APIResponse(responseCode = "401", description = Problem.UNAUTHORIZED)
@APIResponse(responseCode = "403", description = Problem.FORBIDDEN)
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class ExecutionResource {

    /** The query parameters {@code GET /api/executions} takes. */
    static final List<String> LIST_FILTERS = List.of("runbook", "service", "phase", "mode");

    @Inject
    ExecutionReader reader;

    @Inject
    ExecutionAudit audit;

    @Inject
    EvidenceSigner evidenceSigner;

    /** The mapper the API writes its answers with: an evidence pack is hashed and signed as it writes it. */
    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

    @Inject
    ExecutionDecisions decisions;

    @Inject
    RunbookCatalog catalog;

    @Inject
    Caller caller;

    @Inject
    Audited audited;

    @Inject
    ExecutionLauncher launcher;

    /**
     * A page of executions.
     *
     * @param limit the most executions one list answers with; a list this long may have left older ones out
     */
    public record ExecutionList(List<ExecutionReader.Summary> executions, int limit) {}

    /** The stored transitions of an execution, in order. */
    public record ExecutionEvents(String executionId, List<ExecutionEvent> events) {}

    @GET
    @Operation(
            summary = "Executions, newest first (from Temporal's visibility store), filtered by runbook, service, phase"
                    + " and mode")
    @APIResponse(
            responseCode = "200",
            description = "the executions, at most limit of them",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ExecutionList.class)))
    @APIResponse(
            responseCode = "400",
            description = "a filter that is not a runbook name, service name, phase or mode, or a parameter that is no"
                    + " filter")
    public ExecutionList list(
            @Parameter(
                            description = "the runbook's name",
                            allowEmptyValue = true,
                            schema = @Schema(pattern = ExecutionFilter.NAME))
                    @QueryParam("runbook")
                    String runbook,
            @Parameter(
                            description = "the protected service",
                            allowEmptyValue = true,
                            schema = @Schema(pattern = ExecutionFilter.NAME))
                    @QueryParam("service")
                    String service,
            @Parameter(
                            description = "the phase it is in now, e.g. failed-over",
                            allowEmptyValue = true,
                            schema = @Schema(pattern = ExecutionFilter.PHASE))
                    @QueryParam("phase")
                    String phase,
            @Parameter(
                            description = "the mode it was started in (a drill a real outage made live stays a drill)",
                            allowEmptyValue = true,
                            schema = @Schema(enumeration = {"plan", "drill", "failover"}))
                    @QueryParam("mode")
                    String mode,
            @Context UriInfo uri) {
        QueryFilters.refuseUnknown(uri, LIST_FILTERS, "Bad execution filter");
        ExecutionFilter filter;
        try {
            filter = new ExecutionFilter(runbook, service, phase, mode);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Bad execution filter", e.getMessage());
        }
        return new ExecutionList(reader.list(filter), ExecutionReader.LIST_LIMIT);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Where an execution stands: status, phase, what it waits for, every step and decision")
    @APIResponse(
            responseCode = "200",
            description = "the execution",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ExecutionView.class)))
    @APIResponse(responseCode = "404", description = "no running or recorded execution with that id")
    public ExecutionView get(@PathParam("id") String id) {
        var execution = reader.read(id).orElseThrow(() -> notFound(id));
        return ExecutionViews.execution(id, execution.status(), execution.progress());
    }

    @GET
    @Path("/{id}/report")
    @Operation(summary = "The recovery-time report: RTO by part, RPO, what was changed and whether it was restored")
    @APIResponse(
            responseCode = "200",
            description = "the report",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportView.class)))
    @APIResponse(responseCode = "404", description = "no running or recorded execution with that id")
    public ReportView report(@PathParam("id") String id) {
        var execution = reader.read(id).orElseThrow(() -> notFound(id));
        var progress = execution.progress();
        return ExecutionViews.report(
                id, execution.status(), progress, catalog.objectivesOf(progress.runbook(), progress.runbookVersion()));
    }

    /** The audit trail: every phase change and step transition of the execution, as stored in PostgreSQL. */
    @GET
    @Path("/{id}/events")
    @Operation(summary = "Every phase change and step transition of an execution, in order, as stored in PostgreSQL")
    @APIResponse(
            responseCode = "200",
            description = "the transitions",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ExecutionEvents.class)))
    @APIResponse(responseCode = "404", description = "no running or recorded execution with that id")
    public ExecutionEvents events(@PathParam("id") String id) {
        List<ExecutionEvent> events = audit.of(id);
        if (events.isEmpty() && reader.read(id).isEmpty()) {
            throw notFound(id);
        }
        return new ExecutionEvents(id, events);
    }

    /**
     * The optional body of approve and reject.
     *
     * @param step   the decision counts only if the execution waits at this step (409 otherwise)
     * @param reason why; required for a break-glass approval by an admin
     */
    public record DecisionBody(String step, String reason) {}

    /** The optional body of failback and abort: why, for the audit trail. */
    public record ReasonBody(String reason) {}

    /** What a decision did. */
    public record DecisionAnswer(String executionId, DecisionResult decision) {}

    /** What a failback request did. */
    public record FailbackAnswer(String executionId, FailbackResult failback) {}

    /** An abort was asked: the execution undoes what it changed. */
    public record AbortAnswer(
            String executionId,
            @Schema(enumeration = "abort") String requested) {}

    /**
     * Approves what the execution waits for: its first step, an approval step, going on after a held step, or
     * failback. The execution itself checks the decision: the approver must be in the runbook's
     * {@code spec.access.approve} (or an admin), a live failover's starter never approves it, nobody approves
     * twice, and it goes on once {@code spec.access.approvals} distinct people approved. An admin may approve alone
     * with a reason (break-glass, flagged in the audit trail). With {@code "step"} the approval counts only if the
     * execution waits at that step, so an approval meant for one step never lets another go ahead.
     */
    @Operation(summary = "Approve what the execution waits for")
    @APIResponse(
            responseCode = "202",
            description = "the decision was recorded: approved, or pending more approvals",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DecisionAnswer.class)))
    @APIResponse(
            responseCode = "403",
            description = "the caller may not decide this (a rule of the runbook's access, or no role)")
    @APIResponse(responseCode = "404", description = "no running or recorded execution with that id")
    @APIResponse(
            responseCode = "409",
            description = "the execution has finished, or waits at another step than the one named")
    @APIResponse(responseCode = "400", description = "a reason longer than 1,000 characters or with control characters")
    @RolesAllowed(Roles.APPROVER)
    @POST
    @Path("/{id}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(202)
    @CustomDeserialization(StrictBody.class)
    @AuditedAs(AuditActions.EXECUTION_APPROVE)
    public DecisionAnswer approve(@PathParam("id") String id, DecisionBody body) {
        return decide(id, Verdict.APPROVE, body);
    }

    /** Refuses what the execution waits for. */
    @Operation(summary = "Reject what the execution waits for")
    @APIResponse(
            responseCode = "202",
            description = "the rejection was recorded",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DecisionAnswer.class)))
    @APIResponse(
            responseCode = "403",
            description = "the caller may not decide this (a rule of the runbook's access, or no role)")
    @APIResponse(responseCode = "404", description = "no running or recorded execution with that id")
    @APIResponse(
            responseCode = "409",
            description = "the execution has finished, or waits at another step than the one named")
    @APIResponse(responseCode = "400", description = "a reason longer than 1,000 characters or with control characters")
    @RolesAllowed(Roles.APPROVER)
    @POST
    @Path("/{id}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(202)
    @CustomDeserialization(StrictBody.class)
    @AuditedAs(AuditActions.EXECUTION_REJECT)
    public DecisionAnswer reject(@PathParam("id") String id, DecisionBody body) {
        return decide(id, Verdict.REJECT, body);
    }

    /**
     * Fails back now, without waiting for recovery or stability. Never an approval: a runbook whose failback needs
     * approval still waits for its approvers, and an execution waiting for a decision refuses it (403).
     */
    @Operation(summary = "Fail back now, without waiting for recovery or stability")
    @APIResponse(
            responseCode = "202",
            description = "failing back, or waiting for failback approval",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = FailbackAnswer.class)))
    @APIResponse(responseCode = "403", description = "refused by the execution (it waits for a decision), or no role")
    @APIResponse(responseCode = "404", description = "no running or recorded execution with that id")
    @APIResponse(responseCode = "409", description = "the execution has finished")
    @APIResponse(responseCode = "400", description = "a reason longer than 1,000 characters or with control characters")
    @RolesAllowed(Roles.FAILOVER_OPERATOR)
    @POST
    @Path("/{id}/failback")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(202)
    @CustomDeserialization(StrictBody.class)
    @AuditedAs(AuditActions.EXECUTION_FAILBACK)
    public FailbackAnswer failback(@PathParam("id") String id, ReasonBody body) {
        requireRunning(id);
        String reason = body == null ? null : body.reason();
        FailbackResult result = audited.run(
                AuditActions.EXECUTION_FAILBACK,
                id,
                reason,
                () -> refusalsAsProblems(
                        id,
                        () -> decisions.failback(id, new FailbackRequest(caller.actor(), reason, caller.requestId()))),
                done -> new Audited.Outcome(
                        false,
                        Map.of("next", done.next().name().toLowerCase(), "approvalsNeeded", done.approvalsNeeded())));
        return new FailbackAnswer(id, result);
    }

    /**
     * Aborts the execution: what it changed is undone. A drill may be aborted by a drill operator its runbook lets
     * drill, a failover by a failover operator it lets fail over. A live failover that is failed over (holding, waiting
     * for stability or for its failback approval) is not aborted: undoing it is its failback, which goes through the
     * runbook's failback rules and approvers ({@code POST /failback}); one person's abort would move traffic back
     * without them. The abort reaches the execution as its sealed Update {@code abort}, whose validator holds these
     * rules at the moment it arrives (so an abort asked as a failover takes its last step is refused once it is failed
     * over), and the execution records who aborted.
     */
    @Operation(summary = "Abort the execution: everything it changed is undone")
    @APIResponse(
            responseCode = "202",
            description = "the abort was asked for",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AbortAnswer.class)))
    @APIResponse(
            responseCode = "403",
            description = "the runbook does not let the caller drill (for a drill) or fail over")
    @APIResponse(responseCode = "404", description = "no running or recorded execution with that id")
    @APIResponse(
            responseCode = "409",
            description =
                    "the execution has finished, is being aborted already or is failing back (its failback puts back"
                            + " what it changed), or is a live failover that is failed over (ask for its failback)")
    @APIResponse(responseCode = "400", description = "a reason longer than 1,000 characters or with control characters")
    @RolesAllowed({Roles.DRILL_OPERATOR, Roles.FAILOVER_OPERATOR})
    @POST
    @Path("/{id}/abort")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(202)
    @CustomDeserialization(StrictBody.class)
    @AuditedAs(AuditActions.EXECUTION_ABORT)
    public AbortAnswer abort(@PathParam("id") String id, ReasonBody body) {
        requireRunning(id);
        String reason = body == null ? null : body.reason();
        audited.run(AuditActions.EXECUTION_ABORT, id, reason, () -> {
            // Read again once the request is recorded: a drill may have turned round since. These checks only make
            // the common refusals quick and plain: the execution's validator holds the rule, when the abort arrives.
            ExecutionProgress running = requireRunning(id);
            requireMayAct(running);
            requireNotFailedOver(running);
            try {
                return decisions.abort(id, new AbortRequest(caller.actor(), reason, caller.requestId()));
            } catch (DecisionRefused refused) {
                throw new ProblemException(refused.becauseOfPhase() ? 409 : 403, "Abort refused", refused.getMessage());
            } catch (ExecutionNotFound gone) {
                throw notFound(id);
            }
        });
        return new AbortAnswer(id, "abort");
    }

    /**
     * The body of approve-incident.
     *
     * @param incident the outage's incident id, as the executions' {@code incidentId} and {@code BaranIncidents} show it
     * @param reason   why; required for a break-glass approval by an admin
     */
    public record IncidentApproval(String incident, String reason) {}

    /**
     * What approving an incident's held executions did, one by one.
     *
     * @param approved the executions whose start this approval counted for
     * @param refused  the executions waiting at their start that refused it, with the rule each named
     * @param skipped  the executions of the incident that did not wait at their start or at a late hold (already
     *                 running, or waiting at another step: approve those one by one)
     */
    public record IncidentApprovalAnswer(
            String incident, List<DecisionAnswer> approved, Map<String, String> refused, List<String> skipped) {}

    /** An incident id as the detector makes them: the scope ({@link OutageEvent#SCOPE}), {@code @}, and a mark. */
    static final java.util.regex.Pattern INCIDENT =
            java.util.regex.Pattern.compile(OutageEvent.SCOPE.pattern() + "@[A-Za-z0-9._:+-]{1,50}");

    /**
     * Approves the start of every running execution of an outage that waits at its start gate: those the
     * blast-radius guard holds (a mass outage holds hundreds) and those whose runbook asks for approval to start; and
     * those the guard held after they started (phase {@code held} between two steps, when a later outage tripped it);
     * and those an outage turned round while they failed back, waiting to fail over again (their start gate, or
     * {@code held}). Each execution checks the decision itself, as {@code /approve} does (the approver must be in its runbook's
     * {@code spec.access.approve}, or an admin; it goes on once {@code spec.access.approvals} distinct people
     * approved), and each decision is in the audit trail on its own.
     */
    @Operation(
            summary =
                    "Approve the start of every execution of an outage that waits for it (e.g. held by the blast-radius guard)")
    @APIResponse(
            responseCode = "200",
            description = "what each execution made of the approval",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = IncidentApprovalAnswer.class)))
    @APIResponse(
            responseCode = "400",
            description = "no incident, one that is not an incident id, or a reason longer than 1,000 characters or"
                    + " with control characters")
    @RolesAllowed(Roles.APPROVER)
    @POST
    @Path("/approve-incident")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictBody.class)
    @AuditedAs(AuditActions.EXECUTION_APPROVE)
    public IncidentApprovalAnswer approveIncident(IncidentApproval body) {
        String incident = body == null ? null : body.incident();
        audited.about(incident);
        if (incident == null || !INCIDENT.matcher(incident).matches()) {
            throw new ProblemException(
                    400,
                    "Bad incident",
                    "\"incident\" must be an incident id such as aws/us-east-1@1764871200000"
                            + " (the scope, @, and a mark), not "
                            + (incident == null
                                    ? "nothing"
                                    : "\"" + incident.substring(0, Math.min(incident.length(), 80)) + "\""));
        }
        Audited.checkReason(body.reason());
        List<DecisionAnswer> approved = new ArrayList<>();
        Map<String, String> refused = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (String id : launcher.answering(incident)) {
            ExecutionProgress progress;
            try {
                progress = requireRunning(id);
            } catch (ProblemException gone) {
                continue; // ended since it was listed
            }
            if (!ExecutionViews.waitsAtItsStart(progress) && !ExecutionViews.heldBetweenSteps(progress)) {
                skipped.add(id);
                continue;
            }
            try {
                // At the gate checked above only: approved by someone else meanwhile, the execution may already wait
                // at one of its steps, which this approval must not decide.
                approved.add(decide(id, Verdict.APPROVE, new DecisionBody(null, body.reason()), true));
            } catch (ProblemException problem) {
                refused.put(id, problem.getMessage());
            }
        }
        if (!audited.recorded()) {
            // No execution took or refused the decision in the trail (none waited, or those listed ended before they
            // were asked), so no row was written: the call is in the trail all the same.
            audited.run(
                    AuditActions.EXECUTION_APPROVE,
                    incident,
                    body.reason(),
                    () -> skipped,
                    none -> new Audited.Outcome(
                            false,
                            Map.of(
                                    "decided",
                                    "nothing: no execution of the incident waited at its start or at a hold",
                                    "skipped",
                                    none)));
        }
        return new IncidentApprovalAnswer(incident, approved, refused, skipped);
    }

    private DecisionAnswer decide(String id, Verdict verdict, DecisionBody body) {
        return decide(id, verdict, body, false);
    }

    /** @param gateOnly the decision counts only at the execution's start gate or the guard's hold */
    private DecisionAnswer decide(String id, Verdict verdict, DecisionBody body, boolean gateOnly) {
        String step = body == null ? null : body.step();
        String reason = body == null ? null : body.reason();
        requireRunning(id);
        requireAwaitingStep(id, step);
        DecisionResult result = audited.run(
                verdict == Verdict.APPROVE ? AuditActions.EXECUTION_APPROVE : AuditActions.EXECUTION_REJECT,
                id,
                reason,
                () -> refusalsAsProblems(
                        id,
                        () -> decisions.decide(
                                id,
                                gated(
                                        new DecisionRequest(verdict, step, caller.actor(), reason, caller.requestId()),
                                        gateOnly))),
                done -> new Audited.Outcome(done.breakGlass(), decisionDetail(done)));
        return new DecisionAnswer(id, result);
    }

    private static DecisionRequest gated(DecisionRequest decision, boolean gateOnly) {
        return gateOnly ? decision.atGateOnly() : decision;
    }

    private static Map<String, Object> decisionDetail(DecisionResult result) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("outcome", result.outcome().name().toLowerCase());
        detail.put("on", result.on());
        if (result.step() != null) {
            detail.put("step", result.step());
        }
        detail.put("approvals", result.approvals());
        detail.put("approvalsNeeded", result.approvalsNeeded());
        return detail;
    }

    /** The execution's refusal of a decision as a 403 naming the rule; an execution gone as a 404. */
    private static <T> T refusalsAsProblems(String id, Supplier<T> call) {
        try {
            return call.get();
        } catch (DecisionRefused refused) {
            throw new ProblemException(403, "Decision refused", refused.getMessage());
        } catch (ExecutionNotFound gone) {
            throw notFound(id);
        }
    }

    /**
     * A drill by whom the runbook lets drill, a live failover (and a drill a real outage joined or turned round into
     * one) by a {@code failover-operator} the runbook lets fail over (the endpoint admits either operator role; a live
     * failover needs the failover role as starting one does); an admin always.
     */
    private void requireMayAct(ExecutionProgress progress) {
        Runbook runbook = catalog.find(progress.runbook()).orElse(null);
        if (runbook == null) {
            if (!caller.isAdmin()) {
                throw new ProblemException(
                        403,
                        "Forbidden",
                        "runbook " + progress.runbook() + " is no longer served, so only an admin"
                                + " may act on its execution " + progress.executionId());
            }
            return;
        }
        if (!progress.liveFailover()) {
            if (!caller.hasRole(Roles.DRILL_OPERATOR)) {
                throw new ProblemException(
                        403,
                        "Forbidden",
                        "execution " + progress.executionId() + " is a drill: acting on it needs role "
                                + Roles.DRILL_OPERATOR);
            }
            caller.requireMayDrill(runbook);
        } else {
            if (!caller.hasRole(Roles.FAILOVER_OPERATOR)) {
                throw new ProblemException(
                        403,
                        "Forbidden",
                        "execution " + progress.executionId()
                                + (progress.mode() == Mode.FAILOVER
                                        ? " is a live failover"
                                        : progress.turnedRound()
                                                ? " is a drill that a real outage turned round into a live failover"
                                                : " is a drill that a real outage joined: a live failover since")
                                + ": acting on it needs role " + Roles.FAILOVER_OPERATOR);
            }
            caller.requireMayFailover(runbook);
        }
    }

    /** The phases of a live failover whose undoing is its failback: what it changed is in place and meant to stay. */
    private static final java.util.Set<Phase> FAILED_OVER =
            java.util.EnumSet.of(Phase.FAILED_OVER, Phase.AWAITING_STABILITY, Phase.AWAITING_FAILBACK_APPROVAL);

    /**
     * Refuses to abort a live failover that is failed over: the abort would undo it at once, by one person, where its
     * failback waits for the runbook's rules (recovery, stability) and approvers. An abort still stops a failover under
     * way (failing over, held, waiting at its start), a drill, and a failback.
     */
    private static void requireNotFailedOver(ExecutionProgress progress) {
        if (progress.liveFailover() && FAILED_OVER.contains(progress.phase())) {
            throw new ProblemException(
                    409,
                    "Failed over",
                    "execution " + progress.executionId() + " is a live failover and is "
                            + progress.phase().value()
                            + ": aborting it would move traffic back at once, without its failback's rules and"
                            + " approvers; ask for its failback instead: POST /api/executions/"
                            + progress.executionId() + "/failback");
        }
    }

    private void requireAwaitingStep(String id, String step) {
        if (step == null) {
            return;
        }
        var execution = reader.read(id).orElseThrow(() -> notFound(id));
        var progress = execution.progress();
        // The current step, or an approval step running beside it in a parallel group: the execution decides which
        // of them waits for a decision (and refuses, naming what it waits for, when that one does not).
        boolean running = step.equals(progress.currentStep())
                || progress.steps().stream()
                        .anyMatch(s -> step.equals(s.name())
                                && "approval".equals(s.action())
                                && s.state() == io.baran.workflow.StepState.RUNNING);
        if (progress.awaiting() == null || !running) {
            throw new ProblemException(
                    409,
                    "Not waiting for that step",
                    "execution " + id + " is not waiting for a decision on step "
                            + step
                            + (progress.awaiting() == null
                                    ? "; it waits for nothing"
                                    : "; it waits for " + progress.awaiting()));
        }
    }

    private ExecutionProgress requireRunning(String id) {
        var execution = reader.read(id).orElseThrow(() -> notFound(id));
        if (!"running".equals(execution.status())) {
            // Why it ended, when it says: a start gate withdrawn because the outage recovered before anyone approved.
            String why = execution.progress().error();
            throw new ProblemException(
                    409,
                    "Execution finished",
                    "execution " + id + " is " + execution.status() + " (phase "
                            + execution.progress().phase() + (why == null ? "" : ": " + why)
                            + "); there is nothing left to decide");
        }
        return execution.progress();
    }

    /** The media type of an evidence pack rendered for reading. */
    static final String PDF = "application/pdf";

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{id}/evidence")
    @Produces({MediaType.APPLICATION_JSON, PDF, MediaType.TEXT_HTML})
    @Operation(
            summary = "The evidence pack of an execution: runbook version and sha256, who started and approved, each "
                    + "step before and after, RTO and RPO against the objectives, the Temporal run, a hash of the pack")
    @APIResponse(
            responseCode = "200",
            description = "the pack: JSON by default; PDF or HTML by format or Accept",
            content = {
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EvidencePack.class)),
                @Content(
                        mediaType = PDF,
                        schema =
                                @Schema(
                                        type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                                        format = "binary")),
                @Content(
                        mediaType = MediaType.TEXT_HTML,
                        schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING))
            })
    @APIResponse(
            responseCode = "400",
            description = "a format other than json, pdf or html",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "no such execution",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response evidence(
            @PathParam("id") String id,
            @Parameter(description = "json (default), pdf or html; without it, the Accept header chooses")
                    @QueryParam("format")
                    String format,
            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        String chosen = chosenFormat(format, accept);
        var execution = reader.read(id).orElseThrow(() -> notFound(id));
        var progress = execution.progress();
        Optional<Runbook> runbook = runbookOf(progress.runbook(), progress.runbookVersion());
        EvidencePack pack = EvidencePacks.of(
                ExecutionViews.execution(id, execution.status(), progress),
                ExecutionViews.report(
                        id,
                        execution.status(),
                        progress,
                        runbook.map(Runbook::objectives).orElse(Objectives.NONE)),
                execution.runId(),
                runbook,
                audit.of(id),
                Instant.now(),
                evidenceSigner.key(),
                json);
        return switch (chosen) {
            case "pdf" ->
                Response.ok(EvidenceDocuments.pdf(pack), PDF)
                        .header("Content-Disposition", "inline; filename=\"evidence-" + id + ".pdf\"")
                        .header("X-Baran-Pack-Sha256", pack.packSha256())
                        .build();
            case "html" ->
                Response.ok(EvidenceDocuments.html(pack), MediaType.TEXT_HTML + ";charset=utf-8")
                        .header("X-Baran-Pack-Sha256", pack.packSha256())
                        .build();
            default -> Response.ok(pack, MediaType.APPLICATION_JSON).build();
        };
    }

    private static String chosenFormat(String format, String accept) {
        if (format != null) {
            if (!java.util.List.of("json", "pdf", "html").contains(format)) {
                throw new ProblemException(
                        400,
                        "Unknown format",
                        "format \"" + format.replaceAll("[^A-Za-z0-9._-]", "?") + "\" is not json, pdf or html");
            }
            return format;
        }
        if (accept != null && accept.contains(PDF)) {
            return "pdf";
        }
        if (accept != null && accept.contains(MediaType.TEXT_HTML)) {
            return "html";
        }
        return "json";
    }

    private Optional<Runbook> runbookOf(String name, int version) {
        try {
            return catalog.version(name, version);
        } catch (RuntimeException e) {
            org.jboss.logging.Logger.getLogger(ExecutionResource.class)
                    .warnf(
                            "cannot read version %d of runbook %s (%s); the pack goes without its sha256",
                            version, name, e.getMessage());
            return Optional.empty();
        }
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(
                404, "Unknown execution", "no running or recorded execution with id \"" + id + "\"");
    }
}
