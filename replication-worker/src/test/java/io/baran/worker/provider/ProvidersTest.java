package io.baran.worker.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.Heartbeat;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Providers as the configuration names them: what starts, what stops the worker, and what a step is refused. */
class ProvidersTest {

    private static final Map<String, String> ENV =
            Map.of("TSIG", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==", "PG", "pw");

    private static Providers connect(ProviderSettings... settings) {
        return Providers.connect(
                List.of(settings), new ProviderContext(Duration.ofSeconds(1), Heartbeat.NONE, ENV::get));
    }

    private static ProviderSettings settings(String name, String type, Map<String, String> options) {
        return new ProviderSettings(name, type, "eu-west-1", Optional.empty(), options);
    }

    private static final ProviderSettings AWS =
            new ProviderSettings("aws-main", "aws", "eu-west-1", Optional.of(URI.create("http://127.0.0.1:1")));
    private static final ProviderSettings DNS = settings(
            "onprem-dns",
            "rfc2136",
            Map.of("server", "127.0.0.1:5353", "tsig-key-name", "baran", "tsig-secret-env", "TSIG"));
    private static final ProviderSettings DB = settings(
            "onprem-db",
            "postgresql",
            Map.of(
                    "user",
                    "baran",
                    "password-env",
                    "PG",
                    "instances.orders.standby",
                    "10.0.0.2",
                    "instances.orders.primary",
                    "10.0.0.1:5433"));
    private static final ProviderSettings FILES = settings("files", "filesystem", Map.of("root", "/srv/objects"));

    @Test
    void everyTypeConnectsWithoutCallingItsProviderAndHasWhatItDeclares() {
        try (Providers providers = connect(AWS, DNS, DB, FILES)) {
            for (ConfiguredProvider p : providers.all()) {
                for (Capability c : Capability.values()) {
                    assertNotNull(p.support(c), p.type() + " declares " + c);
                    if (!p.support(c).available()) {
                        assertFalse(p.support(c).reason().isBlank(), p.type() + " says why it cannot " + c);
                    }
                }
                assertEquals(p.support(Capability.DNS_RECORDS).available(), p.dns() != null, p.type());
                assertEquals(p.support(Capability.CDN_TTL).available(), p.cdn() != null, p.type());
                assertEquals(p.support(Capability.DATABASE_PROMOTE).available(), p.database() != null, p.type());
                assertEquals(p.support(Capability.OBJECT_STORE).available(), p.objects() != null, p.type());
            }
        }
    }

    @Test
    void aStepAskingWhatItsProviderCannotDoIsRefusedWithTheReason() {
        try (Providers providers = connect(DB, DNS)) {
            ApplicationFailure dns = assertThrows(ApplicationFailure.class, () -> providers.dns("onprem-db"));
            ApplicationFailure db = assertThrows(ApplicationFailure.class, () -> providers.database("onprem-dns"));

            assertEquals(FailureTypes.CAPABILITY_MISSING, dns.getType());
            assertEquals(
                    "provider onprem-db (type postgresql) cannot change simple A, AAAA, CNAME and TXT record sets "
                            + "(dns.switch): a PostgreSQL server is not a DNS server, a CDN or an object store",
                    dns.getOriginalMessage());
            assertTrue(db.getOriginalMessage()
                    .startsWith("provider onprem-dns (type rfc2136) cannot promote a read replica"));
        }
    }

    @Test
    void anUnknownTypeOrSettingStopsTheWorkerNamingTheKey() {
        assertTrue(assertThrows(IllegalStateException.class, () -> connect(settings("x", "route53", Map.of())))
                .getMessage()
                .startsWith("baran.providers.\"x\".type: \"route53\" is not a provider type"));
        assertEquals(
                "baran.providers.\"files\".server is not a setting of provider type filesystem",
                assertThrows(
                                IllegalStateException.class,
                                () -> connect(settings("files", "filesystem", Map.of("root", "/srv", "server", "x"))))
                        .getMessage());
        assertEquals(
                "baran.providers.\"onprem-dns\".server is required for a provider of type rfc2136",
                assertThrows(
                                IllegalStateException.class,
                                () -> connect(settings(
                                        "onprem-dns",
                                        "rfc2136",
                                        Map.of("tsig-key-name", "k", "tsig-secret-env", "TSIG"))))
                        .getMessage());
    }

    @Test
    void anApiBudgetTheTypeDoesNotHaveOrAMisspelledOneStopsTheWorkerNamingTheKey() {
        assertEquals(
                "baran.providers.\"files\".api-budget.route53.rate is not a setting of provider type filesystem (its API "
                        + "budgets: none; each takes .rate and .burst)",
                assertThrows(
                                IllegalStateException.class,
                                () -> connect(settings(
                                        "files", "filesystem", Map.of("root", "/srv", "api-budget.route53.rate", "5"))))
                        .getMessage());
        assertEquals(
                "baran.providers.\"aws-main\".api-budget.route53.rates is not a setting of provider type aws (its API "
                        + "budgets: cloudfront, route53; each takes .rate and .burst)",
                assertThrows(
                                IllegalStateException.class,
                                () -> connect(settings("aws-main", "aws", Map.of("api-budget.route53.rates", "5"))))
                        .getMessage());
        assertTrue(assertThrows(
                        IllegalStateException.class,
                        () -> connect(settings("aws-main", "aws", Map.of("api-budget.route53.rate", "fast"))))
                .getMessage()
                .startsWith("baran.providers.\"aws-main\".api-budget.route53: "));
    }

    @Test
    void aSecretMustBeInTheVariableTheSettingNamesAndIsNeverShown() {
        IllegalStateException missing = assertThrows(
                IllegalStateException.class,
                () -> connect(settings(
                        "onprem-dns",
                        "rfc2136",
                        Map.of("server", "ns1", "tsig-key-name", "k", "tsig-secret-env", "BARAN_TSIG_NOWHERE"))));
        IllegalStateException notBase64 = assertThrows(
                IllegalStateException.class,
                () -> Providers.connect(
                        List.of(settings(
                                "onprem-dns",
                                "rfc2136",
                                Map.of("server", "ns1", "tsig-key-name", "k", "tsig-secret-env", "S"))),
                        new ProviderContext(
                                Duration.ofSeconds(1), Heartbeat.NONE, Map.of("S", "not base64 at all!")::get)));

        assertEquals(
                "baran.providers.\"onprem-dns\".tsig-secret-env names the environment variable BARAN_TSIG_NOWHERE, "
                        + "which is not set for the replication-worker",
                missing.getMessage());
        assertFalse(notBase64.getMessage().contains("not base64 at all"), notBase64.getMessage());
    }

    @Test
    void aPostgresInstanceNeedsItsStandby() {
        assertEquals(
                "baran.providers.\"db\".instances.orders.standby is required",
                assertThrows(
                                IllegalStateException.class,
                                () -> connect(settings(
                                        "db", "postgresql", Map.of("user", "u", "instances.orders.primary", "h"))))
                        .getMessage());
        assertTrue(assertThrows(
                        IllegalStateException.class,
                        () -> connect(
                                settings("db", "postgresql", Map.of("user", "u", "instances.orders.standbye", "h"))))
                .getMessage()
                .contains("instances.orders.standbye"));
    }

    @Test
    void aProviderNarrowedByConfigurationRefusesWhatItWasNotAllowed() {
        ProviderSettings dnsOnly =
                new ProviderSettings("aws-dns", "aws", "eu-west-1", Optional.empty(), Map.of("capabilities", "dns"));
        try (Providers providers = connect(dnsOnly)) {
            assertNotNull(providers.dns("aws-dns"));
            ApplicationFailure cdn = assertThrows(ApplicationFailure.class, () -> providers.cdn("aws-dns"));
            assertEquals(
                    "provider aws-dns (type aws) cannot raise a CDN's cache TTLs and restore them (cdn.extend-ttl): "
                            + "not allowed for this provider: baran.providers.\"aws-dns\".capabilities lists only dns",
                    cdn.getOriginalMessage());
        }
        assertEquals(
                "baran.providers.\"files\".capabilities lists dns, which a provider of type filesystem does not have",
                assertThrows(
                                IllegalStateException.class,
                                () -> connect(
                                        settings("files", "filesystem", Map.of("root", "/srv", "capabilities", "dns"))))
                        .getMessage());
    }

    @Test
    void anUnconfiguredProviderIsRefusedListingTheConfiguredOnes() {
        try (Providers providers = connect(FILES, DNS)) {
            ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> providers.objects("s3-main"));
            assertEquals(
                    "provider s3-main is not configured in the replication-worker (configured: files, onprem-dns)",
                    failure.getOriginalMessage());
        }
    }
}
