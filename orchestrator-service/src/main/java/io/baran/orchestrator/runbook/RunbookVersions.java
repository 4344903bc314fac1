package io.baran.orchestrator.runbook;

import io.baran.workflow.Phase;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runbook versions in PostgreSQL. Every accepted change is a new immutable version (number, sha256 of the
 * text, author, time); the same text again is no new version. Versions of one runbook are numbered under a
 * per-name lock, so two orchestrators saving at once still count 1, 2, 3. Also records which version each
 * execution ran.
 */
@ApplicationScoped
public class RunbookVersions {

    private static final Logger LOG = Logger.getLogger(RunbookVersions.class);

    /** One stored version. */
    public record Version(
            String name, int number, String sha256, String author, String source, Instant createdAt, String content) {
        static Version of(RunbookVersionEntity e) {
            return new Version(e.runbookName, e.number, e.sha256.trim(), e.author, e.source, e.createdAt, e.content);
        }
    }

    /** What saving did. */
    public enum Outcome {
        /** The runbook did not exist (or was deleted): this is its first version (since). */
        CREATED,
        /** A new version of an existing runbook. */
        NEW_VERSION,
        /** The text is the latest version's: nothing stored. */
        UNCHANGED
    }

    public record Saved(Version version, Outcome outcome) {}

