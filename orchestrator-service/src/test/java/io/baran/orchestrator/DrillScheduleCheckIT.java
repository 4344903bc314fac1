package io.baran.orchestrator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.orchestrator.schedule.DrillSchedules;
import io.baran.runbook.RunbookParser;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleUpdate;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The drill schedules in Temporal follow the catalog although Temporal was down when a runbook was saved or deleted,
 * or someone deleted a schedule or left one behind: the schedule check ({@link RunbookCatalog#repairSchedules()},
 * run every {@code baran.drill.schedule-check}) puts them right once Temporal answers. The real dev server is stopped
 * and started again here.
 */
@QuarkusTest
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = RestartableTemporalResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class DrillScheduleCheckIT {

    private static final RestAssuredConfig YAML_CONFIG = RestAssuredConfig.config()
            .encoderConfig(EncoderConfig.encoderConfig()
                    .appendDefaultContentCharsetToContentTypeIfUndefined(false)
                    .encodeContentTypeAs("application/yaml", ContentType.TEXT));

    @Inject
    RunbookCatalog catalog;

    @Inject
    RunbookVersions versions;

    @Inject
    ScheduleClient schedules;

    @Inject
    DrillSchedules drillSchedules;

    @BeforeEach
    void authenticate() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", OidcIssuer.shared().bearer("tester", "admin"))
                .build();
    }

    @Test
    void aRunbookSavedWhileTemporalIsDownGetsItsScheduleOnceTemporalAnswers() throws Exception {
        String name = "saved-offline";
        boolean down = false;
        try {
            RestartableTemporalResource.server().crash();
            down = true;
            // Stored at once; the schedule waits for Temporal (a save gives it 5 s, not the client's minute).
            putRunbook(name, scheduled(name, "0 3 * * TUE")).then().statusCode(201);
            given().get("/api/runbooks/" + name).then().statusCode(200);
            assertEquals(Set.of(name), catalog.unsyncedSchedules());

            RestartableTemporalResource.server().restart();
            down = false;
            repairWithin(Duration.ofSeconds(90));
            var calendar = calendarOf(name);
            assertEquals(3, calendar.getHour().get(0).getStart(), calendar.toString());
            assertEquals(2, calendar.getDayOfWeek().get(0).getStart(), calendar.toString());
            assertEquals(Set.of(), catalog.unsyncedSchedules());
        } finally {
            if (down) {
                RestartableTemporalResource.server().restart();
            }
            versions.delete(name);
            repairWithin(Duration.ofSeconds(90));
        }
    }

    @Test
    void theCheckPutsBackAScheduleDeletedInTemporalAndDeletesOneOfNoRunbook() {
        String name = "kept";
        String ghost = "ghost";
        try {
            putRunbook(name, scheduled(name, "0 4 * * WED")).then().statusCode(201);
            schedules.getHandle(DrillSchedules.idFor(name)).delete();
            // As if written by a replica for a runbook deleted meanwhile.
            schedules.createSchedule(
                    DrillSchedules.idFor(ghost),
                    DrillSchedules.scheduleOf(new RunbookParser().parse("ghost.yaml", scheduled(ghost, "0 5 * * *"))),
                    ScheduleOptions.newBuilder().build());
            awaitListed(Set.of(DrillSchedules.idFor(ghost)));

            assertTrue(catalog.repairSchedules());

            awaitListed(Set.of(DrillSchedules.idFor(name)));
            var calendar = calendarOf(name);
            assertEquals(4, calendar.getHour().get(0).getStart(), calendar.toString());
        } finally {
            versions.delete(name);
            catalog.repairSchedules();
        }
    }

    /**
     * Two replicas saved the runbook at the same moment, and the one that read the older version wrote its schedule
     * last: the schedule in Temporal fires on the older spec. The check compares the spec each schedule was written
     * from with the latest version's, and writes it again.
     */
    @Test
    void theCheckRewritesAScheduleLeftWithAnOlderVersionsSpec() {
        String name = "raced";
        try {
            String older = scheduled(name, "0 4 * * WED");
            putRunbook(name, older).then().statusCode(201);
            putRunbook(name, scheduled(name, "0 6 * * FRI")).then().statusCode(200);
            assertEquals(6, calendarOf(name).getHour().get(0).getStart());
            // The slower replica's write, from the version it read before the newer one was saved.
            schedules
                    .getHandle(DrillSchedules.idFor(name))
                    .update(input -> new ScheduleUpdate(
                            DrillSchedules.scheduleOf(new RunbookParser().parse(name + ".yaml", older))));
            assertEquals(4, calendarOf(name).getHour().get(0).getStart());

            // Temporal lists a schedule's note a moment after it changed: checked until the check sees it.
            io.baran.testinfra.Polling.until(
                    () -> {
                        catalog.repairSchedules();
                        return calendarOf(name);
                    },
                    calendar -> calendar.getHour().get(0).getStart() == 6,
                    Duration.ofSeconds(30),
                    Duration.ofMillis(500),
                    calendar -> "the schedule still fires on the older spec: " + calendar);
            assertEquals(5, calendarOf(name).getDayOfWeek().get(0).getStart(), "Friday");
        } finally {
            versions.delete(name);
            catalog.repairSchedules();
        }
    }

    /**
     * Two replicas save one runbook at the same moment: the one whose save read version 1 writes its schedule after the
     * other wrote version 2's. That late write leaves the newer schedule as it is.
     */
    @Test
    void aSavesLateWriteOfAnOlderVersionLeavesTheScheduleOfANewerOne() {
        String name = "late-writer";
        try {
            putRunbook(name, scheduled(name, "0 4 * * WED")).then().statusCode(201);
            var first = catalog.version(name, 1).orElseThrow();
            putRunbook(name, scheduled(name, "0 6 * * FRI")).then().statusCode(200);
            assertEquals(6, calendarOf(name).getHour().get(0).getStart());

            drillSchedules.sync(first, true); // the slower replica's write, of the version its save read

            var calendar = calendarOf(name);
            assertEquals(
                    6, calendar.getHour().get(0).getStart(), "version 1's write replaced version 2's: " + calendar);
            assertEquals(5, calendar.getDayOfWeek().get(0).getStart(), "Friday: " + calendar);
        } finally {
            versions.delete(name);
            catalog.repairSchedules();
        }
    }

    /**
     * The other way round: the newer version removes {@code drills.schedule} (or the runbook is deleted), so its save
     * deleted the schedule, and the slower replica's late write of version 1 finds none to compare with and creates it.
     * Asking for the latest version once created, it deletes the schedule again: no drill fires from the older version.
     */
    @Test
    void aSavesLateWriteOfAnOlderVersionDoesNotCreateAgainTheScheduleANewerOneRemoved() {
        String name = "late-creator";
        try {
            putRunbook(name, scheduled(name, "0 4 * * WED")).then().statusCode(201);
            var first = catalog.version(name, 1).orElseThrow();
            putRunbook(name, unscheduled(name)).then().statusCode(200);
            assertFalse(exists(name), "version 2 has no drills.schedule");

            drillSchedules.sync(first, true, () -> catalog.find(name)); // the slower replica's write
            assertFalse(exists(name), "version 1's late write created the schedule version 2 removed");

            versions.delete(name);
            drillSchedules.sync(first, true, () -> catalog.find(name)); // after the runbook's deletion
            assertFalse(exists(name), "version 1's late write created the schedule of a deleted runbook");
        } finally {
            versions.delete(name);
            catalog.repairSchedules();
        }
    }

    /** Whether Temporal has the runbook's drill schedule. */
    private boolean exists(String runbook) {
        try {
            schedules.getHandle(DrillSchedules.idFor(runbook)).describe();
            return true;
        } catch (io.temporal.client.schedules.ScheduleException e) {
            return false;
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private static String unscheduled(String name) {
        return """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: %s
                spec:
                  protects: %s
                  failover:
                    - name: settle
                      action: wait
                      with: { for: 2s }
                """.formatted(name, name);
    }

    /** Runs the schedule check until everything is as the catalog says (Temporal's client reconnects meanwhile). */
    private void repairWithin(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!catalog.repairSchedules()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the drill schedules were not put right within " + timeout + "; not written: "
                        + catalog.unsyncedSchedules());
            }
            Thread.sleep(500);
        }
    }

    /** The first calendar of the runbook's schedule in Temporal: where its cron expression went. */
    private io.temporal.client.schedules.ScheduleCalendarSpec calendarOf(String runbook) {
        return schedules
                .getHandle(DrillSchedules.idFor(runbook))
                .describe()
                .getSchedule()
                .getSpec()
                .getCalendars()
                .get(0);
    }

    /** Temporal lists schedules from its visibility store, a moment after they change. */
    private void awaitListed(Set<String> expected) {
        io.baran.testinfra.Polling.until(
                this::drillSchedules,
                expected::equals,
                Duration.ofSeconds(15),
                Duration.ofMillis(200),
                listed -> "Temporal lists the drill schedules " + listed + ", not " + expected);
    }

    private Set<String> drillSchedules() {
        return schedules
                .listSchedules()
                .map(ScheduleListDescription::getScheduleId)
                .filter(id -> id.startsWith(DrillSchedules.PREFIX))
                .collect(Collectors.toSet());
    }

    private static io.restassured.response.Response putRunbook(String name, String yaml) {
        return given().config(YAML_CONFIG)
                .contentType("application/yaml")
                .body(yaml.getBytes(StandardCharsets.UTF_8))
                .put("/api/runbooks/" + name);
    }

    private static String scheduled(String name, String schedule) {
        return """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: %s
                spec:
                  protects: %s
                  drills:
                    schedule: "%s"
                  failover:
                    - name: settle
                      action: wait
                      with: { for: 1s }
                """.formatted(name, name, schedule);
    }
}
