package io.baran.orchestrator.workflow;

import io.baran.runbook.Access;
import io.baran.security.Roles;
import io.baran.workflow.AbortRequest;
import io.baran.workflow.Actor;
import io.baran.workflow.Decision;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.DecisionResult;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.FailbackRequest;
import io.baran.workflow.FailbackResult;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.Verdict;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * What an execution waits for people to decide, what they decided and asked for, and the rules of who may: the
 * runbook's {@code spec.access}, the two-person rule and break-glass. Part of {@link RunbookWorkflowImpl}'s state,
 * so deterministic like it: no clock, randomness or I/O; the time of a decision is workflow time.
 *
 * <p>Before change {@value RunbookWorkflowImpl#DECISIONS_AS_UPDATES} decisions arrived as identity-less signals that
 * moved the counters {@link #approvals} and {@link #rejections}; executions started since ignore those signals.
 */
final class DecisionBook {

    private static final Logger LOG = Workflow.getLogger(RunbookWorkflowImpl.class);
    /** The group that may do anything, and approve alone with a reason (break-glass). */
    static final String ADMIN = "admin";
    /** Before {@code run} has read the version: a signal or update can arrive with the first workflow task. */
    private static final int VERSION_UNKNOWN = Workflow.DEFAULT_VERSION - 1;

    /** What a person can be asked to decide. */
    enum Gate {
        START,
        STEP,
        HELD,
        FAILBACK
    }

    /** One decision the execution waits for, and the approvals it has so far. */
    static final class Pending {
        final Gate gate;
        final String on;
        final String step;
        final int needed;
        final List<String> approvedBy = new ArrayList<>();
        Verdict verdict;
        /**
         * True once the question is withdrawn (what it asked about changed: the outage recovered, or came back); the
         * wait ends at the end of the workflow task, and a decision arriving after the change in that task is refused.
         * Null: never withdrawn.
         */
        java.util.function.Supplier<Boolean> withdrawn;

        Pending(Gate gate, String on, String step, int needed) {
            this.gate = gate;
            this.on = on;
            this.step = step;
            this.needed = needed;
        }

        String key() {
            return step != null ? "step:" + step : gate.name();
        }

        int stillNeeded() {
            return Math.max(0, needed - approvedBy.size());
        }
    }

    /** Which pending decision a decision counts for, and whether it is a break-glass approval. */
    private record Ruling(Pending pending, boolean breakGlass) {}

    private ExecutionRequest request;
    /** The version of change {@link RunbookWorkflowImpl#DECISIONS_AS_UPDATES}; 1 and above: decisions are Updates. */
    private int version = VERSION_UNKNOWN;
    /** What the execution waits for people to decide, by step (several steps of a parallel group can wait at once). */
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    private final List<Decision> decisions = new ArrayList<>();
    /** Answers already given, by the caller's request id, so a retried Update records nothing twice. */
    private final Map<String, DecisionResult> decided = new HashMap<>();

    private final Map<String, FailbackResult> failbacksAsked = new HashMap<>();

    private boolean live;

    /** Approvals and rejections counted by the signals of executions started before decisions were Updates. */
    int approvals;

    int rejections;
    boolean failbackRequested;
    String failbackRequestedBy;
    /** Identity-less signals that arrived before the version was known, in order. */
    private final List<EarlySignal> earlySignals = new ArrayList<>();

    private record EarlySignal(String name, String by) {}

    /** The execution has read its request and the version of its decisions; the rules can now be applied. */
    void start(ExecutionRequest request, int decisionsVersion, List<Decision> carried) {
        this.request = request;
        this.version = decisionsVersion;
        decisions.addAll(carried);
        // Signals that came before the version was known count only where signals are decisions (before the change).
        for (EarlySignal early : earlySignals) {
            if (!ignoredSignal(early.name(), early.by())) {
                count(early.name());
            }
        }
        earlySignals.clear();
    }

    /** True when decisions are Updates carrying the verified person (change {@code decisions-as-updates}). */
    boolean asUpdates() {
        return version >= 1;
    }

    List<Decision> decisions() {
        return decisions;
    }

    /** Waits for a decision on {@code on} from as many approvers as the execution needs. */
    Pending open(Gate gate, String on, String step) {
        Pending open = new Pending(gate, on, step, approvalsNeeded());
        pending.put(open.key(), open);
        return open;
    }

    void close(Pending decision) {
        pending.remove(decision.key());
    }

    /** Whether no decision is open, or decided and not closed yet. */
    boolean nothingPending() {
        return pending.isEmpty();
    }

    /** What the open decisions wait for, oldest first; null when none waits (steps of a parallel group may each). */
    String waitingFor() {
        List<Pending> open = open();
        return open.isEmpty() ? null : waitsFor(open);
    }

    /** How many more approvals the first open decision needs; 0 when none is open. */
    int approvalsStillNeeded() {
        return open().stream().mapToInt(Pending::stillNeeded).findFirst().orElse(0);
    }

    /** A person asked for failback; approvers turned it down: the next request starts afresh. */
    void forgetFailbackRequest() {
        failbackRequested = false;
        failbackRequestedBy = null;
    }

    /** A live failover needs the runbook's number of distinct approvers; a drill one, who may be its starter. */
    int approvalsNeeded() {
        return isLive() ? access().approvals() : 1;
    }

    // The identity-less signals: counted on executions started before decisions were Updates, ignored since.

    void approveSignal(String by) {
        signal("approve", by);
    }

    void rejectSignal(String by) {
        signal("reject", by);
    }

    void failbackSignal(String by) {
        signal("failback", by);
    }

    /**
     * An identity-less signal: counted on executions started before decisions were Updates, ignored since. One that
     * arrives before {@code run} has read the version (with the first workflow task) waits for it, so that it cannot
     * count on an execution that takes decisions only as Updates.
     */
    private void signal(String name, String by) {
        if (version == VERSION_UNKNOWN) {
            earlySignals.add(new EarlySignal(name, by));
        } else if (!ignoredSignal(name, by)) {
            count(name);
        }
    }

    private void count(String name) {
        switch (name) {
            case "approve" -> approvals++;
            case "reject" -> rejections++;
            default -> failbackRequested = true;
        }
    }

    private boolean ignoredSignal(String name, String by) {
        if (version < 1) {
            return false;
        }
        LOG.warn("execution " + request.executionId() + ": ignored signal " + name + " (by \"" + by
                + "\"): it carries no"
                + " verified identity; decisions are taken through the Updates decide and requestFailback");
        return true;
    }

    // The Update decide.

    void validateDecide(DecisionRequest decision, Phase phase) {
        if (decision != null && decision.requestId() != null && decided.containsKey(decision.requestId())) {
            // The same request sent again gets its first answer, but only for the person who sent it: a request id is
            // not a way to read (or take credit for) someone else's decision. Validator only, so replay is unchanged.
            requireSamePerson(
                    decision.requestId(), decided.get(decision.requestId()).by(), decision.by());
            return;
        }
        Pending open = rule(decision, phase).pending();
        // Validator only (replay never runs it): a decision that came after the change that withdrew the question, in
        // the same workflow task, decides nothing. Before, an approval there was taken (a failback approved as the
        // outage
        // came back, a failover approved as it recovered).
        if (open.withdrawn != null && Boolean.TRUE.equals(open.withdrawn.get())) {
            throw refused("execution " + request.executionId() + " no longer asks for " + open.on + ": the question was"
                    + " withdrawn (what it asked about changed: an outage recovered or came back, or a step of its"
                    + " parallel group failed); nothing was decided");
        }
    }

    private void requireSamePerson(String requestId, String first, io.baran.workflow.Actor by) {
        if (by == null || !java.util.Objects.equals(first, by.name())) {
            throw refused("request id " + requestId + " was used for another person's decision on execution "
                    + request.executionId() + "; send your own");
        }
    }

    DecisionResult decide(DecisionRequest decision, Phase phase) {
        if (decision.requestId() != null && decided.containsKey(decision.requestId())) {
            return decided.get(decision.requestId());
        }
        Ruling ruling = rule(decision, phase);
        Pending open = ruling.pending();
        String by = decision.by().name();
        String reason = blank(decision.reason()) ? null : decision.reason().strip();
        decisions.add(new Decision(
                open.on, open.step, decision.verdict(), by, Workflow.currentTimeMillis(), ruling.breakGlass(), reason));
        if (decision.verdict() == Verdict.REJECT) {
            open.verdict = Verdict.REJECT;
        } else {
            open.approvedBy.add(by);
            if (ruling.breakGlass() || open.stillNeeded() == 0) {
                open.verdict = Verdict.APPROVE;
            }
        }
        if (open.verdict != null && version < 1) {
            // An execution started before decisions were Updates waits on the counters its signals moved.
            if (open.verdict == Verdict.APPROVE) {
                approvals++;
            } else {
                rejections++;
            }
        }
        DecisionResult.Outcome outcome = open.verdict == null
                ? DecisionResult.Outcome.PENDING
                : open.verdict == Verdict.APPROVE ? DecisionResult.Outcome.APPROVED : DecisionResult.Outcome.REJECTED;
        DecisionResult result = new DecisionResult(
                outcome,
                open.on,
                open.step,
                by,
                open.approvedBy.size(),
                open.needed,
                open.approvedBy,
                ruling.breakGlass());
        if (decision.requestId() != null) {
            decided.put(decision.requestId(), result);
        }
        if (ruling.breakGlass()) {
            LOG.warn("execution " + request.executionId() + ": BREAK-GLASS approval of " + open.on + " by admin " + by
                    + ": " + reason);
        } else {
            LOG.info("execution " + request.executionId() + ": "
                    + decision.verdict().name().toLowerCase() + " of " + open.on + " by " + by + " ("
                    + open.approvedBy.size() + " of " + open.needed + " approvals)");
        }
        return result;
    }

    /** The rules of {@link #decide}; throws what the caller sees as a refused Update. Changes nothing. */
    private Ruling rule(DecisionRequest decision, Phase phase) {
        if (decision == null || decision.verdict() == null) {
            throw refused("a decision needs a verdict: APPROVE or REJECT");
        }
        if (request == null) {
            throw refused("the execution has not started yet; try again in a moment");
        }
        Actor by = requirePerson(decision.by(), "decide");
        Pending open = pendingFor(decision.step(), phase);
        // A failed step that holds is a HELD gate too, but of a step: not the execution's own gate.
        if (decision.gateOnly() && (open.step != null || (open.gate != Gate.START && open.gate != Gate.HELD))) {
            throw refused("execution " + request.executionId() + " waits for " + open.on
                    + ", not at its start or the blast-radius guard's hold; decide it on the execution itself");
        }
        boolean admin = by.hasGroup(ADMIN);
        if (!admin && !access().mayApprove(by.groups())) {
            throw refused(by.name() + " may not decide on executions of runbook "
                    + request.runbook().name() + ": only members of its access.approve groups " + access().approve()
                    + " or " + ADMIN + " may");
        }
        if (decision.verdict() == Verdict.REJECT) {
            // Rejecting never moves traffic: anyone who may decide may reject, the starter too.
            return new Ruling(open, false);
        }
        String objection = objectionToApproval(open, by);
        boolean withReason = !blank(decision.reason());
        if (objection == null) {
            boolean settles = open.approvedBy.size() + 1 >= open.needed;
            return new Ruling(open, admin && withReason && !settles);
        }
        if (!admin) {
            throw refused(objection);
        }
        if (!withReason) {
            throw refused(objection + "; an " + ADMIN + " may approve alone (break-glass) only with a reason");
        }
        return new Ruling(open, true);
    }

    /** Why {@code by} may not add an approval to {@code open} under the normal rules; null when they may. */
    private String objectionToApproval(Pending open, Actor by) {
        String what = open.on;
        if (open.approvedBy.contains(by.name())) {
            return by.name() + " already approved " + what + "; it needs " + open.stillNeeded()
                    + " more approval(s) from other approvers";
        }
        if (!isLive()) {
            return null;
        }
        Actor starter = request.startedBy();
        if (starter != null && !starter.isSystem() && by.name().equals(starter.name())) {
            return "two-person rule: " + by.name() + " started this failover and cannot approve it (" + what
                    + "); another approver must (rejecting is allowed)";
        }
        if (open.gate == Gate.FAILBACK && by.name().equals(failbackRequestedBy)) {
            return "two-person rule: " + by.name() + " asked for this failback and cannot approve it; another approver"
                    + " must (rejecting is allowed)";
        }
        return null;
    }

    private Pending pendingFor(String step, Phase phase) {
        List<Pending> open = open();
        if (open.isEmpty()) {
            throw refused(
                    "execution " + request.executionId() + " is not waiting for a decision (phase " + phase + ")");
        }
        if (step != null) {
            return open.stream()
                    .filter(p -> step.equals(p.step))
                    .findFirst()
                    .orElseThrow(() -> refused("execution " + request.executionId()
                            + " is not waiting for a decision on step " + step + "; it waits for " + waitsFor(open)));
        }
        if (open.size() > 1) {
            throw refused("execution " + request.executionId() + " waits for several decisions (" + waitsFor(open)
                    + "); name the step the decision is for");
        }
        return open.get(0);
    }

    private List<Pending> open() {
        return pending.values().stream().filter(p -> p.verdict == null).toList();
    }

    private static String waitsFor(List<Pending> open) {
        return String.join(", ", open.stream().map(p -> p.on).toList());
    }

    // The Update requestFailback.

    void validateRequestFailback(FailbackRequest failback, Phase phase) {
        if (failback != null && failback.requestId() != null && failbacksAsked.containsKey(failback.requestId())) {
            requireSamePerson(
                    failback.requestId(),
                    failbacksAsked.get(failback.requestId()).by(),
                    failback.by());
            return;
        }
        checkFailback(failback, phase);
    }

    FailbackResult requestFailback(FailbackRequest failback, Phase phase) {
        if (failback.requestId() != null && failbacksAsked.containsKey(failback.requestId())) {
            return failbacksAsked.get(failback.requestId());
        }
        checkFailback(failback, phase);
        failbackRequested = true;
        failbackRequestedBy = failback.by().name();
        boolean approval =
                version >= 1 && "required".equals(request.runbook().failback().approval());
        FailbackResult result = new FailbackResult(
                approval ? FailbackResult.Next.AWAITING_APPROVAL : FailbackResult.Next.FAILING_BACK,
                failbackRequestedBy,
                approval ? approvalsNeeded() : 0);
        if (failback.requestId() != null) {
            failbacksAsked.put(failback.requestId(), result);
        }
        LOG.info("execution " + request.executionId() + ": failback asked for by " + failbackRequestedBy
                + (blank(failback.reason()) ? "" : " (" + failback.reason().strip() + ")")
                + (approval ? "; it waits for failback approval" : ""));
        return result;
    }

    /** The rules of {@link #requestFailback}; throws what the caller sees as a refused Update. Changes nothing. */
    private void checkFailback(FailbackRequest failback, Phase phase) {
        if (failback == null) {
            throw refused("a failback request needs the person asking");
        }
        if (request == null) {
            throw refused("the execution has not started yet; try again in a moment");
        }
        Actor by = requirePerson(failback.by(), "ask for failback");
        String id = request.executionId();
        if (!by.hasGroup(ADMIN) && !access().mayFailover(by.groups())) {
            throw refused(by.name() + " may not ask executions of runbook "
                    + request.runbook().name() + " to fail back:" + " only members of its access.failover groups "
                    + access().failover() + " or " + ADMIN + " may");
        }
        if (!isLive()) {
            throw refused("execution " + id + " is a " + request.mode().name().toLowerCase()
                    + "; it fails back by itself" + " after its hold (abort it to undo everything now)");
        }
        for (Pending p : open()) {
            if (p.gate == Gate.FAILBACK) {
                throw refused("execution " + id + " already waits for approval to fail back: approvers approve or"
                        + " reject it");
            }
            throw refused("execution " + id + " waits for " + p.on + "; a failback request is not an approval:"
                    + " approve or reject it, or abort the execution to undo what it changed");
        }
        if (failbackRequested) {
            throw refused("failback of execution " + id + " was already asked for"
                    + (failbackRequestedBy == null ? "" : " by " + failbackRequestedBy));
        }
        if (phase != Phase.FAILED_OVER && phase != Phase.AWAITING_STABILITY) {
            throw refused("execution " + id + " is " + phase + "; failback can be asked for only once it is failed over"
                    + " (abort it to undo what it changed)");
        }
    }

    /**
     * The phases of a live failover whose undoing is its failback, not an abort: what it changed is in place and meant
     * to stay until the runbook's failback rules (recovery, stability) and approvers let it go back.
     */
    static final java.util.Set<Phase> FAILED_OVER =
            java.util.EnumSet.of(Phase.FAILED_OVER, Phase.AWAITING_STABILITY, Phase.AWAITING_FAILBACK_APPROVAL);

    /** The phases an execution ends in: nothing is left to abort. */
    private static final java.util.Set<Phase> ENDED =
            java.util.EnumSet.of(Phase.DONE, Phase.COMPENSATED, Phase.FAILED, Phase.REJECTED, Phase.PLANNED);

    /**
     * The rules of the Update {@code abort} (see {@link io.baran.workflow.RunbookWorkflow#abort}); throws what the
     * caller sees as a refused Update, of type {@link AbortRequest#REFUSED_NOW} when it is refused because of where
     * the execution stands. Changes nothing.
     *
     * @param abortedBy the person whose abort was taken already, null when none was; {@code aborting}: an abort (or a
     *                  cancellation in Temporal) was taken already; {@code failingBack}: its failback has begun (and no
     *                  outage turned it round since), which puts back what it changed whatever an abort says
     */
    void checkAbort(AbortRequest abort, Phase phase, boolean aborting, Actor abortedBy, boolean failingBack) {
        if (abort == null) {
            throw refused("an abort needs the person aborting");
        }
        if (request == null) {
            throw refusedNow("the execution has not started yet; try again in a moment");
        }
        Actor by = requirePerson(abort.by(), "abort an execution");
        String id = request.executionId();
        if (ENDED.contains(phase)) {
            throw refusedNow("execution " + id + " has finished (" + phase + "): there is nothing left to abort");
        }
        if (aborting) {
            throw refusedNow("execution " + id + " is being aborted already"
                    + (abortedBy == null ? "" : " (by " + abortedBy.name() + ")") + ": it is undoing what it changed");
        }
        if (failingBack) {
            throw refusedNow("execution " + id + " is failing back (" + phase + "): its failback puts back what it"
                    + " changed, and an abort would not interrupt it; there is nothing to abort");
        }
        boolean admin = by.hasGroup(ADMIN);
        if (!isLive()) {
            if (!admin && !(by.hasGroup(Roles.DRILL_OPERATOR) && access().mayDrill(by.groups()))) {
                throw refused(by.name() + " may not abort execution " + id + ", a drill of runbook "
                        + request.runbook().name() + ": only a " + Roles.DRILL_OPERATOR + " in one of its access.drill"
                        + " groups " + access().drill() + ", or an " + ADMIN + ", may; the groups of " + by.name()
                        + " are " + by.groups());
            }
            return;
        }
        String what =
                request.mode() == Mode.FAILOVER ? "a live failover" : "a drill a real outage made a live failover";
        if (!admin && !(by.hasGroup(Roles.FAILOVER_OPERATOR) && access().mayFailover(by.groups()))) {
            throw refused(by.name() + " may not abort execution " + id + ", " + what + " of runbook "
                    + request.runbook().name() + ": only a " + Roles.FAILOVER_OPERATOR + " in one of its"
                    + " access.failover groups " + access().failover() + ", or an " + ADMIN + ", may; the groups of "
                    + by.name() + " are " + by.groups());
        }
        if (FAILED_OVER.contains(phase)) {
            throw refusedNow("execution " + id + " is a live failover and is " + phase + ": aborting it would move"
                    + " traffic back at once, without its failback's rules and approvers; ask for its failback"
                    + " instead: POST /api/executions/" + id + "/failback");
        }
    }

    /**
     * A drill that a real outage turned round (change {@code failback-turns-round}) or joined while it held (change
     * {@code drill-joined-goes-live}) is a live failover since: the runbook's number of approvers, the two-person rule,
     * and failback when a person asks.
     */
    void goLive() {
        live = true;
    }

    /** Whether a drill went live ({@link #goLive}); false for a failover, which is live from its start. */
    boolean wentLive() {
        return live && request != null && request.mode() != Mode.FAILOVER;
    }

    private boolean isLive() {
        return live || request.mode() == Mode.FAILOVER;
    }

    private Access access() {
        return request.runbook().access();
    }

    private static Actor requirePerson(Actor by, String what) {
        if (by == null || blank(by.name())) {
            throw refused("only a verified person may " + what + "; the request names nobody");
        }
        if (by.isSystem()) {
            throw refused("only a person may " + what + "; " + by.name() + " (event " + by.eventId() + ") is not one");
        }
        return by;
    }

    private static IllegalArgumentException refused(String message) {
        return new IllegalArgumentException(message);
    }

    /** A refusal because of where the execution stands, not of who asks: the REST API answers 409. */
    private static AbortRequest.RefusedNow refusedNow(String message) {
        return new AbortRequest.RefusedNow(message);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
