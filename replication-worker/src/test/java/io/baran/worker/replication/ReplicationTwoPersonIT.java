package io.baran.worker.replication;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.security.Roles;
import io.baran.testinfra.AuditLogResource;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.S3BlobStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two people for a replication failover and failback, against a real pair (moto's S3 copied to a directory) and the
 * audit trail in a real PostgreSQL: one failover operator's request waits, pending, for a second person's confirmation;
 * the requester cannot confirm it, a confirmation is used once and only for the call it was asked for; an admin acts
 * alone with a reason, flagged break-glass.
 */
@QuarkusTest
@TestProfile(ReplicationTwoPersonIT.TwoPeople.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(ReplicationPairsResource.class)
@WithTestResource(OidcIssuerResource.class)
@WithTestResource(AuditLogResource.class)
@Timeout(180)
class ReplicationTwoPersonIT {

    /** The packaged default: two people. */
    public static class TwoPeople implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baran.replication.confirmations", "2");
        }
    }

    private static final String PAIR = "/api/replication/pairs/assets";

    private static RequestSpecification as(String person, String role, String requestId) {
        return given().contentType(ContentType.JSON)
                .header("Authorization", OidcIssuer.shared().bearer(person, role))
                .header("X-Request-Id", requestId);
    }

    @Test
    void aFailoverOneOperatorAsksForWaitsForASecondPersonAndIsDoneOnTheirConfirmation() throws Exception {
        try {
            askedThenConfirmed();
        } finally {
            failBackAsAnAdmin();
        }
    }

    private static void askedThenConfirmed() throws Exception {
        String asked = id();
        Response pending = as("olga", Roles.FAILOVER_OPERATOR, asked).post(PAIR + "/failover");
        pending.then()
                .statusCode(202)
                .body("action", is("replication.failover"))
                .body("target", is("assets"))
                .body("request", is(asked))
                .body("requestedBy", is("olga"))
                .body("confirm", is("POST " + PAIR + "/failover?confirms=" + asked));
        assertNotFailedOver();
        List<String> asking = outcomes(asked);
        assertEquals(2, asking.size(), asking.toString());
        assertEquals("requested", asking.get(0));
        assertTrue(asking.get(1).startsWith("pending (call sha256:"), asking.get(1));

        String herself = id();
        as("olga", Roles.FAILOVER_OPERATOR, herself)
                .post(PAIR + "/failover?confirms=" + asked)
                .then()
                .statusCode(403)
                .body("detail", containsString("olga asked for request " + asked + "; another person confirms it"));
        assertNotFailedOver();

        String confirmed = id();
        as("bob", Roles.FAILOVER_OPERATOR, confirmed)
                .post(PAIR + "/failover?confirms=" + asked)
                .then()
                .statusCode(200)
                .body("state", is("failed-over"));
        List<AuditLogResource.Row> rows = AuditLogResource.rows(asked);
        assertEquals(3, rows.size(), rows.toString());
        assertEquals("bob", rows.get(2).actor());
        assertEquals("confirmed by bob (request " + confirmed + ")", rows.get(2).outcome());
        assertEquals(List.of("requested", "accepted"), outcomes(confirmed));
        assertTrue(
                outcomes(herself).get(1).startsWith("refused: 403 "),
                outcomes(herself).toString());

        // Used once: a third person cannot confirm it again.
        as("carl", Roles.FAILOVER_OPERATOR, id())
                .post(PAIR + "/failover?confirms=" + asked)
                .then()
                .statusCode(409)
                .body("detail", containsString("was confirmed already: confirmed by bob"));

        // The failback, too, takes two people, and a confirmation counts only for the call it was asked for.
        String back = id();
        as("olga", Roles.FAILOVER_OPERATOR, back)
                .post(PAIR + "/failback")
                .then()
                .statusCode(202);
        as("bob", Roles.FAILOVER_OPERATOR, id())
                .post(PAIR + "/failover?confirms=" + back)
                .then()
                .statusCode(409)
                .body("detail", containsString("is replication.failback on assets, not this replication.failover"));
        given().header("Authorization", OidcIssuer.shared().bearer("olga", Roles.VIEWER))
                .get(PAIR)
                .then()
                .body("replicas[0].state", is("failed-over"));
        as("bob", Roles.FAILOVER_OPERATOR, id())
                .post(PAIR + "/failback?confirms=" + back)
                .then()
                .statusCode(200);
        assertNotFailedOver();
    }

    @Test
    void anAdminActsAloneGivingAReasonFlaggedBreakGlassAndAFailoverOperatorCannot() throws Exception {
        String operator = id();
        as("olga", Roles.FAILOVER_OPERATOR, operator)
                .queryParam("reason", "region down")
                .post(PAIR + "/failover")
                .then()
                .statusCode(403)
                .body("title", is("Break-glass is an admin's"));
        assertNotFailedOver();

        String admin = id();
        try {
            as("ada", Roles.ADMIN, admin)
                    .queryParam("reason", "eu-west-1 down, nobody else reachable")
                    .post(PAIR + "/failover")
                    .then()
                    .statusCode(200)
                    .body("state", is("failed-over"));
            List<AuditLogResource.Row> rows = AuditLogResource.rows(admin);
            assertEquals(2, rows.size(), rows.toString());
            assertFalse(rows.get(0).breakGlass(), "the request is not flagged before it is done");
            assertEquals("accepted", rows.get(1).outcome());
            assertTrue(rows.get(1).breakGlass(), "the admin's failover alone is flagged break-glass");
            assertEquals("eu-west-1 down, nobody else reachable", rows.get(1).reason());
        } finally {
            failBackAsAnAdmin();
        }
        assertNotFailedOver();
    }

    /** Whatever a test left: the pair back to its source, by an admin alone. */
    private static void failBackAsAnAdmin() {
        as("ada", Roles.ADMIN, id())
                .queryParam("reason", "test over")
                .post(PAIR + "/failback")
                .then()
                .statusCode(200);
    }

    @Test
    void aConflictsConfirmationCountsOnlyForTheSameKeyAndSide() throws Exception {
        String asked = id();
        as("olga", Roles.FAILOVER_OPERATOR, asked)
                .queryParam("key", "reports/q3.csv")
                .queryParam("keep", "replica")
                .post(PAIR + "/conflicts/resolve")
                .then()
                .statusCode(202)
                .body("action", is("replication.resolve-conflict"));
        as("bob", Roles.FAILOVER_OPERATOR, id())
                .queryParam("key", "reports/q3.csv")
                .queryParam("keep", "source")
                .queryParam("confirms", asked)
                .post(PAIR + "/conflicts/resolve")
                .then()
                .statusCode(409)
                .body("detail", containsString("not with the same replica, key or side"));
        as("bob", Roles.FAILOVER_OPERATOR, id())
                .queryParam("key", "reports/q4.csv")
                .queryParam("keep", "replica")
                .queryParam("confirms", asked)
                .post(PAIR + "/conflicts/resolve")
                .then()
                .statusCode(409);
        assertEquals(2, outcomes(asked).size(), "neither confirmed it: " + outcomes(asked));
    }

    @ConfigProperty(name = "test.replication.bucket", defaultValue = "unset")
    String bucket;

    @Test
    void aConflictsConfirmationCountsOnlyWhileBothSidesHoldWhatTheRequesterSaw() throws Exception {
        String key = "reports/q3-" + UUID.randomUUID() + ".csv";
        String asked = id();
        as("olga", Roles.FAILOVER_OPERATOR, asked)
                .queryParam("key", key)
                .queryParam("keep", "replica")
                .post(PAIR + "/conflicts/resolve")
                .then()
                .statusCode(202);
        try (BlobStore source = new S3BlobStore("aws-test", bucket, Emulators.s3Client())) {
            TestData.put(source, key, "written at the source after olga asked");
            as("bob", Roles.FAILOVER_OPERATOR, id())
                    .queryParam("key", key)
                    .queryParam("keep", "replica")
                    .queryParam("confirms", asked)
                    .post(PAIR + "/conflicts/resolve")
                    .then()
                    .statusCode(409)
                    .body("detail", containsString("what it acts on changed since"));
            assertEquals(2, outcomes(asked).size(), "nobody confirmed it: " + outcomes(asked));
            source.delete(key);
        }
    }

    @Test
    void twoPeopleConfirmingAtOnceCarryItOutOnce() throws Exception {
        String asked = id();
        as("olga", Roles.FAILOVER_OPERATOR, asked)
                .post(PAIR + "/failover")
                .then()
                .statusCode(202);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (String person : List.of("bob", "carl")) {
                answers.add(pool.submit(() -> {
                    go.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    return as(person, Roles.FAILOVER_OPERATOR, id())
                            .post(PAIR + "/failover?confirms=" + asked)
                            .statusCode();
                }));
            }
            go.countDown();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var answer : answers) {
                statuses.add(answer.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            statuses.sort(null);
            assertEquals(List.of(200, 409), statuses, "one confirmation carries it out, the other is refused");
            assertEquals(
                    1,
                    outcomes(asked).stream()
                            .filter(o -> o.startsWith("confirmed by "))
                            .count(),
                    outcomes(asked).toString());
        } finally {
            pool.shutdownNow();
            failBackAsAnAdmin();
        }
    }

    @Test
    void aRequestSentWithAnIdOtherCallsUsedIsNotLeftPending() throws Exception {
        String reused = id();
        as("olga", Roles.FAILOVER_OPERATOR, reused).post(PAIR + "/sync").then().statusCode(202);
        as("olga", Roles.FAILOVER_OPERATOR, reused)
                .post(PAIR + "/failover")
                .then()
                .statusCode(409)
                .body("title", is("Request id taken"));
        assertTrue(
                outcomes(reused).stream().noneMatch(o -> o.startsWith("pending")),
                "nothing pending under it: " + outcomes(reused));
        assertNotFailedOver();
    }

    @Test
    void aConfirmationOfARequestThatDoesNotExistIsRefused() {
        as("bob", Roles.FAILOVER_OPERATOR, id())
                .post(PAIR + "/failover?confirms=no-such-request")
                .then()
                .statusCode(409)
                .body("detail", containsString("no request no-such-request in the audit trail"));
        assertNotFailedOver();
    }

    private static void assertNotFailedOver() {
        given().header("Authorization", OidcIssuer.shared().bearer("olga", Roles.VIEWER))
                .get(PAIR)
                .then()
                .statusCode(200)
                .body("replicas[0].state", not("failed-over"));
    }

    private static List<String> outcomes(String requestId) throws Exception {
        return AuditLogResource.rows(requestId).stream()
                .map(AuditLogResource.Row::outcome)
                .toList();
    }

    private static String id() {
        return "two-" + UUID.randomUUID();
    }
}
