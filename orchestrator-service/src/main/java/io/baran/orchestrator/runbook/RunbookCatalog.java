package io.baran.orchestrator.runbook;

import io.baran.egress.EgressPolicy;
import io.baran.orchestrator.config.EgressConfig;
import io.baran.orchestrator.config.RunbooksConfig;
import io.baran.orchestrator.schedule.DrillSchedules;
import io.baran.runbook.ActionCatalog;
import io.baran.runbook.Runbook;
import io.baran.runbook.RunbookDirectory;
import io.baran.runbook.RunbookError;
import io.baran.runbook.RunbookInvalidException;
import io.baran.runbook.RunbookParser;
import io.grpc.Context;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The runbooks this orchestrator runs: the latest stored version of each (PostgreSQL), so every orchestrator
 * instance serves what was last accepted, whichever instance accepted it. At start the files of the runbooks
 * folder become versions (an unchanged file adds none); a file with errors is logged with every error and
 * left out. Stored texts are parsed once per version.
 */
@Startup
@ApplicationScoped
public class RunbookCatalog {

    private static final Logger LOG = Logger.getLogger(RunbookCatalog.class);

    @Inject
    RunbooksConfig runbooksConfig;

    @Inject
    RunbookVersions versions;

    @Inject
    RunningExecutions running;

    @Inject
    ProviderList providers;

    @Inject
    EgressConfig egress;

    @Inject
    DrillSchedules schedules;

    /** The key of {@link #unsyncedSchedules} that stands for every runbook's schedule. */
    private static final String ALL = "";
    /** How long a save or delete waits for Temporal to take the runbook's drill schedule. */
    private static final Duration SCHEDULE_WRITE_DEADLINE = Duration.ofSeconds(5);
    /** How long a schedule check waits for Temporal to take one runbook's drill schedule (a save may wait behind it). */
    private static final Duration BACKGROUND_WRITE_DEADLINE = Duration.ofSeconds(5);

    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "drill-schedule-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Runbooks whose drill schedule Temporal did not take ({@link #ALL}: every runbook's); also the lock every
     * schedule write of this replica holds.
     */
    private final Set<String> unsyncedSchedules = ConcurrentHashMap.newKeySet();

    private RunbookParser parser;
    private volatile List<RunbookError> fileErrors = List.of();
    /** Parsed stored versions, by name@number: a runbook, or the errors that keep it from running now. */
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();
    /** What was served last, for when the database cannot be read: a failover must not wait on it. */
    private volatile Map<String, Runbook> lastKnown = Map.of();

    private record Parsed(Runbook runbook, List<RunbookError> errors) {}

    /** A save that was accepted. */
    public record Saved(Runbook runbook, RunbookVersions.Saved stored) {}

    @PostConstruct
    void load() {
        EgressPolicy policy = EgressPolicy.defaults().allowing(egress.allow().orElse(List.of()));
        LOG.infof("health.check URLs: the egress policy %s", policy.describe());
        parser = new RunbookParser(ActionCatalog.standard(policy), providers.catalog());
        Path dir = Path.of(runbooksConfig.dir()).toAbsolutePath().normalize();
        var loaded = new RunbookDirectory(parser).load(dir);
        fileErrors = loaded.errors();
        for (RunbookError error : loaded.errors()) {
            LOG.errorf("runbook refused: %s", error);
        }
        for (Runbook runbook : loaded.runbooks()) {
            String text = loaded.texts().get(runbook.name());
            var stored = versions.importFile(
                    runbook.name(),
                    runbook.sha256(),
                    text,
                    dir.relativize(Path.of(runbook.source())).toString());
            if (stored.outcome() != RunbookVersions.Outcome.UNCHANGED) {
                LOG.infof(
                        "runbook %s from %s stored as version %d",
                        runbook.name(), runbook.source(), stored.version().number());
            }
        }
        LOG.infof(
                "serving %d runbook(s) (files in %s: %s)",
                all().size(),
                dir,
                String.join(", ", loaded.runbooks().stream().map(Runbook::name).toList()));
    }

    /** The parser runbooks are checked with: every action, the configured providers and egress policy. */
    public RunbookParser parser() {
        return parser;
    }

    /** Every error of a text, as a save would report them; empty when it is valid. */
    public List<RunbookError> validate(String file, String yaml, String expectedName) {
        return parser.validate(file, yaml, expectedName);
    }

    /**
     * Stores the text as the runbook's next version if it is valid and differs from the latest.
     *
     * @throws RunbookInvalidException with every error; nothing is stored then
     */
    public Saved save(String name, String file, String yaml, String author) {
        Runbook runbook = parser.parse(file, yaml, name);
        var stored = versions.save(name, runbook.sha256(), yaml, author, "api");
        if (stored.outcome() != RunbookVersions.Outcome.UNCHANGED) {
            LOG.infof(
                    "runbook %s: version %d stored (author %s)",
                    name, stored.version().number(), author);
        }
        Runbook saved = runbook.withVersion(stored.version().number());
        writeScheduleOf(name, SCHEDULE_WRITE_DEADLINE, true);
        return new Saved(saved, stored);
    }

