package io.baran.orchestrator.schedule;

import io.baran.runbook.Cron;
import io.baran.runbook.Drills;
import io.baran.runbook.Runbook;
import io.baran.workflow.TaskQueues;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.client.schedules.ScheduleUpdate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * One Temporal Schedule per runbook with {@code spec.drills.schedule}, id {@code drill-<runbook>}: created, updated
 * and deleted as the runbook is saved and deleted (RunbookCatalog writes them, and makes them those of the catalog at
 * start and every {@code baran.drill.schedule-check}). Idempotent: saving
 * the same runbook again leaves one schedule, with the same spec. Each firing starts a {@link ScheduledDrillWorkflow};
 * a firing while the previous one's workflow still runs is skipped (overlap policy skip), and so is one in a blocked
 * window (the spec's skip calendars). A firing missed while Temporal was down is not made up later than
 * {@link #CATCHUP_WINDOW}.
 */
@ApplicationScoped
public class DrillSchedules {

    private static final Logger LOG = Logger.getLogger(DrillSchedules.class);
    /** Schedules of this orchestrator are named so; anything else in the namespace is left alone. */
    public static final String PREFIX = "drill-";
    /** A drill that could not fire on time is still started within this window, never later. */
    static final Duration CATCHUP_WINDOW = Duration.ofMinutes(10);

    @Inject
    ScheduleClient schedules;

    /** The schedule's id for a runbook. */
    public static String idFor(String runbook) {
        return PREFIX + runbook;
    }

    /** Creates, updates or deletes the runbook's schedule so it matches {@code spec.drills}. */
    public void sync(Runbook runbook) {
        sync(runbook, false);
    }

    /**
     * As {@link #sync(Runbook)}; with {@code newerOnly}, a schedule written from a newer version of the runbook than this
     * one is left as it is: another replica saved that version after this one read its own (a save's write).
     */
    public void sync(Runbook runbook, boolean newerOnly) {
        sync(runbook, newerOnly, () -> Optional.of(runbook));
    }

    /**
     * As {@link #sync(Runbook, boolean)}; once it created the schedule, asks {@code latest} for the runbook's latest
     * version (empty once it is deleted) and, when that is not the version written, writes that one instead (deleting
     * the schedule when it has no {@code spec.drills.schedule}). A newer version's write leaves an existing schedule
     * alone, but a missing one is created with no version to compare: another replica may have deleted it for a newer
     * version (or the runbook's deletion) after this one read its own, and it would fire until the next schedule check.
     * The newer version is committed before its replica writes, so either this read finds it or that write comes after
     * this create and deletes it.
     */
    public void sync(Runbook runbook, boolean newerOnly, Supplier<Optional<Runbook>> latest) {
        String id = idFor(runbook.name());
        if (!scheduled(runbook)) {
            delete(runbook.name());
            return;
        }
        Schedule schedule = scheduleOf(runbook);
        try {
            schedules.createSchedule(id, schedule, ScheduleOptions.newBuilder().build());
            LOG.infof("runbook %s: drill schedule %s created (%s)", runbook.name(), id, describe(runbook.drills()));
            Optional<Runbook> now = latest.get();
            if (now.isEmpty()) {
                LOG.infof("runbook %s: deleted since version %d was read", runbook.name(), runbook.version());
                delete(runbook.name());
            } else if (now.get().version() != runbook.version()) {
                LOG.infof(
                        "runbook %s: version %d saved since version %d was read; its schedule is written instead",
                        runbook.name(), now.get().version(), runbook.version());
                sync(now.get(), true);
            }
        } catch (ScheduleAlreadyRunningException exists) {
            int[] newer = {0};
            // Paused in the Temporal UI stays paused; the note is Baran's (it names the spec the check compares).
            schedules.getHandle(id).update(input -> {
                ScheduleState current = input.getDescription().getSchedule().getState();
                int written = versionIn(current.getNote());
                if (newerOnly && written > runbook.version()) {
                    newer[0] = written;
                    return null; // not updated
                }
                return new ScheduleUpdate(Schedule.newBuilder(schedule)
                        .setState(ScheduleState.newBuilder()
                                .setNote(schedule.getState().getNote())
                                .setPaused(current.isPaused())
                                .build())
                        .build());
            });
            if (newer[0] > 0) {
                LOG.infof(
                        "runbook %s: drill schedule %s left as version %d wrote it (this write was of version %d)",
                        runbook.name(), id, newer[0], runbook.version());
                return;
            }
            LOG.infof("runbook %s: drill schedule %s updated (%s)", runbook.name(), id, describe(runbook.drills()));
        }
    }

    /** Deletes the runbook's schedule; nothing when it has none. */
    public void delete(String runbook) {
        String id = idFor(runbook);
        try {
            schedules.getHandle(id).delete();
            LOG.infof("runbook %s: drill schedule %s deleted", runbook, id);
        } catch (ScheduleException e) {
            if (!notFound(e)) {
                throw e;
            }
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** The runbooks that have a drill schedule in the namespace (one listing of its schedules). */
    public Set<String> scheduledRunbooks() {
        return scheduledSpecs().keySet();
    }

    /**
     * The runbooks that have a drill schedule in the namespace, each with the {@link #fingerprint} of the spec it was
     * written from, as its note says ({@code ""} when the note names none: written by hand, or before notes named one);
     * one listing of its schedules.
     */
    public Map<String, String> scheduledSpecs() {
        Map<String, String> out = new TreeMap<>();
        schedules
                .listSchedules()
                .filter(s -> s.getScheduleId().startsWith(PREFIX))
                .forEach(s -> out.put(s.getScheduleId().substring(PREFIX.length()), fingerprintIn(s)));
        return out;
    }

    private static String fingerprintIn(ScheduleListDescription listed) {
        String note = listed.getSchedule() == null || listed.getSchedule().getState() == null
                ? null
                : listed.getSchedule().getState().getNote();
        if (note == null) {
            return "";
        }
        Matcher m = NOTED_SPEC.matcher(note);
        return m.find() ? m.group(1) : "";
    }

    /** Where a schedule's note names the spec it was written from. */
    private static final Pattern NOTED_SPEC = Pattern.compile("\\(spec\\.drills ([0-9a-f]{16})[,)]");

    /** Where a schedule's note names the runbook version it was written from. */
    private static final Pattern NOTED_VERSION = Pattern.compile("\\(spec\\.drills [0-9a-f]{16}, version (\\d+)\\)");

    /** The runbook version a schedule's note names; 0 when it names none. */
    static int versionIn(String note) {
        if (note == null) {
            return 0;
        }
        Matcher m = NOTED_VERSION.matcher(note);
        try {
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * What a runbook's schedule is written from (its name, {@code spec.drills.schedule}, {@code timezone} and {@code
     * blockedWindows}), as 16 hex digits: the schedule check rewrites a schedule whose note names another, so one
     * written by a replica from an older version than the latest is put right.
     */
    public static String fingerprint(Runbook runbook) {
        Drills drills = runbook.drills();
        String text = String.join(
                "\n",
                runbook.name(),
                drills.schedule(),
                String.valueOf(drills.timezone()),
                String.join("\u0000", drills.blockedWindows()));
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the runbook asks for a drill schedule ({@code spec.drills.schedule}). */
    public static boolean scheduled(Runbook runbook) {
        return runbook.drills() != null && runbook.drills().schedule() != null;
    }

    /** The schedule of a runbook with {@code spec.drills.schedule}: a pure value, for tests. */
    public static Schedule scheduleOf(Runbook runbook) {
        Drills drills = runbook.drills();
        ScheduleSpec spec = ScheduleSpec.newBuilder()
                .setCronExpressions(List.of(drills.schedule()))
                .setTimeZoneName(drills.timezone())
                .setSkip(drills.blockedWindows().stream()
                        .map(DrillSchedules::calendarOf)
                        .toList())
                .build();
        ScheduleActionStartWorkflow action = ScheduleActionStartWorkflow.newBuilder()
                .setWorkflowType(ScheduledDrillWorkflow.class)
                .setArguments(runbook.name())
                .setOptions(WorkflowOptions.newBuilder()
                        .setWorkflowId("scheduled-" + idFor(runbook.name()))
                        .setTaskQueue(TaskQueues.ORCHESTRATION)
                        .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                        .build())
                .build();
        return Schedule.newBuilder()
                .setAction(action)
                .setSpec(spec)
                .setPolicy(SchedulePolicy.newBuilder()
                        .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                        .setCatchupWindow(CATCHUP_WINDOW)
                        .build())
                .setState(ScheduleState.newBuilder()
                        .setNote("drills of runbook " + runbook.name() + " (spec.drills " + fingerprint(runbook)
                                + ", version " + runbook.version() + "); managed by Baran")
                        .build())
                .build();
    }

    /** A blocked window as a skip calendar: the minutes matching every field of its cron expression. */
    static ScheduleCalendarSpec calendarOf(String cron) {
        Cron parsed = Cron.parse(cron);
        return ScheduleCalendarSpec.newBuilder()
                .setSeconds(List.of(new ScheduleRange(0, 59, 1)))
                .setMinutes(ranges(parsed.minutes()))
                .setHour(ranges(parsed.hours()))
                .setDayOfMonth(ranges(parsed.daysOfMonth()))
                .setMonth(ranges(parsed.months()))
                .setDayOfWeek(ranges(parsed.daysOfWeek()))
                .setComment("blocked window " + cron)
                .build();
    }

    private static List<ScheduleRange> ranges(List<Cron.Range> ranges) {
        return ranges.stream()
                .map(r -> new ScheduleRange(r.start(), r.end(), r.step()))
                .toList();
    }

    private static String describe(Drills drills) {
        return "\"" + drills.schedule() + "\" " + drills.timezone() + ", hold " + drills.hold()
                + (drills.blockedWindows().isEmpty() ? "" : ", blocked " + drills.blockedWindows());
    }

    private static boolean notFound(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException status && status.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return true;
            }
        }
        return false;
    }
}