    /** An execution and the version it ran. */
    @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "RunbookExecution")
    public record Execution(String executionId, String runbook, int version, Instant startedAt, Instant finishedAt) {
        static Execution of(RunbookExecutionEntity e) {
            return new Execution(e.executionId, e.runbookName, e.runbookVersion, e.startedAt, e.finishedAt);
        }
    }

    /** Stores the text as the runbook's next version, unless it is the latest already. */
    @Transactional
    public Saved save(String name, String sha256, String content, String author, String source) {
        lock(name);
        RunbookEntity runbook = RunbookEntity.findById(name);
        if (runbook == null) {
            runbook = new RunbookEntity();
            runbook.name = name;
            runbook.createdAt = now();
            runbook.latestVersion = 0;
            runbook.persist();
        } else if (runbook.deletedAt == null) {
            RunbookVersionEntity latest = find(name, runbook.latestVersion);
            if (latest != null && latest.sha256.trim().equals(sha256)) {
                return new Saved(Version.of(latest), Outcome.UNCHANGED);
            }
        }
        boolean fresh = runbook.latestVersion == 0 || runbook.deletedAt != null;
        RunbookVersionEntity version = new RunbookVersionEntity();
        version.runbookName = name;
        version.number = runbook.latestVersion + 1;
        version.sha256 = sha256;
        version.content = content;
        version.author = author;
        version.source = source;
        version.createdAt = now();
        version.persist();
        runbook.latestVersion = version.number;
        runbook.deletedAt = null;
        return new Saved(Version.of(version), fresh ? Outcome.CREATED : Outcome.NEW_VERSION);
    }

    /**
     * A runbook file read at start: a new version only when the file changed since it was last stored. So an
     * unchanged file adds nothing on a restart, does not undo versions saved over the API since, and does not
     * bring back a runbook deleted over the API.
     */
    @Transactional
    public Saved importFile(String name, String sha256, String content, String source) {
        lock(name);
        RunbookVersionEntity lastFromFile = RunbookVersionEntity.<RunbookVersionEntity>find(
                        "runbookName = ?1 and source = ?2 order by number desc", name, source)
                .firstResult();
        if (lastFromFile != null && lastFromFile.sha256.trim().equals(sha256)) {
            return new Saved(Version.of(lastFromFile), Outcome.UNCHANGED);
        }
        return save(name, sha256, content, "file", source);
    }

    /** The latest version of a runbook that is not deleted. */
    @Transactional
    public Optional<Version> latest(String name) {
        RunbookEntity runbook = RunbookEntity.findById(name);
        if (runbook == null || runbook.deletedAt != null) {
            return Optional.empty();
        }
        return Optional.ofNullable(find(name, runbook.latestVersion)).map(Version::of);
    }

    /** A version of a runbook that is not deleted. */
    @Transactional
    public Optional<Version> version(String name, int number) {
        if (!exists(name)) {
            return Optional.empty();
        }
        return Optional.ofNullable(find(name, number)).map(Version::of);
    }

    /** Every version of a runbook that is not deleted, oldest first; empty when there is no such runbook. */
    @Transactional
    public List<Version> versions(String name) {
        if (!exists(name)) {
            return List.of();
        }
        return RunbookVersionEntity.<RunbookVersionEntity>list("runbookName = ?1 order by number", name).stream()
                .map(Version::of)
                .toList();
    }

    /** The latest version of every runbook that is not deleted, by name. */
    @Transactional
    public List<Version> latestOfAll() {
        return Panache.getEntityManager()
                .createQuery(
                        "select v from RunbookVersionEntity v, RunbookEntity r "
                                + "where v.runbookName = r.name and v.number = r.latestVersion and r.deletedAt is null order by r.name",
                        RunbookVersionEntity.class)
                .getResultList()
                .stream()
                .map(Version::of)
                .toList();
    }

    @Transactional
    public boolean exists(String name) {
        RunbookEntity runbook = RunbookEntity.findById(name);
        return runbook != null && runbook.deletedAt == null;
    }

    /** Stops serving the runbook; its versions and executions stay. */
    @Transactional
    public boolean delete(String name) {
        return delete(name, List::of);
    }

    /**
     * Stops serving the runbook unless {@code running} names executions of it. Asked under the runbook's lock, the
     * lock {@link #claimDispatch} takes: an outage dispatching the runbook either claimed its execution before (and
     * {@code running} sees the claim), or finds the runbook deleted and starts nothing.
     *
     * @throws RunbookBusyException naming the running executions; nothing is deleted then
     */
    @Transactional
    public boolean delete(String name, Supplier<List<String>> running) {
        lock(name);
        RunbookEntity runbook = RunbookEntity.findById(name);
        if (runbook == null || runbook.deletedAt != null) {
            return false;
        }
        List<String> busy = running.get();
        if (!busy.isEmpty()) {
            throw new RunbookBusyException(name, busy);
        }
        runbook.deletedAt = now();
        return true;
    }

    /** What {@link #claimDispatch} found. */
    public enum Claim {
        /** The execution is recorded as starting: deleting the runbook is refused until it finished. */
        CLAIMED,
        /** The runbook was deleted since it was read: start nothing. */
        DELETED,
        /** A newer version was saved since it was read: read it again. */
        CHANGED,
        /** Another execution acts on the runbook's service: nothing is recorded, and the outage joins that one. */
        BUSY
    }

    /**
     * A claim released without its execution ever running (its start failed past the retries, or the outage joined
     * another execution), claimed again by a retried or redelivered dispatch: unfinished again, claimed now, for the
     * version about to start. Else the execution it starts would count as finished: deleting its runbook would not be
     * refused, and the gauges and busy checks would not see it. An execution that ran (it has transitions) keeps its
     * record: a redelivery finds it started already.
     */
    private static void reclaim(RunbookExecutionEntity released, int version, Instant now) {
        released.runbookVersion = version;
        released.startedAt = now;
        released.finishedAt = null;
    }

    /** The phases an execution ends in, as the journal stores them. */
    private static final List<String> ENDED_PHASES = java.util.stream.Stream.of(
                    Phase.PLANNED, Phase.REJECTED, Phase.DONE, Phase.COMPENSATED, Phase.FAILED)
            .map(Phase::value)
            .toList();

    /** Those of these executions whose latest transition in the journal ({@code execution_event}) ends them. */
    private static Set<String> endedByJournal(Collection<String> executionIds) {
        if (executionIds.isEmpty()) {
            return Set.of();
        }
        @SuppressWarnings("unchecked")
        List<String> ended = Panache.getEntityManager()
                .createNativeQuery("select latest.execution_id from (select distinct on (execution_id) execution_id, "
                        + "phase from execution_event where execution_id in (:ids) order by execution_id, seq desc) "
                        + "latest where latest.phase in (:ended)")
                .setParameter("ids", executionIds)
                .setParameter("ended", ENDED_PHASES)
                .getResultList();
        return new HashSet<>(ended);
    }

    /** Those of these executions that ran: the journal stored a transition of theirs ({@code execution_event}). */
    private static Set<String> ran(Collection<String> executionIds) {
        if (executionIds.isEmpty()) {
            return Set.of();
        }
        @SuppressWarnings("unchecked")
        List<String> ran = Panache.getEntityManager()
                .createNativeQuery("select distinct execution_id from execution_event where execution_id in (:ids)")
                .setParameter("ids", executionIds)
                .getResultList();
        return new HashSet<>(ran);
    }

    /**
     * One execution an outage is about to start, for {@link #claimDispatch(List, int, Map, Handling)}.
     *
     * @param service the service its runbook protects
     */
    public record Wanted(String executionId, String runbookName, int version, String service) {}

    /** Which execution acts on a protected service, asked by a dispatch's claim under the service's lock. */
    @FunctionalInterface
    public interface Handling {
        /**
         * @param recorded the executions recorded (or claimed) for the service's runbooks and not known to be finished,
         *                 oldest first: those of the claim itself and plans included
         * @return the execution acting on the service that the claim's executions join, if any; none when it is one
         *         of the claim's own (started by an earlier delivery of the same outage)
         */
        Optional<String> of(String service, List<Execution> recorded);
    }

    /**
     * What {@link #claimDispatch(List, int, Map, Handling)} found.
     *
     * @param claims   by execution id
     * @param handling by service, the execution that acts on each service found busy ({@link Claim#BUSY})
     */
    public record Claims(Map<String, Claim> claims, Map<String, String> handling) {}

    /**
     * Claims the starts of executions an outage is dispatching: records each as unfinished before it exists in
     * Temporal, so a delete arriving between the outage event and the start is refused ({@link RunningExecutions}
     * counts a fresh claim as running), a save or delete that came first is seen ({@link Claim#CHANGED},
     * {@link Claim#DELETED}), and a claim released before its execution ran is claimed anew ({@link #reclaim}); and,
     * for each of their services, whether it is busy, under the lock {@link #underStartLock} takes for the service: {@code batch} runbooks per
     * transaction (the runbooks of one service in the same one), the services' locks and then the runbooks' taken in
     * name order (as a start by hand takes them: two orchestrators dispatching overlapping outages, or a dispatch and a
     * start by hand, cannot deadlock), the runbooks, existing claims and the services' recorded executions read with
     * one query each. A service {@code handling} names an execution for is busy: its executions are not recorded
     * ({@link Claim#BUSY}), and a later claim or start by hand of the service finds the execution that acts on it, a
     * claim included, since each decides under the service's lock after this one committed.
     *
     * @param runbooksOf by service, the runbooks protecting it (those wanted need not be named)
     * @return what each claim found, and which execution acts on each busy service
     * @throws RuntimeException when the database cannot be written; claims of earlier batches stay (they are
     *                          released as any claim: by the start's outcome, or after {@link RunningExecutions#STARTING_GRACE})
     */
    public Claims claimDispatch(
            List<Wanted> wanted, int batch, Map<String, ? extends Collection<String>> runbooksOf, Handling handling) {
        Map<String, List<Wanted>> byService = new java.util.TreeMap<>();
        wanted.stream()
                .sorted(java.util.Comparator.comparing(Wanted::runbookName))
                .forEach(w -> byService
                        .computeIfAbsent(w.service(), s -> new java.util.ArrayList<>())
                        .add(w));
        List<List<Wanted>> chunks = new java.util.ArrayList<>();
        List<Wanted> chunk = new java.util.ArrayList<>();
        for (List<Wanted> ofService : byService.values()) {
            if (!chunk.isEmpty() && chunk.size() + ofService.size() > Math.max(1, batch)) {
                chunks.add(chunk);
                chunk = new java.util.ArrayList<>();
            }
            chunk.addAll(ofService);
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        Map<String, Claim> claims = new LinkedHashMap<>();
        Map<String, String> busy = new LinkedHashMap<>();
        for (List<Wanted> part : chunks) {
            Claims claimed = QuarkusTransaction.requiringNew().call(() -> claimChunk(part, runbooksOf, handling));
            claims.putAll(claimed.claims());
            busy.putAll(claimed.handling());
        }
        return new Claims(claims, busy);
    }

    private static Claims claimChunk(
            List<Wanted> chunk, Map<String, ? extends Collection<String>> runbooksOf, Handling handling) {
        List<String> services =
                chunk.stream().map(Wanted::service).distinct().sorted().toList();
        List<String> names =
                chunk.stream().map(Wanted::runbookName).distinct().sorted().toList();
        var em = Panache.getEntityManager();
        // The services' locks first, then the runbooks', each in name order: the order underStartLock takes them in.
        List<String> locks = new java.util.ArrayList<>();
        services.forEach(s -> locks.add(serviceLock(s)));
        locks.addAll(names);
        lockAll(locks);
        Map<String, RunbookEntity> runbooks = new HashMap<>();
        em.createQuery("select r from RunbookEntity r where r.name in :names", RunbookEntity.class)
                .setParameter("names", names)
                .getResultList()
                .forEach(r -> runbooks.put(r.name, r));
        Map<String, RunbookExecutionEntity> claimed = new HashMap<>();
        em.createQuery(
                        "select e from RunbookExecutionEntity e where e.executionId in :ids",
                        RunbookExecutionEntity.class)
                .setParameter("ids", chunk.stream().map(Wanted::executionId).toList())
                .getResultList()
                .forEach(e -> claimed.put(e.executionId, e));
        Set<String> ran = ran(claimed.values().stream()
                .filter(e -> e.finishedAt != null)
                .map(e -> e.executionId)
                .toList());
        // Every runbook of each service, and what is recorded for them and not finished.
        Map<String, String> serviceOf = new HashMap<>();
        for (String service : services) {
            Collection<String> protecting = runbooksOf.get(service);
            if (protecting != null) {
                protecting.forEach(name -> serviceOf.put(name, service));
            }
        }
        chunk.forEach(w -> serviceOf.put(w.runbookName(), w.service()));
        Map<String, List<Execution>> recorded = new HashMap<>();
        em.createQuery(
                        "select e from RunbookExecutionEntity e where e.runbookName in :names and e.finishedAt is null "
                                + "order by e.startedAt, e.executionId",
                        RunbookExecutionEntity.class)
                .setParameter("names", List.copyOf(serviceOf.keySet()))
                .getResultList()
                .forEach(e -> recorded.computeIfAbsent(serviceOf.get(e.runbookName), s -> new java.util.ArrayList<>())
                        .add(Execution.of(e)));
        // Those whose journal shows them ended are marked so here, without asking Temporal under the locks: after a
        // mass failover every service has one.
        Set<String> ended = endedByJournal(recorded.values().stream()
                .flatMap(List::stream)
                .map(Execution::executionId)
                .toList());
        if (!ended.isEmpty()) {
            em.createQuery("update RunbookExecutionEntity e set e.finishedAt = :now where e.executionId in :ids "
                            + "and e.finishedAt is null")
                    .setParameter("now", now())
                    .setParameter("ids", ended)
                    .executeUpdate();
            recorded.values().forEach(list -> list.removeIf(e -> ended.contains(e.executionId())));
        }
        Map<String, String> busy = new LinkedHashMap<>();
        for (String service : services) {
            handling.of(service, recorded.getOrDefault(service, List.of())).ifPresent(id -> busy.put(service, id));
        }
        Map<String, Claim> out = new LinkedHashMap<>();
        Instant now = now();
        for (Wanted w : chunk) {
            RunbookEntity runbook = runbooks.get(w.runbookName());
            if (runbook == null || runbook.deletedAt != null) {
                out.put(w.executionId(), Claim.DELETED);
            } else if (runbook.latestVersion != w.version()) {
                out.put(w.executionId(), Claim.CHANGED);
            } else if (busy.containsKey(w.service())) {
                out.put(w.executionId(), Claim.BUSY);
            } else {
                RunbookExecutionEntity existing = claimed.get(w.executionId());
                if (existing == null) {
                    RunbookExecutionEntity execution = new RunbookExecutionEntity();
                    execution.executionId = w.executionId();
                    execution.runbookName = w.runbookName();
                    execution.runbookVersion = w.version();
                    execution.startedAt = now;
                    em.persist(execution);
                    claimed.put(execution.executionId, execution);
                } else if (existing.finishedAt != null && !ran.contains(w.executionId())) {
                    reclaim(existing, w.version(), now);
                }
                out.put(w.executionId(), Claim.CLAIMED);
            }
        }
        return new Claims(out, busy);
    }

    /** Takes the locks of these names in their order, in one statement. */
    private static void lockAll(List<String> names) {
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= names.size(); i++) {
            values.append(i > 1 ? ", " : "").append("(cast(?").append(i).append(" as text))");
        }
        var lock = Panache.getEntityManager()
                .createNativeQuery(
                        "select cast(count(*) as text) from (select pg_advisory_xact_lock(hashtext(n)) from (values "
                                + values + ") as v(n)) as locked");
        for (int i = 0; i < names.size(); i++) {
            lock.setParameter(i + 1, names.get(i));
        }
        lock.getSingleResult();
    }

    /** {@link #finished(String)} of many, in one transaction. */
    public void finished(Collection<String> executionIds) {
        if (executionIds.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew()
                .run(() -> Panache.getEntityManager()
                        .createQuery("update RunbookExecutionEntity e "
                                + "set e.finishedAt = :now where e.executionId in :ids and e.finishedAt is null")
                        .setParameter("now", now())
                        .setParameter("ids", executionIds)
                        .executeUpdate());
    }

    /**
     * Records when the outage these executions answer began (as the detectors saw it): the start of the detection
     * time in their runbook's history. A failover never waits on it: a failure is logged, not thrown.
     */
    public void outageBegan(Collection<String> executionIds, Instant since) {
        if (executionIds.isEmpty() || since == null) {
            return;
        }
        try {
            QuarkusTransaction.requiringNew()
                    .run(() -> Panache.getEntityManager()
                            .createQuery("update RunbookExecutionEntity e set e.outageSince = :since"
                                    + " where e.executionId in :ids and e.outageSince is null")
                            .setParameter("since", since)
                            .setParameter("ids", executionIds)
                            .executeUpdate());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "could not record when the outage of executions %s began (%s); their detection time is not in the"
                            + " history",
                    executionIds, e.getMessage());
        }
    }

    /** When the outage each of these executions answers began, for those an outage started and that recorded it. */
    @Transactional
    public Map<String, Instant> outageStarts(Collection<String> executionIds) {
        if (executionIds.isEmpty()) {
            return Map.of();
        }
        Map<String, Instant> out = new LinkedHashMap<>();
        RunbookExecutionEntity.<RunbookExecutionEntity>list(
                        "executionId in ?1 and outageSince is not null", List.copyOf(executionIds))
                .forEach(e -> out.put(e.executionId, e.outageSince));
        return out;
    }

    /**
     * Records that an execution runs this version of the runbook. A failover must never wait on this record, so
     * a failure is logged, not thrown: the version also travels in the execution's own input.
     *
     * @return true when the record is stored (or was already)
     */
    public boolean recordExecution(String executionId, String runbookName, int version) {
        if (version <= 0) {
            LOG.warnf(
                    "execution %s of runbook %s runs a version that is not stored; not recorded",
                    executionId, runbookName);
            return false;
        }
        try {
            // Joining a start's lock transaction (underStartLock): on its connection, committed with it before the
            // locks go; a start that asked for a second connection while the pool's are held by starts waiting for
            // the lock would wait for one that never frees.
            return QuarkusTransaction.joiningExisting().call(() -> {
                if (RunbookExecutionEntity.findById(executionId) != null) {
                    return true;
                }
                RunbookExecutionEntity execution = new RunbookExecutionEntity();
                execution.executionId = executionId;
                execution.runbookName = runbookName;
                execution.runbookVersion = version;
                execution.startedAt = now();
                execution.persist();
                return true;
            });
        } catch (RuntimeException e) {
            LOG.errorf(
                    "could not record that execution %s runs version %d of runbook %s: %s",
                    executionId, version, runbookName, e.getMessage());
            return false;
        }
    }

    /** The executions of a runbook, newest first. */
    @Transactional
    public List<Execution> executions(String name) {
        return RunbookExecutionEntity.<RunbookExecutionEntity>list("runbookName = ?1 order by startedAt desc", name)
                .stream()
                .map(Execution::of)
                .toList();
    }

    /** The executions of a runbook not yet known to be finished. */
    @Transactional
    public List<String> unfinished(String name) {
        return unfinishedExecutions(name).stream().map(Execution::executionId).toList();
    }

    /** The executions of a runbook not yet known to be finished, with when each was recorded (or claimed). */
    @Transactional
    public List<Execution> unfinishedExecutions(String name) {
        return RunbookExecutionEntity.<RunbookExecutionEntity>list("runbookName = ?1 and finishedAt is null", name)
                .stream()
                .map(Execution::of)
                .toList();
    }

    /**
     * Those of these executions recorded (or claimed by a dispatch) and not known to be finished: also those Temporal
     * does not know yet, which another orchestrator is starting at this moment.
     */
    @Transactional
    public List<Execution> unfinishedAmong(Collection<String> executionIds) {
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(executionIds));
        List<Execution> out = new java.util.ArrayList<>();
        for (int from = 0; from < ids.size(); from += 1000) {
            RunbookExecutionEntity.<RunbookExecutionEntity>list(
                            "executionId in ?1 and finishedAt is null order by startedAt, executionId",
                            ids.subList(from, Math.min(ids.size(), from + 1000)))
                    .forEach(e -> out.add(Execution.of(e)));
        }
        return out;
    }

    /** Marks the execution finished, or a claim released (the outage joined another execution, or it did not start). */
    @Transactional
    public void finished(String executionId) {
        RunbookExecutionEntity execution = RunbookExecutionEntity.findById(executionId);
        if (execution != null && execution.finishedAt == null) {
            execution.finishedAt = now();
        }
    }

    private static RunbookVersionEntity find(String name, int number) {
        return RunbookVersionEntity.<RunbookVersionEntity>find("runbookName = ?1 and number = ?2", name, number)
                .firstResult();
    }

    /** Serialises saves of one runbook across orchestrators until the transaction ends. */
    private static void lock(String name) {
        Panache.getEntityManager()
                .createNativeQuery("select cast(pg_advisory_xact_lock(hashtext(:name)) as text)")
                .setParameter("name", name)
                .getSingleResult();
    }

    /** The name of a protected service's lock: runbook names have no spaces, so it is never a runbook's. */
    private static String serviceLock(String service) {
        return "service " + service;
    }

    /** The runbook was deleted before an execution of it could start; nothing was started. */
    public static final class Deleted extends RuntimeException {
        Deleted(String runbook) {
            super("runbook " + runbook + " was deleted; nothing was started");
        }
    }

    /** The database could not be asked for a start's lock; nothing was started yet. */
    public static final class LockUnavailable extends RuntimeException {
        LockUnavailable(RuntimeException cause) {
            super("the start lock could not be taken: " + cause.getMessage(), cause);
        }
    }

    /**
     * Runs a start by hand (or a drill the orchestrator starts itself) under two locks of every orchestrator,
     * released when it returns: the protected service's, so two starts for one service run one after the other and
     * the later one finds the earlier execution (recorded before the locks go); and the runbook's, the lock a delete
     * takes, so a delete either came first (nothing starts: {@link Deleted}) or finds the execution.
     *
     * @throws LockUnavailable when the database cannot be asked; the caller decides whether to start anyway
     */
    public <T> T underStartLock(String service, String runbook, Supplier<T> start) {
        boolean[] locked = {false};
        List<T> started = new java.util.ArrayList<>(1);
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                lock(serviceLock(service));
                lock(runbook);
                RunbookEntity entity = RunbookEntity.findById(runbook);
                locked[0] = true;
                if (entity == null || entity.deletedAt != null) {
                    throw new Deleted(runbook);
                }
                T result = start.get();
                started.add(result);
                return result;
            });
        } catch (RuntimeException e) {
            if (!started.isEmpty()) {
                // It started; only the end of the transaction failed, which releases the locks all the same.
                LOG.warnf(
                        "start of an execution of runbook %s: the lock's transaction did not end cleanly (%s)",
                        runbook, e.getMessage());
                return started.get(0);
            }
            if (!locked[0]) {
                throw new LockUnavailable(e);
            }
            throw e;
        }
    }

    /** Microseconds, as PostgreSQL stores them, so a value reads back as it was written. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