    /** Makes the drill schedules those of the catalog, each written again (at start). */
    public void reconcileSchedules() {
        unsyncedSchedules.add(ALL);
        repairSchedules();
    }

    /**
     * Makes the drill schedules those of the catalog (every {@code baran.drill.schedule-check}): writes again what
     * Temporal did not take at a save or delete (everything, after a start it did not answer), creates the schedules
     * missing, deletes those of no scheduled runbook (deleted in the Temporal UI, say), and writes again those whose
     * note names another spec than the latest version's ({@link DrillSchedules#fingerprint}: written by another replica
     * from a version read before a newer one, or before notes named their spec). Stops at the first write Temporal does not take; the rest
     * waits for the next check.
     *
     * @return whether every schedule is as the catalog says now; false when Temporal or the database did not answer
     */
    public boolean repairSchedules() {
        Collection<Runbook> catalog;
        Map<String, String> existing;
        try {
            catalog = allStored();
            // Outside the lock: while Temporal is down, its client tries the listing for a minute.
            existing = schedules.scheduledSpecs();
        } catch (RuntimeException e) {
            LOG.warnf(
                    "drill schedules not checked (%s); checked again at the next baran.drill.schedule-check",
                    e.getMessage());
            return false;
        }
        boolean everything = unsyncedSchedules.contains(ALL);
        Map<String, String> wanted = new TreeMap<>();
        catalog.stream()
                .filter(DrillSchedules::scheduled)
                .forEach(r -> wanted.put(r.name(), DrillSchedules.fingerprint(r)));
        Set<String> names = new TreeSet<>(unsyncedSchedules);
        names.remove(ALL);
        for (var name : wanted.entrySet()) {
            // Missing, or written from another spec than the latest version's (a replica that read an older one).
            if (everything || !name.getValue().equals(existing.get(name.getKey()))) {
                names.add(name.getKey());
            }
        }
        for (String name : existing.keySet()) {
            if (everything || !wanted.containsKey(name)) {
                names.add(name);
            }
        }
        for (String name : names) {
            if (!writeScheduleOf(name, BACKGROUND_WRITE_DEADLINE, false)) {
                return false;
            }
        }
        if (unsyncedSchedules.remove(ALL)) {
            LOG.infof("drill schedules of %d runbook(s) written to Temporal", wanted.size());
        } else if (!names.isEmpty()) {
            LOG.infof("drill schedules made those of the catalog: %s", String.join(", ", names));
        }
        return unsyncedSchedules.isEmpty();
    }

    /** Runbooks whose drill schedule Temporal has not taken yet ({@code ""}: every runbook's, after a start). */
    public Set<String> unsyncedSchedules() {
        return Set.copyOf(unsyncedSchedules);
    }

    /**
     * Writes the runbook's drill schedule as its latest stored version says, read under the lock, so of two saves of
     * one runbook on this replica the later version's schedule is the one left; none once the runbook is deleted. Of
     * two replicas, a save's write leaves a schedule another replica wrote from a newer version ({@code newerOnly}), and
     * one that creates the schedule reads the latest version again (another replica may have deleted it for a newer one);
     * should their writes still cross (between Temporal's describe and update of the schedule), the next schedule
     * check writes the latest version's spec. A
     * runbook change is stored even when Temporal cannot take its schedule now: the failure is logged, and the write
     * tried again at every schedule check until Temporal takes it. The write waits at most {@code deadline} for
     * Temporal, whose client would otherwise retry for a minute.
     *
     * @return whether Temporal took it
     */
    private boolean writeScheduleOf(String name, Duration deadline, boolean newerOnly) {
        synchronized (unsyncedSchedules) {
            try {
                bounded(
                        deadline,
                        () -> versions.latest(name)
                                .flatMap(this::runnable)
                                .ifPresentOrElse(
                                        runbook -> schedules.sync(
                                                runbook,
                                                newerOnly,
                                                () -> versions.latest(name).flatMap(this::runnable)),
                                        () -> schedules.delete(name)));
            } catch (RuntimeException e) {
                unsyncedSchedules.add(name);
                LOG.errorf(
                        "runbook %s: its drill schedule could not be written to Temporal (%s); tried again every"
                                + " baran.drill.schedule-check until it is",
                        name, e.getMessage());
                return false;
            }
            if (unsyncedSchedules.remove(name)) {
                LOG.infof("runbook %s: its drill schedule is written to Temporal now", name);
            }
            return true;
        }
    }

