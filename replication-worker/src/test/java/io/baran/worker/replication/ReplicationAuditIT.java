package io.baran.worker.replication;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.audit.AuditLogReader;
import io.baran.audit.Verification;
import io.baran.security.Roles;
import io.baran.testinfra.AuditLogResource;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.PostgresServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The worker's replication calls in the audit trail: the orchestrator's {@code audit_log} in a real PostgreSQL, made by
 * its migrations and written as {@code baran_audit}, against a real pair (moto's S3 copied to a directory). The same
 * test resources as {@link ReplicationAppIT}, so both run against one worker.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(ReplicationPairsResource.class)
@WithTestResource(OidcIssuerResource.class)
@WithTestResource(AuditLogResource.class)
@Timeout(180)
class ReplicationAuditIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row as stored, the fields a test asserts. */
    record Row(String actor, List<String> groups, String action, String target, String outcome, JsonNode detail) {}

    private static RequestSpecification as(String person, String role, String requestId) {
        return given().contentType(ContentType.JSON)
                .header("Authorization", OidcIssuer.shared().bearer(person, role))
                .header("X-Request-Id", requestId);
    }

    @Test
    void aFailoverAndItsFailbackAreRecordedBeforeTheyAreDoneThenWithTheirOutcome() throws Exception {
        String failover = id();
        String failback = id();
        as("olga", Roles.FAILOVER_OPERATOR, failover)
                .post("/api/replication/pairs/assets/failover")
                .then()
                .statusCode(200)
                .body("state", is("failed-over"));
        as("olga", Roles.FAILOVER_OPERATOR, failback)
                .post("/api/replication/pairs/assets/failback")
                .then()
                .statusCode(200);

        List<Row> rows = rows(failover);
        assertEquals(List.of("requested", "accepted"), outcomes(rows), "the failover's rows: " + rows);
        for (Row row : rows) {
            assertEquals("olga", row.actor());
            assertTrue(row.groups().contains(Roles.FAILOVER_OPERATOR), "the caller's groups: " + row.groups());
            assertEquals("replication.failover", row.action());
            assertEquals("assets", row.target());
            assertEquals("replication-worker", row.detail().path("service").asText());
            assertEquals("POST", row.detail().path("method").asText());
            assertEquals(
                    "/api/replication/pairs/assets/failover",
                    row.detail().path("path").asText());
        }
        List<Row> back = rows(failback);
        assertEquals(List.of("requested", "accepted"), outcomes(back), "the failback's rows: " + back);
        assertEquals("replication.failback", back.get(0).action());
        assertIntact();
    }

    @Test
    void refusedCallsAreRecordedAsRefusedAndCallsWithoutAValidTokenAreNot() throws Exception {
        String unknownPair = id();
        as("olga", Roles.FAILOVER_OPERATOR, unknownPair)
                .post("/api/replication/pairs/nope/conflicts/resolve?replica=r1&key=a.txt&keep=source")
                .then()
                .statusCode(404);
        List<Row> rows = rows(unknownPair);
        assertEquals(2, rows.size(), "requested, then refused: " + rows);
        assertEquals("requested", rows.get(0).outcome());
        assertTrue(
                rows.get(1).outcome().startsWith("refused: 404 "), rows.get(1).outcome());
        assertEquals("replication.resolve-conflict", rows.get(1).action());
        assertEquals("nope/r1/a.txt", rows.get(1).target());

        String viewer = id();
        as("victor", Roles.VIEWER, viewer)
                .post("/api/replication/pairs/assets/sync")
                .then()
                .statusCode(403);
        List<Row> refused = rows(viewer);
        assertEquals(1, refused.size(), "a call refused for its role is one row: " + refused);
        assertEquals("victor", refused.get(0).actor());
        assertEquals("replication.sync", refused.get(0).action());
        assertEquals("assets", refused.get(0).target());
        assertTrue(
                refused.get(0).outcome().startsWith("refused: 403 "),
                refused.get(0).outcome());

        String anonymous = id();
        given().contentType(ContentType.JSON)
                .header("X-Request-Id", anonymous)
                .post("/api/replication/pairs/assets/sync")
                .then()
                .statusCode(401);
        given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + OidcIssuer.shared().expiredToken("mallory", Roles.ADMIN))
                .header("X-Request-Id", anonymous)
                .post("/api/replication/pairs/assets/sync")
                .then()
                .statusCode(401);
        assertEquals(List.of(), rows(anonymous), "a call without a valid token writes nothing");
        assertIntact();
    }

    @Test
    void aFailoverTheAuditTrailDoesNotTakeIsNotDone() throws Exception {
        String refused = id();
        AuditLogResource.ownerRuns("revoke insert on audit_log from " + PostgresServer.AUDIT_USER);
        try {
            as("olga", Roles.FAILOVER_OPERATOR, refused)
                    .post("/api/replication/pairs/assets/failover")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("title", is("Audit trail unavailable"))
                    .body("detail", containsString("replication.failover on assets"))
                    .body("detail", containsString("not done"));
            given().header("Authorization", OidcIssuer.shared().bearer("olga", Roles.VIEWER))
                    .get("/api/replication/pairs/assets")
                    .then()
                    .statusCode(200)
                    .body("replicas[0].state", not("failed-over"));
        } finally {
            AuditLogResource.ownerRuns("grant insert on audit_log to " + PostgresServer.AUDIT_USER);
        }
        assertEquals(List.of(), rows(refused));

        String again = id();
        as("olga", Roles.FAILOVER_OPERATOR, again)
                .post("/api/replication/pairs/assets/failover")
                .then()
                .statusCode(200);
        as("olga", Roles.FAILOVER_OPERATOR, id())
                .post("/api/replication/pairs/assets/failback")
                .then()
                .statusCode(200);
        assertEquals(List.of("requested", "accepted"), outcomes(rows(again)));
    }

    private static String id() {
        return "audit-" + UUID.randomUUID();
    }

    private static List<String> outcomes(List<Row> rows) {
        return rows.stream().map(Row::outcome).toList();
    }

    private static List<Row> rows(String requestId) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (AuditLogResource.Row row : AuditLogResource.rows(requestId)) {
            List<String> groups = new ArrayList<>();
            JSON.readTree(row.groups()).forEach(g -> groups.add(g.asText()));
            rows.add(new Row(
                    row.actor(), groups, row.action(), row.target(), row.outcome(), JSON.readTree(row.detail())));
        }
        return rows;
    }

    private static void assertIntact() throws SQLException {
        try (Connection c = AuditLogResource.owner()) {
            Verification verification = AuditLogReader.verify(c);
            assertTrue(verification.intact(), "the chain holds: " + verification);
        }
    }
}
