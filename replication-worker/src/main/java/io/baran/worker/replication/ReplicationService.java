package io.baran.worker.replication;

import io.baran.events.ReplicationStatus;
import io.baran.worker.provider.Capability;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.store.ChangeFeed;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs the configured replication pairs: reads and checks their configuration at start-up (every problem
 * at once), then runs each pair's passes on its interval, publishing each replica's status after every pass.
 * Keeps the latest status in memory for {@code storage.check-replica} and the REST API.
 */
@Singleton
public class ReplicationService {

    private static final Logger LOG = Logger.getLogger(ReplicationService.class);
    /** S3 refuses parts smaller than this (except the last). */
    static final long SMALLEST_PART = 5L << 20;
    /** Pairs whose pass lock this process holds for a pass now. */
    private final java.util.Set<String> passing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Per pair: the monitor under which this process lets go of the pass lock it held for a pass. */
    private final Map<String, Object> releases = new java.util.concurrent.ConcurrentHashMap<>();
    /** How often an operation on a pair asks again for its pass lock, held by another replica. */
    private static final Duration LOCK_RETRY = Duration.ofMillis(100);

    /** One configured pair and a replicator per replica. */
    public record Pair(
            String name, Location source, Mode mode, String prefix, Duration interval, List<Replicator> replicas) {}

    private final ReplicationConfig config;
    private final Providers providers;
    private final StatusPublisher publisher;
    private final ReplicationMetrics metrics;
    private final io.baran.worker.config.ApiBudgetConfig database;
    private PassLock lock = PassLock.local();
    private boolean coordinated;
    /** Per pair, whether this replica held its pass lock the last time it tried (for the log). */
    private final Map<String, Boolean> holding = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per pair, this process's turn: a sync asked for during a scheduled pass waits for it, then asks for the lock. */
    private final Map<String, java.util.concurrent.locks.ReentrantLock> turns =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, Pair> pairs = new TreeMap<>();
    private Stores stores;
    private final List<ChangeNotifications> notifications = new ArrayList<>();
    private final io.baran.egress.EgressPolicy egress;
    private Copier copier;
    private ScheduledExecutorService scheduler;

    public ReplicationService(
            ReplicationConfig config,
            Providers providers,
            StatusPublisher publisher,
            ReplicationMetrics metrics,
            io.baran.worker.config.ApiBudgetConfig database,
            io.baran.egress.EgressPolicy egress) {
        this.config = config;
        this.egress = egress;
        this.database = database;
        this.providers = providers;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        start(System::getenv, Clock.systemUTC());
    }