    /** Runs {@code calls} to Temporal with a deadline: its client gives up then instead of retrying for a minute. */
    private static void bounded(Duration deadline, Runnable calls) {
        try (Context.CancellableContext context =
                Context.current().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS, DEADLINES)) {
            context.run(calls);
        }
    }

    /**
     * Stops serving a runbook.
     *
     * @return false when there is no such runbook
     * @throws RunbookBusyException while an execution of it runs
     */
    public boolean delete(String name) {
        if (!versions.exists(name)) {
            return false;
        }
        // Checked under the runbook's lock, which an outage dispatching it takes too (RunbookVersions.claimDispatch).
        boolean deleted = versions.delete(name, () -> running.of(name));
        if (deleted) {
            LOG.infof("runbook %s deleted; its versions are kept", name);
            writeScheduleOf(name, SCHEDULE_WRITE_DEADLINE, false);
        }
        return deleted;
    }

    /** The latest version of the runbook, if it is stored and valid with the current providers. */
    public Optional<Runbook> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return versions.latest(name).flatMap(v -> runnable(v));
        } catch (RuntimeException e) {
            LOG.warnf(
                    "cannot read runbook %s from the database (%s); using the version served last",
                    name, e.getMessage());
            return Optional.ofNullable(lastKnown.get(name));
        }
    }

    /**
     * The latest version of the runbook with some parameters set for one execution (a drill's or a failover's),
     * read again from its stored text so every check runs on the new values.
     *
     * @throws RunbookInvalidException naming the parameters that are not declared, of another kind than their
     *                                 default, or that make a step invalid
     */
    public Optional<Runbook> find(String name, Map<String, ?> parameters) {
        Optional<Runbook> latest = find(name);
        if (latest.isEmpty() || parameters == null || parameters.isEmpty()) {
            return latest;
        }
        int number = latest.get().version();
        RunbookVersions.Version version = versions.version(name, number)
                .orElseThrow(() -> new IllegalStateException(
                        "version " + number + " of runbook " + name + " is served but not stored"));
        return Optional.of(parser.parse(fileOf(version), version.content(), name, parameters)
                .withVersion(number));
    }

    /**
     * A stored version of a runbook as it reads now; empty when it is not stored or no longer passes (a provider it
     * names was removed, say).
     */
    public Optional<Runbook> version(String name, int number) {
        if (name == null || number <= 0) {
            return Optional.empty();
        }
        return versions.version(name, number).flatMap(v -> {
            try {
                return Optional.of(parser.parse(fileOf(v), v.content(), name).withVersion(number));
            } catch (RunbookInvalidException e) {
                return Optional.empty();
            }
        });
    }

    /** The objectives of the runbook version an execution ran; none when that version cannot be read. */
    public io.baran.runbook.Objectives objectivesOf(String name, int number) {
        try {
            return version(name, number).map(Runbook::objectives).orElse(io.baran.runbook.Objectives.NONE);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "cannot read version %d of runbook %s (%s); scored without objectives",
                    number, name, e.getMessage());
            return io.baran.runbook.Objectives.NONE;
        }
    }

    /** The latest version of every runbook, by name. */
    public Collection<Runbook> all() {
        try {
            return allStored();
        } catch (RuntimeException e) {
            LOG.warnf("cannot read the runbooks from the database (%s); using those served last", e.getMessage());
            return lastKnown.values().stream()
                    .sorted(java.util.Comparator.comparing(Runbook::name))
                    .toList();
        }
    }

    /** As {@link #all()}, failing when the database does not answer. */
    private Collection<Runbook> allStored() {
        Map<String, Runbook> current = new LinkedHashMap<>();
        for (RunbookVersions.Version version : versions.latestOfAll()) {
            runnable(version).ifPresent(r -> current.put(r.name(), r));
        }
        lastKnown = Map.copyOf(current);
        return List.copyOf(current.values());
    }

    /** Runbooks whose outage trigger concerns the scope. */
    public List<Runbook> triggeredBy(String scope) {
        return all().stream()
                .filter(r -> r.trigger() != null && r.trigger().matches(scope))
                .toList();
    }

    /**
     * Files refused at start, and stored versions that no longer pass (e.g. a provider they name was removed
     * from the configuration).
     */
    public List<RunbookError> loadErrors() {
        List<RunbookError> out = new ArrayList<>(fileErrors);
        parsed.values().stream().flatMap(p -> p.errors().stream()).forEach(out::add);
        return out;
    }

    private Optional<Runbook> runnable(RunbookVersions.Version version) {
        String key = version.name() + "@" + version.number();
        Parsed p = parsed.computeIfAbsent(key, k -> {
            String file = fileOf(version);
            try {
                return new Parsed(
                        parser.parse(file, version.content(), version.name()).withVersion(version.number()), List.of());
            } catch (RunbookInvalidException e) {
                LOG.errorf(
                        "stored version %d of runbook %s no longer passes, so it is not served:\n%s",
                        version.number(), version.name(), e.getMessage());
                return new Parsed(null, e.errors());
            }
        });
        // Only the latest version's problems are worth reporting.
        parsed.keySet().removeIf(other -> other.startsWith(version.name() + "@") && !other.equals(key));
        return Optional.ofNullable(p.runbook());
    }

    private static String fileOf(RunbookVersions.Version version) {
        return version.name() + ".yaml (version " + version.number() + ")";
    }
}
