package io.baran.orchestrator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.audit.AuditLogReader;
import io.baran.audit.Verification;
import io.baran.orchestrator.audit.AuditActions;
import io.baran.orchestrator.audit.AuditEntry;
import io.baran.orchestrator.audit.AuditQuery;
import io.baran.orchestrator.audit.AuditRecord;
import io.baran.orchestrator.audit.AuditTrail;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.PostgresResource;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.TemporalResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The audit trail on a real PostgreSQL, the orchestrator connected as the application role (baran_app) and
 * migrations run as the owner (baran), as deployed.
 */
@QuarkusTest
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TemporalResource.class, restrictToAnnotatedClass = true)
class AuditTrailIT {

    @Inject
    AuditTrail trail;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    /** Every call of the API goes through here, as a viewer with a token of the test issuer. */
    private static RequestSpecification api() {
        return given().header("Authorization", OidcIssuer.shared().bearer("auditor", "viewer"));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static AuditEntry entry(String actor, String action, String target) {
        return new AuditEntry(
                actor,
                List.of("admin"),
                action,
                target,
                "quarterly drill",
                "req-" + UUID.randomUUID(),
                false,
                AuditEntry.REQUESTED,
                Map.of("mode", "drill", "hold", "10s"));
    }

    private Connection owner() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, PostgresServer.USER, PostgresServer.PASSWORD);
    }

    private Connection application() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, PostgresServer.APP_USER, PostgresServer.APP_PASSWORD);
    }

    /** The owner switches the guard off, changes the past and switches the guard on again. */
    private void asOwnerBehindTheTrailsBack(String sql, Object... params) throws SQLException {
        try (Connection c = owner();
                Statement s = c.createStatement()) {
            s.execute("alter table audit_log disable trigger audit_log_append_only");
            try (PreparedStatement p = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    p.setObject(i + 1, params[i]);
                }
                p.executeUpdate();
            } finally {
                s.execute("alter table audit_log enable trigger audit_log_append_only");
            }
        }
    }

    /** The trail as the CLI reads it: its own connection, the owner's here. */
    private Verification verifiedLikeTheCli() throws SQLException {
        try (Connection c = owner()) {
            return AuditLogReader.verify(c);
        }
    }

    @Test
    void appendsFromManyThreadsAtOnceFormOneUnbrokenChain() throws Exception {
        long before = trail.verify().rows();
        int threads = 8;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<Long>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                String actor = unique("thread" + t);
                Callable<List<Long>> appends = () -> {
                    List<Long> ids = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        ids.add(trail.record(entry(actor, AuditActions.DRILL_START, "demo-web"))
                                .id());
                    }
                    return ids;
                };
                results.add(pool.submit(appends));
            }
            List<Long> ids = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                ids.addAll(result.get(120, TimeUnit.SECONDS));
            }
            assertEquals(threads * each, ids.stream().distinct().count(), "every append has an id of its own");
        } finally {
            pool.shutdownNow();
        }
        Verification v = trail.verify();
        assertTrue(v.intact(), v.summary());
        assertTrue(v.rows() >= before + threads * each, v.summary());
        assertEquals(v.rows(), v.headId());
        try (Connection c = owner();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select count(*), count(distinct prev_hash), min(id), max(id) from audit_log")) {
            rs.next();
            assertEquals(rs.getLong(1), rs.getLong(2), "no two rows follow the same row");
            assertEquals(1, rs.getLong(3));
            assertEquals(rs.getLong(1), rs.getLong(4), "ids 1 to n without a gap");
        }
    }

    @Test
    void aRecordIsStoredAsGivenAndChainedToTheOneBefore() {
        String target = unique("shop");
        AuditRecord first = trail.record(entry("ada", AuditActions.FAILOVER_START, target));
        AuditRecord second = trail.record(new AuditEntry(
                "grace",
                List.of("admin", "sre"),
                AuditActions.EXECUTION_APPROVE,
                target,
                null,
                null,
                true,
                AuditEntry.refused("second approver is the requester"),
                null));
        assertEquals(first.id() + 1, second.id());
        assertEquals(first.hash(), second.prevHash());
        assertFalse(second.at().isBefore(first.at()));
        List<AuditRecord> stored = trail.list(new AuditQuery(null, null, target, null, null, null, null));
        assertEquals(List.of(first, second), stored);
        assertEquals(Map.of("mode", "drill", "hold", "10s"), stored.get(0).detail());
        assertEquals(List.of("admin", "sre"), stored.get(1).groups());
        assertTrue(stored.get(1).breakGlass());
        assertEquals("refused: second approver is the requester", stored.get(1).outcome());
        assertNull(stored.get(1).reason());
        AuditRecord untargeted = trail.record(new AuditEntry(
                "ada",
                null,
                AuditActions.DRILL_START,
                null,
                null,
                null,
                false,
                AuditEntry.refused("the request names no runbook"),
                null));
        assertNull(untargeted.target());
        assertEquals(List.of(), untargeted.groups());
        assertTrue(trail.verify().intact());
    }

    @Test
    void aRecordIsCommittedWhenItReturnsEvenIfTheCallersTransactionRollsBack() {
        String target = unique("rolled-back");
        assertThrows(
                IllegalStateException.class,
                () -> QuarkusTransaction.requiringNew().run(() -> {
                    trail.record(entry("ada", AuditActions.RUNBOOK_PUT, target));
                    throw new IllegalStateException(
                            "the caller fails after recording, and its own transaction rolls back");
                }));
        assertEquals(
                1,
                trail.list(new AuditQuery(null, null, target, null, null, null, null))
                        .size());
    }

    @Test
    void aRowChangedByTheOwnerIsFoundByVerifyAndByTheCliWithItsId() throws Exception {
        String target = unique("orders");
        trail.record(entry("ada", AuditActions.DRILL_START, target));
        AuditRecord changed = trail.record(entry("ada", AuditActions.EXECUTION_ABORT, target));
        trail.record(entry("ada", AuditActions.EXECUTION_FAILBACK, target));
        asOwnerBehindTheTrailsBack("update audit_log set actor = 'mallory' where id = ?", changed.id());
        try {
            Verification v = trail.verify();
            assertFalse(v.intact());
            assertEquals(changed.id(), v.brokenAt());
            assertEquals(Verification.HASH_MISMATCH, v.problem());
            assertEquals(changed.id() - 1, v.rows(), "the rows before it hold");
            assertEquals(v, verifiedLikeTheCli());
            api().get("/api/audit/verify")
                    .then()
                    .statusCode(200)
                    .body("intact", equalTo(false))
                    .body("brokenAt", equalTo((int) changed.id()))
                    .body("problem", equalTo("hash-mismatch"))
                    .body("reason", containsString("the row was changed after it was written"));
        } finally {
            asOwnerBehindTheTrailsBack("update audit_log set actor = 'ada' where id = ?", changed.id());
        }
        assertTrue(trail.verify().intact(), "the row as written holds again");
    }

    /**
     * One verification through the API at a time: while one waits for the trail (the table locked by its owner here),
     * another is answered 429 at once instead of taking a second connection of the pool; the first then ends intact.
     */
    @Test
    void aSecondVerificationWhileOneRunsIsAnswered429() throws Exception {
        trail.record(entry("ada", AuditActions.DRILL_START, unique("orders")));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection locker = owner();
                Statement s = locker.createStatement()) {
            locker.setAutoCommit(false);
            s.execute("lock table audit_log in access exclusive mode");
            Future<io.restassured.response.Response> first = pool.submit(() -> api().get("/api/audit/verify"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean waiting = false;
            while (!waiting && System.nanoTime() < deadline) {
                try (var rows = s.executeQuery(
                        "select count(*) from pg_locks where not granted" + " and relation = 'audit_log'::regclass")) {
                    rows.next();
                    waiting = rows.getLong(1) > 0;
                }
                if (!waiting) {
                    Thread.sleep(50);
                }
            }
            assertTrue(waiting, "the first verification to wait for the locked trail");
            // Bounded: were it to wait for the trail as well, it would wait for the lock this test holds.
            api().config(io.restassured.config.RestAssuredConfig.config()
                            .httpClient(io.restassured.config.HttpClientConfig.httpClientConfig()
                                    .setParam("http.socket.timeout", 10_000)))
                    .get("/api/audit/verify")
                    .then()
                    .statusCode(429)
                    .body("title", equalTo("Verification running"));
            locker.rollback();
            first.get(30, TimeUnit.SECONDS).then().statusCode(200).body("intact", equalTo(true));
        } finally {
            pool.shutdownNow();
        }
        api().get("/api/audit/verify").then().statusCode(200).body("intact", equalTo(true));
    }

    @Test
    void aMiddleRowDeletedByTheOwnerIsAGapNamedAtTheRowAfterIt() throws Exception {
        String target = unique("payments");
        trail.record(entry("ada", AuditActions.DRILL_START, target));
        AuditRecord deleted = trail.record(entry("ada", AuditActions.EXECUTION_REJECT, target));
        trail.record(entry("ada", AuditActions.EXECUTION_FAILBACK, target));
        asOwnerBehindTheTrailsBack("delete from audit_log where id = ?", deleted.id());
        try {
            Verification v = trail.verify();
            assertFalse(v.intact());
            assertEquals(deleted.id() + 1, v.brokenAt());
            assertEquals(Verification.GAP, v.problem());
            assertEquals(
                    "row " + deleted.id() + " is missing (row " + (deleted.id() + 1) + " follows row "
                            + (deleted.id() - 1) + ")",
                    v.reason());
            assertEquals(v, verifiedLikeTheCli());
        } finally {
            try (Connection c = owner();
                    PreparedStatement put = c.prepareStatement("insert into audit_log (" + AuditLogReader.COLUMNS
                            + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                put.setLong(1, deleted.id());
                put.setObject(2, java.time.OffsetDateTime.ofInstant(deleted.at(), java.time.ZoneOffset.UTC));
                put.setString(3, deleted.actor());
                put.setString(4, "[\"admin\"]");
                put.setString(5, deleted.action());
                put.setString(6, deleted.target());
                put.setString(7, deleted.reason());
                put.setString(8, deleted.requestId());
                put.setBoolean(9, deleted.breakGlass());
                put.setString(10, deleted.outcome());
                put.setString(11, "{\"hold\":\"10s\",\"mode\":\"drill\"}");
                put.setString(12, deleted.prevHash());
                put.setString(13, deleted.hash());
                put.executeUpdate();
            }
        }
        assertTrue(trail.verify().intact(), "the row put back exactly as written holds again");
    }

    @Test
    void theApplicationRoleMayNotTruncateUpdateOrDeleteTheTrail() throws Exception {
        trail.record(entry("ada", AuditActions.RUNBOOK_DELETE, unique("gone")));
        for (String sql : List.of(
                "truncate audit_log",
                "update audit_log set actor = 'mallory'",
                "delete from audit_log",
                "alter table audit_log disable trigger audit_log_append_only",
                "drop table audit_log")) {
            try (Connection c = application();
                    Statement s = c.createStatement()) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage());
                assertTrue(
                        e.getMessage().contains("permission denied")
                                || e.getMessage().contains("must be owner"),
                        e.getMessage());
            }
        }
        try (Connection c = application();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from audit_log")) {
            rs.next();
            assertTrue(rs.getLong(1) > 0, "and it may read it");
        }
        assertTrue(trail.verify().intact());
    }

    @Test
    void theApiListsRowsByFilterPageByPageAndSaysTheChainIsIntact() {
        String target = unique("web");
        String actor = unique("ada");
        Instant start = trail.record(entry("someone-else", AuditActions.DRILL_START, unique("elsewhere")))
                .at();
        List<Long> ids = new ArrayList<>();
        ids.add(trail.record(entry(actor, AuditActions.DRILL_START, target)).id());
        ids.add(trail.record(entry(actor, AuditActions.EXECUTION_APPROVE, target))
                .id());
        ids.add(trail.record(entry("grace", AuditActions.EXECUTION_APPROVE, target))
                .id());
        ids.add(trail.record(entry(actor, AuditActions.EXECUTION_ABORT, target)).id());

        api().queryParam("target", target)
                .get("/api/audit")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("records.id", equalTo(ids.stream().map(Long::intValue).toList()))
                .body("records[0].actor", equalTo(actor))
                .body("records[0].groups", equalTo(List.of("admin")))
                .body("records[0].action", equalTo("drill.start"))
                .body("records[0].reason", equalTo("quarterly drill"))
                .body("records[0].outcome", equalTo("requested"))
                .body("records[0].detail.hold", equalTo("10s"))
                .body("records[0].breakGlass", equalTo(false))
                .body("records[0].hash", matchesPattern("[0-9a-f]{64}"))
                .body("next", nullValue());
        api().queryParam("actor", actor)
                .queryParam("action", "execution.approve")
                .get("/api/audit")
                .then()
                .statusCode(200)
                .body("records.id", equalTo(List.of(ids.get(1).intValue())));
        api().queryParam("actor", actor)
                .queryParam("since", start.toString())
                .get("/api/audit")
                .then()
                .statusCode(200)
                .body("records", hasSize(3))
                .body("records.actor", everyItem(equalTo(actor)));
        api().queryParam("target", target)
                .queryParam("until", start.toString())
                .get("/api/audit")
                .then()
                .statusCode(200)
                .body("records", hasSize(0));

        // Two at a time: next is the after of the following page, and absent on the last one.
        int next = api().queryParam("target", target)
                .queryParam("limit", 2)
                .get("/api/audit")
                .then()
                .statusCode(200)
                .body(
                        "records.id",
                        equalTo(List.of(ids.get(0).intValue(), ids.get(1).intValue())))
                .body("next", equalTo(ids.get(1).intValue()))
                .extract()
                .path("next");
        api().queryParam("target", target)
                .queryParam("limit", 3)
                .queryParam("after", next)
                .get("/api/audit")
                .then()
                .statusCode(200)
                .body(
                        "records.id",
                        equalTo(List.of(ids.get(2).intValue(), ids.get(3).intValue())))
                .body("next", nullValue());

        api().get("/api/audit/verify")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("intact", equalTo(true))
                .body("brokenAt", nullValue())
                .body("problem", nullValue());
    }

    @Test
    void aFilterThatDoesNotReadIsABadRequestWithProblemDetails() {
        for (Map<String, Object> query : List.of(
                Map.<String, Object>of("limit", 0),
                Map.<String, Object>of("limit", 1001),
                Map.<String, Object>of("limit", "many"),
                Map.<String, Object>of("since", "yesterday"),
                // Valid ISO-8601, but out of the range PostgreSQL keeps: a bad request, not the database's error.
                Map.<String, Object>of("since", "+300000-01-01T00:00:00Z"),
                Map.<String, Object>of("until", "-0005-01-01T00:00:00Z"),
                Map.<String, Object>of("after", -1),
                Map.<String, Object>of("since", "2026-03-02T00:00:00Z", "until", "2026-03-01T00:00:00Z"))) {
            api().queryParams(query)
                    .get("/api/audit")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("title", equalTo("Bad audit query"))
                    .body("status", equalTo(400));
        }
        // A mistyped filter would answer with every row: refused, named, with the filters there are.
        api().queryParam("execution", "drill-web-1")
                .get("/api/audit")
                .then()
                .statusCode(400)
                .body("title", equalTo("Bad audit query"))
                .body("detail", containsString("not a filter of this list: \"execution\""))
                .body("detail", containsString("its filters are actor, action, target, since, until, limit, after"));
        // A value is only ever a bind parameter: SQL in a filter is just a name nobody has.
        api().queryParam("actor", "x' or '1'='1")
                .get("/api/audit")
                .then()
                .statusCode(200)
                .body("records", hasSize(0));
    }
}