    /** Builds every pair; fails start-up (IllegalStateException) listing every configuration problem. */
    synchronized void start(java.util.function.Function<String, String> environment, Clock clock) {
        List<String> problems = new ArrayList<>();
        if (config.partSize().asLongValue() < SMALLEST_PART
                || config.partSize().asLongValue() > Integer.MAX_VALUE - 8) {
            problems.add("baran.replication.part-size must be between 5M and 2G, not "
                    + config.partSize().asLongValue() + " bytes");
        }
        if (config.concurrency() < 1 || config.buffers() < 1) {
            problems.add("baran.replication.concurrency and baran.replication.buffers must be at least 1");
        }
        if (config.confirmations() < 1 || config.confirmations() > 2) {
            problems.add("baran.replication.confirmations is " + config.confirmations()
                    + ": 2 (a failover operator asks, another confirms) or 1 (one acts alone)");
        }
        switch (config.lock()) {
            case "local" -> {
                lock = PassLock.local();
                coordinated = false;
            }
            case "postgresql" -> {
                if (database.jdbcUrl().isEmpty()) {
                    problems.add("baran.replication.lock=postgresql takes its database from baran.api-budget.jdbc-url "
                            + "(and .user, .password-env), which is not set");
                } else {
                    lock = PassLock.postgresql(
                            database.jdbcUrl().get(),
                            database.user().orElse(null),
                            database.passwordEnv().map(environment).orElse(null));
                    coordinated = true;
                }
            }
            default ->
                problems.add(
                        "baran.replication.lock: \"" + config.lock()
                                + "\" is neither local (one replica runs passes) nor postgresql (any number, one at a time per pair)");
        }
        stores = new Stores(providerStores(), storeSettings(), environment);
        // As the providers' endpoints (ProviderBeans): a store or a notification queue the egress policy refuses (the
        // metadata address, the internal network) stops the start, before anything is sent there.
        config.stores()
                .forEach((name, s) -> s.endpoint()
                        .ifPresent(uri -> io.baran.worker.config.ProviderBeans.checkEndpoint(
                                egress, "baran.replication.stores.\"" + name + "\".endpoint", uri, problems)));
        config.pairs()
                .forEach((name, p) -> p.notifications()
                        .map(String::strip)
                        .filter(n ->
                                n.regionMatches(true, 0, "http://", 0, 7) || n.regionMatches(true, 0, "https://", 0, 8))
                        .ifPresent(url -> {
                            String key = "baran.replication.pairs.\"" + name + "\".notifications";
                            try {
                                io.baran.worker.config.ProviderBeans.checkEndpoint(
                                        egress, key, java.net.URI.create(url), problems);
                            } catch (IllegalArgumentException e) {
                                problems.add(key + ": not a URL (" + e.getMessage() + ")");
                            }
                        }));
        config.stores().keySet().stream()
                .filter(providerStores()::containsKey)
                .sorted()
                .forEach(name -> problems.add("baran.replication.stores.\"" + name
                        + "\" has the name of a provider with the object-store capability: rename one"));
        Map<String, List<Location>> replicasByPair = new LinkedHashMap<>();
        Map<String, Location> sources = new HashMap<>();
        Map<String, ChangeFeed> feeds = new HashMap<>();
        config.pairs().forEach((name, p) -> {
            String key = "baran.replication.pairs.\"" + name + "\"";
            Location source = location(key + ".source", p.source(), problems);
            boolean sourceOpens = false;
            if (source != null) {
                List<String> sourceProblems = stores.problems(source);
                sourceProblems.forEach(problem -> problems.add(key + ".source " + problem));
                sourceOpens = sourceProblems.isEmpty();
                sources.put(name, source);
            }
            List<Location> replicas = new ArrayList<>();
            List<Location> opening = new ArrayList<>();
            if (p.replicas().isEmpty()) {
                problems.add(key + ".replicas is empty");
            }
            for (String r : p.replicas()) {
                Location replica = location(key + ".replicas", r, problems);
                if (replica != null) {
                    List<String> replicaProblems = stores.problems(replica);
                    replicaProblems.forEach(problem -> problems.add(key + ".replicas " + problem));
                    if (replicaProblems.isEmpty()) {
                        opening.add(replica);
                    }
                    replicas.add(replica);
                }
            }
            if (sourceOpens) {
                problems.addAll(
                        PairOverlaps.problems(key, source, opening, p.prefix().orElse(""), stores::address));
            }
            replicasByPair.put(name, replicas);
            try {
                Mode.parse(p.mode());
            } catch (IllegalArgumentException e) {
                problems.add(key + ".mode: " + e.getMessage());
            }
            if (p.maxDeletePercent() < 0 || p.maxDeletePercent() > 100) {
                problems.add(key + ".max-delete-percent must be between 0 and 100, not " + p.maxDeletePercent());
            }
            if (p.lateWriteWindow().isNegative()) {
                problems.add(key + ".late-write-window must not be negative, not " + p.lateWriteWindow());
            }
            if (p.interval().isNegative() || p.interval().isZero()) {
                problems.add(key + ".interval must be longer than 0");
            }
            if (source != null && p.notifications().isPresent()) {
                feed(key + ".notifications", source, p.notifications().get(), problems)
                        .ifPresent(f -> feeds.put(name, f));
            }
        });
        if (!problems.isEmpty()) {
            feeds.values().forEach(ChangeFeed::close);
            stores.close();
            throw new IllegalStateException("object replication is misconfigured: " + String.join("; ", problems));
        }
        if (config.pairs().isEmpty()) {
            return;
        }
        copier = new Copier(config.concurrency(), (int) config.partSize().asLongValue(), config.buffers());
        config.pairs().forEach((name, p) -> {
            List<Replicator> replicators = new ArrayList<>();
            for (Location replica : replicasByPair.get(name)) {
                Ledger ledger = Ledger.open(
                        Path.of(config.dataDir()).resolve(safe(name)).resolve(safe(replica.toString())));
                replicators.add(new Replicator(
                        name,
                        Mode.parse(p.mode()),
                        p.prefix().orElse(""),
                        sources.get(name),
                        stores.open(sources.get(name)),
                        replica,
                        stores.open(replica),
                        ledger,
                        copier,
                        clock,
                        p.maxDeletePercent(),
                        p.lateWriteWindow()));
            }
            replicators.forEach(r -> metrics.register(r, this::status));
            pairs.put(
                    name,
                    new Pair(
                            name,
                            sources.get(name),
                            Mode.parse(p.mode()),
                            p.prefix().orElse(""),
                            p.interval(),
                            replicators));
            LOG.infof(
                    "replication pair %s: %s -> %s (%s, every %s)",
                    name, sources.get(name), replicasByPair.get(name), p.mode(), p.interval());
        });
        if (!config.enabled()) {
            LOG.info("baran.replication.enabled=false: this worker reports on the pairs but runs no passes");
            feeds.values().forEach(ChangeFeed::close);
            return;
        }
        AtomicInteger n = new AtomicInteger();
        scheduler = Executors.newScheduledThreadPool(Math.min(4, pairs.size()), r -> {
            Thread t = new Thread(r, "baran-replication-pass-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (Pair pair : pairs.values()) {
            scheduler.scheduleWithFixedDelay(
                    () -> runQuietly(pair), 0, pair.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
        feeds.forEach((name, feed) -> {
            Pair pair = pairs.get(name);
            ChangeNotifications watching = new ChangeNotifications(
                    name,
                    pair.source(),
                    pair.replicas(),
                    feed,
                    coordinated ? copy -> copyWhilePassing(pair, copy) : ChangeNotifications.Exclusive.NONE);
            notifications.add(watching);
            metrics.register(watching);
            watching.start();
        });
    }

    /**
     * The change feed a pair's {@code notifications} setting asks for, or a problem saying why there is none:
     * only providers' stores offer them (a {@code filesystem} provider's directory is watched, an {@code aws}
     * provider's bucket delivers S3 events to an SQS queue, a {@code gcp} provider's bucket its Pub/Sub notifications
     * to a subscription, an {@code azure} provider's container its Event Grid events to a storage queue).
     */
    private Optional<ChangeFeed> feed(String key, Location source, String setting, List<String> problems) {
        Optional<ObjectStore> provider = stores.provider(source);
        if (provider.isEmpty()) {
            problems.add(key + ": " + source
                    + " is not the store of a provider (baran.providers); change notifications come "
                    + "from the object stores of providers only (filesystem: watch; aws: S3 events through SQS; gcp: Pub/Sub; "
                    + "azure: Event Grid through a storage queue)");
            return Optional.empty();
        }
        boolean watch = setting.trim().equals("watch");
        if (watch != source.scheme().equals("file")) {
            problems.add(
                    key + ": \"" + setting + "\" does not suit " + source + " (use watch for a file:// source, the SQS "
                            + "queue URL for an s3:// one, the Pub/Sub subscription for a gs:// one, the storage queue for an az:// one)");
            return Optional.empty();
        }
        try {
            Optional<ChangeFeed> feed = provider.get().changes(source.bucket(), watch ? null : setting.trim());
            if (feed.isEmpty()) {
                problems.add(key + ": " + source + " offers no change notifications");
            }
            return feed;
        } catch (IllegalArgumentException | io.temporal.failure.ApplicationFailure e) {
            problems.add(key + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The object stores of the providers that declare the capability (narrowed configuration included). */
    private Map<String, ObjectStore> providerStores() {
        Map<String, ObjectStore> all = new HashMap<>();
        providers.all().stream()
                .filter(p -> p.objects() != null
                        && p.support(Capability.OBJECT_STORE).available())
                .forEach(p -> all.put(p.name(), p.objects()));
        return all;
    }

    private Map<String, Stores.Settings> storeSettings() {
        Map<String, Stores.Settings> all = new HashMap<>();
        config.stores()
                .forEach((name, s) -> all.put(
                        name,
                        new Stores.Settings(
                                name,
                                "baran.replication.stores.\"" + name + "\"",
                                s.type(),
                                s.endpoint(),
                                s.region(),
                                s.project(),
                                s.account(),
                                s.accountKeyEnv(),
                                s.root())));
        return all;
    }

    private static Location location(String key, String text, List<String> problems) {
        try {
            return Location.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
            return null;
        }
    }

    /** A directory name for a pair or location: letters, digits, dots and hyphens kept, the rest as {@code _}. */
    static String safe(String text) {
        return text.replaceAll("[^A-Za-z0-9.-]", "_");
    }

    private void runQuietly(Pair pair) {
        try {
            run(pair);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (PassLock.Lost e) {
            LOG.warnf("replication pair %s: pass stopped: %s", pair.name(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "replication pair %s: pass failed", pair.name());
        }
    }

    /**
     * A pass of every replica of the pair, if this worker obtains the pair's pass lock; none (an empty list) when
     * another replica holds it.
     */
    private List<PassReport> run(Pair pair) throws InterruptedException {
        java.util.concurrent.locks.ReentrantLock turn =
                turns.computeIfAbsent(pair.name(), n -> new java.util.concurrent.locks.ReentrantLock());
        turn.lockInterruptibly();
        try {
            return runLocked(pair);
        } finally {
            turn.unlock();
        }
    }

    private List<PassReport> runLocked(Pair pair) throws InterruptedException {
        Boolean[] before = new Boolean[1];
        Optional<List<PassReport>> ran =
                whilePassing(pair.name(), held -> before[0] = holding.put(pair.name(), held), () -> {
                    if (!Boolean.TRUE.equals(before[0])) {
                        LOG.infof(
                                "replication pair %s: this worker replica runs its passes (%s)",
                                pair.name(), lock.describe());
                    }
                    List<PassReport> reports = new ArrayList<>();
                    for (Replicator r : pair.replicas()) {
                        if (coordinated) {
                            r.reloadLedger(); // another replica may have run the last passes
                        }
                        reports.add(r.pass());
                        publisher.publish(r.status());
                    }
                    return reports;
                });
        if (ran.isEmpty() && !Boolean.FALSE.equals(before[0])) {
            LOG.infof(
                    "replication pair %s: another worker replica runs its passes (pass lock held elsewhere)",
                    pair.name());
        }
        return ran.orElse(List.of());
    }

    /**
     * A batch of notified copies with the pair to this replica (several replicas share it): after this process's pass
     * under way, under the pair's pass lock (taken as a copy's, {@link PassLock#attemptCopy}, so a pass elsewhere
     * waits for it rather than skipping its turn), from the shared ledgers as read again, as a pass runs. Asks again
     * for the lock another replica holds for up to {@link ChangeNotifications.Exclusive#WAIT} from then, less and less
     * often; false, copying nothing, when it stays there (or its database does not answer).
     */
    private boolean copyWhilePassing(Pair pair, ChangeNotifications.Copy copy) throws InterruptedException {
        java.util.concurrent.locks.ReentrantLock turn =
                turns.computeIfAbsent(pair.name(), n -> new java.util.concurrent.locks.ReentrantLock());
        turn.lockInterruptibly();
        try {
            long deadline = System.nanoTime() + ChangeNotifications.Exclusive.WAIT.toNanos();
            long pause = LOCK_RETRY.toMillis();
            while (true) {
                Optional<PassLock.Held> held;
                try {
                    held = lock.attemptCopy(pair.name());
                } catch (PassLock.Unreachable e) {
                    LOG.warnf("replication pair %s: %s, so no notified copy now", pair.name(), e.getMessage());
                    return false;
                }
                Optional<Boolean> ran = whileHolding(pair.name(), held, () -> {
                    for (Replicator r : pair.replicas()) {
                        r.reloadLedger(); // another replica may have run passes or copies since
                    }
                    copy.run();
                    return true;
                });
                if (ran.isPresent()) {
                    return true;
                }
                if (System.nanoTime() - deadline >= 0) {
                    LOG.debugf(
                            "replication pair %s: notified copies wait: the pair's pass lock is held elsewhere",
                            pair.name());
                    return false;
                }
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 1000);
            }
        } finally {
            turn.unlock();
        }
    }

    /** How long a pass waits for a batch of notified copies that holds the pair's lock before it skips its turn. */
    static final Duration PASS_WAITS_FOR_COPIES = Duration.ofSeconds(60);

    /** Work done while this process holds a pair's pass lock for its pass. */
    interface PassWork<T> {
        T run() throws InterruptedException;
    }

    /**
     * Runs {@code work} as this process's pass of the pair: with the pair's pass lock taken for it (empty, running
     * nothing, when another replica holds it), and let go afterwards only under the pair's release monitor, so a failover
     * of this process that found the lock held here for the pass ({@link #failover}) has set its flag first.
     * {@code taken} is told whether the lock was taken.
     */
    <T> Optional<T> whilePassing(String pair, java.util.function.Consumer<Boolean> taken, PassWork<T> work)
            throws InterruptedException {
        Optional<PassLock.Held> held = lock.tryLock(pair);
        // A batch of notified copies holds the lock for moments: the pass waits for it (bounded) rather than skip its
        // turn, which would leave deletions and the lag to the pass after. A pass elsewhere is not waited for.
        long deadline = System.nanoTime() + PASS_WAITS_FOR_COPIES.toNanos();
        long pause = LOCK_RETRY.toMillis();
        while (held.isEmpty() && coordinated && System.nanoTime() - deadline < 0 && lock.copyUnderWay(pair)) {
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 1000);
            held = lock.tryLock(pair);
        }
        taken.accept(held.isPresent());
        return whileHolding(pair, held, work);
    }

    /** Runs {@code work} as {@link #whilePassing} does, with the pair's pass lock taken already (empty: nothing runs). */
    private <T> Optional<T> whileHolding(String pair, Optional<PassLock.Held> held, PassWork<T> work)
            throws InterruptedException {
        if (held.isEmpty()) {
            return Optional.empty();
        }
        PassLock.Held h = held.get();
        if (coordinated && pairs.containsKey(pair)) {
            // Another replica may have run passes since this one last read the ledgers: a failover of this process
            // during this pass reads them again first, as the pass does before each replica.
            pairs.get(pair).replicas().forEach(Replicator::markStale);
        }
        List<Replicator> replicas = sharedLedgers(pair);
        replicas.forEach(r -> r.writtenUnder(h)); // before a failover here can see the pair passing
        passing.add(pair);
        try {
            return Optional.of(work.run());
        } finally {
            synchronized (release(pair)) {
                // Under the release monitor: a failover of this process that found the pair passing here writes the
                // ledger under this lock's checks until the lock is let go.
                passing.remove(pair);
                replicas.forEach(r -> r.writtenUnder(null));
                h.close();
            }
        }
    }

    /**
     * Starts a pass of every replica of the pair now (after the one under way, if any); completes when it ends, with
     * no report when another worker replica holds the pair's pass lock.
     */
    public CompletableFuture<List<PassReport>> sync(String name) {
        Pair pair = require(name);
        CompletableFuture<List<PassReport>> done = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        done.complete(run(pair));
                    } catch (Throwable e) {
                        done.completeExceptionally(e);
                    }
                },
                "baran-replication-sync-" + safe(name));
        t.setDaemon(true);
        t.start();
        return done;
    }

    /**
     * Fails the replica over ({@link Replicator#failover}), waiting up to {@code baran.replication.failover-wait}; as
     * {@link #failover(Replicator, Duration, Runnable)}.
     */
    public Replicator.Failover failover(Replicator r) throws InterruptedException {
        return failover(r, config.failoverWait(), config.failoverWait(), () -> {});
    }

    /**
     * Fails the replica over ({@link Replicator#failover}), waiting up to {@code wait} in all, of which at most
     * {@code fenceWait} for the writes under way at the replica (that wait runs no {@code beat}), running {@code beat}
     * while it waits for the pair's pass lock (a step heartbeats). With {@code baran.replication.lock=postgresql} another worker replica may be running
     * the pair's pass, out of reach of this replica's fence: the failover then first takes the pair's pass lock (so no
     * pass runs anywhere while the flag is set, and every later pass, on any replica, reads it from the shared ledger
     * and skips), reads the ledger again (another replica's passes moved it on), and only then sets the flag. While this
     * process holds the pair's pass lock for a pass, its own fence stops the pass, and the lock is let go only once the
     * flag is in the ledger. When the lock stays elsewhere for the whole wait, nothing changes and the answer says so.
     *
     * @throws PassLock.Unreachable when the lock's database does not answer (nothing changed)
     * @throws NoPasses when this worker runs no passes and coordinates with none
     */
    public Replicator.Failover failover(Replicator r, Duration wait, Duration fenceWait, Runnable beat)
            throws InterruptedException {
        requirePasses(r);
        if (!coordinated) {
            return r.failover(shorter(wait, fenceWait));
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            beat.run();
            synchronized (release(r.pair())) {
                if (passing.contains(r.pair())) {
                    return r.failover(shorter(left(deadline), fenceWait));
                }
            }
            Optional<PassLock.Held> held = lock.attempt(r.pair());
            if (held.isPresent()) {
                try (PassLock.Held h = held.get()) {
                    return writingUnder(r.pair(), h, () -> {
                        r.reloadLedger();
                        return r.failover(shorter(left(deadline), fenceWait));
                    });
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                LOG.warnf(
                        "pair %s: replica %s not failed over: the pair's pass lock was held elsewhere for the whole %s",
                        r.pair(), r.replicaAt(), wait);
                return new Replicator.Failover(false, 0, Replicator.Failover.Refused.PASS_ELSEWHERE);
            }
            Thread.sleep(LOCK_RETRY.toMillis());
        }
    }

    /**
     * Fails the replica back ({@link Replicator#failback}) when it serves as primary, read under the same locks; empty
     * when it does not, having done nothing (so a failback never runs on a replica that was not failed over). With
     * {@code baran.replication.lock=postgresql}, under the pair's pass lock (waiting up to {@code wait}, running
     * {@code beat} meanwhile) and from the ledger as read again, so no pass of another replica runs meanwhile.
     *
     * @throws PassElsewhere when the pair's pass lock was held elsewhere for the whole wait
     * @throws Replicator.Busy when this replica's own failback or resolution ran here for the whole wait
     * @throws PassLock.Unreachable when the lock's database does not answer
     * @throws NoPasses when this worker runs no passes and coordinates with none
     */
    public Optional<FailbackReport> failbackIfFailedOver(Replicator r, Duration wait, Runnable beat)
            throws InterruptedException {
        requirePasses(r);
        if (!coordinated) {
            return r.failbackIfFailedOver(wait);
        }
        if (!failedOver(r)) {
            return Optional.empty(); // no waiting for the lock a long forward pass may hold
        }
        try (PassLock.Held h = awaitLock(r, wait, beat)) {
            return writingUnder(r.pair(), h, () -> {
                r.reloadLedger();
                return r.failbackIfFailedOver(wait);
            });
        }
    }

    /**
     * Settles a conflict if both sides hold still what {@code seen} says ({@link Replicator#resolve}); with {@code baran.replication.lock=postgresql}, under the pair's
     * pass lock and from the ledger as read again.
     *
     * @throws PassElsewhere when the pair's pass lock was held elsewhere for the whole {@code failover-wait}
     * @throws PassLock.Unreachable when the lock's database does not answer
     * @throws NoPasses when this worker runs no passes and coordinates with none
     */
    public void resolve(Replicator r, String key, boolean keepSource, ConflictResolver.Sides seen)
            throws InterruptedException {
        requirePasses(r);
        if (!coordinated) {
            r.resolve(key, keepSource, seen);
            return;
        }
        try (PassLock.Held h = awaitLock(r, config.failoverWait(), () -> {})) {
            writingUnder(r.pair(), h, () -> {
                r.reloadLedger();
                r.resolve(key, keepSource, seen);
                return null;
            });
        }
    }

    /**
     * Whether the replica serves as primary now; with {@code baran.replication.lock=postgresql} as the shared ledger's
     * snapshot says (read on its own, without waiting for anything this replica runs).
     */
    public boolean failedOver(Replicator r) {
        return meta(r).failedOver();
    }

    /**
     * The replica's ledger meta now; with {@code baran.replication.lock=postgresql} as the shared ledger's snapshot
     * says (read on its own, without waiting for anything this replica runs).
     */
    public Ledger.Meta meta(Replicator r) {
        return coordinated ? r.storedMeta() : r.meta();
    }

    /**
     * How far behind the replica is, now. With {@code baran.replication.lock=postgresql}, as the shared ledger's snapshot
     * says (the lag, the conflicts, a failover, how the last pass went), and with this process's last pass and the one
     * under way only where this worker replica runs the pair's passes: on another, its own copy of the ledger is as old
     * as the last pass it ran, so its lag would grow without bound while the pair is in step.
     */
    public ReplicationStatus status(Replicator r) {
        if (!coordinated) {
            return r.status();
        }
        // The shared snapshot in any case: a failover another replica made is in it, not in this process's copy. This
        // process's last pass (backlog, errors) counts only while it runs the pair's passes on schedule: a worker
        // without scheduled passes that ran one on request (sync) does not follow the pair afterwards.
        boolean passesHere = config.enabled() && Boolean.TRUE.equals(holding.get(r.pair()));
        return r.status(r.storedMeta(), passesHere);
    }

    /**
     * A worker that runs no passes ({@code baran.replication.enabled=false}) and coordinates with none (lock local) keeps
     * a ledger no pass reads: a failover there would stop nothing. The replica running the passes must do it.
     */
    void requirePasses(Replicator r) {
        if (!coordinated && !config.enabled()) {
            throw new NoPasses(
                    "pair " + r.pair() + ": this worker replica runs no passes (baran.replication.enabled=false)"
                            + " and shares no pass lock (baran.replication.lock=local), so what it changes would stop or resume"
                            + " no copying: do it on the worker replica that runs the pair's passes, or run every replica with"
                            + " baran.replication.lock=postgresql");
        }
    }

    private PassLock.Held awaitLock(Replicator r, Duration wait, Runnable beat) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            beat.run();
            Optional<PassLock.Held> held = lock.attempt(r.pair());
            if (held.isPresent()) {
                return held.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new PassElsewhere("pair " + r.pair() + ": the pair's pass lock was held elsewhere for the whole "
                        + wait
                        + " (a pass, or a failback or conflict resolution, under way on another worker replica or"
                        + " on this one; " + lock.describe() + "); nothing changed, retry");
            }
            Thread.sleep(LOCK_RETRY.toMillis());
        }
    }

    /**
     * Runs {@code work} with the ledgers of the pair's replicas written only while {@code held} is held
     * ({@link Ledger#writtenUnder}): a replica whose lock is lost meanwhile writes nothing more to the shared ledgers.
     */
    private <T> T writingUnder(String pair, PassLock.Held held, PassWork<T> work) throws InterruptedException {
        List<Replicator> replicas = sharedLedgers(pair);
        replicas.forEach(r -> r.writtenUnder(held));
        try {
            return work.run();
        } finally {
            replicas.forEach(r -> r.writtenUnder(null));
        }
    }

    /** The pair's replicas whose ledgers other worker replicas share (none unless coordinated). */
    private List<Replicator> sharedLedgers(String pair) {
        return coordinated && pairs.containsKey(pair) ? pairs.get(pair).replicas() : List.of();
    }

    private Object release(String pair) {
        return releases.computeIfAbsent(pair, p -> new Object());
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** The pair's pass lock was held elsewhere for as long as an operation on the pair waits. */
    public static final class PassElsewhere extends IllegalStateException {
        PassElsewhere(String message) {
            super(message);
        }
    }

    /** This worker replica runs none of the pair's passes, so it must not change the pair's state. */
    public static final class NoPasses extends IllegalStateException {
        NoPasses(String message) {
            super(message);
        }
    }

    /** How long a failover waits for the writes under way at the replica ({@code baran.replication.failover-wait}). */
    public Duration failoverWait() {
        return config.failoverWait();
    }

    public List<Pair> pairs() {
        return List.copyOf(pairs.values());
    }

    public Optional<Pair> pair(String name) {
        return Optional.ofNullable(pairs.get(name));
    }

    /** The replicator of a pair's replica; IllegalArgumentException naming what exists when there is none. */
    public Replicator replica(String name, String replica) {
        Pair pair = require(name);
        if (replica == null || replica.isBlank()) {
            if (pair.replicas().size() == 1) {
                return pair.replicas().get(0);
            }
            throw new IllegalArgumentException(
                    "pair " + name + " has " + pair.replicas().size() + " replicas: name one of "
                            + pair.replicas().stream()
                                    .map(r -> r.replicaAt().toString())
                                    .toList());
        }
        Location wanted = Location.parse(replica);
        return pair.replicas().stream()
                .filter(r -> r.replicaAt().equals(wanted))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("pair " + name + " has no replica " + replica + " (replicas: "
                                + pair.replicas().stream()
                                        .map(r -> r.replicaAt().toString())
                                        .toList() + ")"));
    }

    /** The replicator copying source to replica, whichever pair it belongs to. */
    public Optional<Replicator> find(Location source, Location replica) {
        return pairs.values().stream()
                .filter(p -> p.source().equals(source))
                .flatMap(p -> p.replicas().stream())
                .filter(r -> r.replicaAt().equals(replica))
                .findFirst();
    }

    public List<ReplicationStatus> statuses() {
        return pairs.values().stream()
                .flatMap(p -> p.replicas().stream())
                .map(this::status)
                .toList();
    }

    private Pair require(String name) {
        Pair pair = pairs.get(name);
        if (pair == null) {
            throw new IllegalArgumentException("no replication pair " + name + " (configured: "
                    + (pairs.isEmpty() ? "none" : String.join(", ", pairs.keySet())) + ")");
        }
        return pair;
    }

    public void publish(Replicator r) {
        publisher.publish(status(r));
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void stop() {
        notifications.forEach(ChangeNotifications::close);
        notifications.clear();
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (copier != null) {
            copier.close();
        }
        pairs.values().forEach(p -> p.replicas().forEach(Replicator::close));
        pairs.clear();
        if (stores != null) {
            stores.close();
        }
    }
}
