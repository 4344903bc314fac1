package io.baran.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads configuration through the real SmallRye Config mapping, as Quarkus does, then checks it. */
class TargetDefinitionsTest {

    @Test
    void appliesTheDocumentedDefaults() {
        DetectorConfig config = config(Map.of(
                "baran.detector.targets.web.url", "http://127.0.0.1:8091/healthz",
                "baran.detector.targets.web.scope", "local/demo/web"));
        assertEquals("local", config.vantage());
        TargetDefinition web = TargetDefinitions.read(config.targets()).get(0);
        assertEquals("web", web.name());
        assertEquals("local/demo/web", web.scope());
        assertEquals("http://127.0.0.1:8091/healthz", web.url().toString());
        assertEquals(Duration.ofSeconds(1), web.interval());
        assertEquals(Duration.ofSeconds(2), web.timeout());
        assertEquals(3, web.failureThreshold());
        assertEquals(3, web.successThreshold());
        assertEquals(200, web.expectStatus());
    }

    @Test
    void readsShortDurationsAndEveryField() {
        DetectorConfig config = config(Map.of(
                "baran.detector.vantage", "aws-eu-west-1",
                "baran.detector.targets.\"s3.us-east-1\".url", "https://s3.us-east-1.amazonaws.com/",
                "baran.detector.targets.\"s3.us-east-1\".scope", "aws/us-east-1/s3",
                "baran.detector.targets.\"s3.us-east-1\".interval", "250ms",
                "baran.detector.targets.\"s3.us-east-1\".timeout", "1500ms",
                "baran.detector.targets.\"s3.us-east-1\".failure-threshold", "5",
                "baran.detector.targets.\"s3.us-east-1\".success-threshold", "2",
                "baran.detector.targets.\"s3.us-east-1\".expect-status", "403"));
        assertEquals("aws-eu-west-1", config.vantage());
        TargetDefinition s3 = TargetDefinitions.read(config.targets()).get(0);
        assertEquals("s3.us-east-1", s3.name());
        assertEquals(Duration.ofMillis(250), s3.interval());
        assertEquals(Duration.ofMillis(1500), s3.timeout());
        assertEquals(5, s3.failureThreshold());
        assertEquals(2, s3.successThreshold());
        assertEquals(403, s3.expectStatus());
    }

    @Test
    void noTargetsIsAllowed() {
        assertEquals(List.of(), TargetDefinitions.read(config(Map.of()).targets()));
    }

    @Test
    void reportsEveryProblemAtOnceNamingTargetAndField() {
        DetectorConfig config = config(Map.of(
                "baran.detector.targets.web.url", "127.0.0.1:8091/healthz",
                "baran.detector.targets.web.scope", "local/demo/web",
                "baran.detector.targets.web.interval", "50ms",
                "baran.detector.targets.db.url", "http://127.0.0.1:5432/",
                "baran.detector.targets.db.scope", "   ",
                "baran.detector.targets.db.failure-threshold", "0",
                "baran.detector.targets.\"db.replica\".url", "http://127.0.0.1:5433/",
                "baran.detector.targets.\"db.replica\".scope", "local/db",
                "baran.detector.targets.\"db.replica\".expect-status", "42",
                "baran.detector.targets.\"db.replica\".timeout", "0s"));
        TargetDefinitions.InvalidConfigException e = assertThrows(
                TargetDefinitions.InvalidConfigException.class, () -> TargetDefinitions.read(config.targets()));
        assertEquals(
                List.of(
                        "baran.detector.targets.db.scope: must not be empty",
                        "baran.detector.targets.db.failure-threshold: 0 is below 1",
                        "baran.detector.targets.\"db.replica\".timeout: must be positive",
                        "baran.detector.targets.\"db.replica\".expect-status: 42 is not an HTTP status (100-599)",
                        "baran.detector.targets.web.url: \"127.0.0.1:8091/healthz\" is not an absolute http or https URL (write it like http://host:port/path)",
                        "baran.detector.targets.web.interval: 50ms is below the minimum of 100ms"),
                e.problems());
        assertTrue(e.getMessage()
                .startsWith("the detector configuration has 6 problems:\n  baran.detector.targets.db.scope"));
    }

    @Test
    void anIntervalOfExactlyTheMinimumIsAccepted() {
        DetectorConfig config = config(Map.of(
                "baran.detector.targets.web.url", "http://127.0.0.1:8091/healthz",
                "baran.detector.targets.web.scope", "local/demo/web",
                "baran.detector.targets.web.interval", "100ms"));
        assertEquals(
                Duration.ofMillis(100),
                TargetDefinitions.read(config.targets()).get(0).interval());
    }

    @Test
    void aBadUrlWithCredentialsIsReportedWithoutThem() {
        DetectorConfig config = config(Map.of(
                "baran.detector.targets.web.url", "ftp://admin:hunter2@example.com/",
                "baran.detector.targets.web.scope", "local/demo/web"));
        String message = assertThrows(IllegalStateException.class, () -> TargetDefinitions.read(config.targets()))
                .getMessage();
        assertTrue(message.contains("baran.detector.targets.web.url"), message);
        assertFalse(message.contains("hunter2"), message);
    }

    private static DetectorConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(DetectorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(DetectorConfig.class);
    }

    /**
     * The canaries of these tests may name the bucket and container "canaries", two key variables, and an emulator
     * on 127.0.0.1 as their endpoint.
     */
    private static final CanaryAllowList ALLOWED =
            CanaryAllowList.of(List.of("canaries"), List.of("BARAN_AZ_KEY", "BARAN_UNSET_KEY"), List.of("127.0.0.1"));

    private static List<TargetDefinitions.Problem> problems(TargetSpec spec, Map<String, String> environment) {
        return problems(spec, environment, ALLOWED);
    }

    private static List<TargetDefinitions.Problem> problems(
            TargetSpec spec, Map<String, String> environment, CanaryAllowList allowed) {
        return TargetDefinitions.define(
                        "canary",
                        spec,
                        TargetDefinition.Origin.API,
                        f -> f,
                        environment::get,
                        TargetDefinitions.ALWAYS_REFUSED,
                        allowed)
                .problems();
    }

    private static TargetSpec azure(String account, String keyEnv) {
        return new TargetSpec(
                "az://canaries/baran/canary.txt",
                "azure/westeurope/blob",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "http://127.0.0.1:10000/devstoreaccount1",
                null,
                true,
                account,
                keyEnv);
    }

    @Test
    void aBlobStorageCanaryNeedsAnAccountAndAKeyFromASetEnvironmentVariable() {
        Map<String, String> env = Map.of("BARAN_AZ_KEY", "a2V5");
        assertEquals(List.of(), problems(azure("devstoreaccount1", "BARAN_AZ_KEY"), env));
        assertEquals(
                List.of(
                        new TargetDefinitions.Problem(
                                "account",
                                "is required for an az target (the storage account, e.g. devstoreaccount1 on Azurite)"),
                        new TargetDefinitions.Problem(
                                "account-key-env",
                                "is required for an az target: the name of the environment variable holding the account key")),
                problems(azure(null, null), env));
        assertEquals(
                List.of(
                        new TargetDefinitions.Problem(
                                "account",
                                "\"Shop-DR\" is not a storage account name (3-24 lower-case letters and digits)"),
                        new TargetDefinitions.Problem(
                                "account-key-env",
                                "names BARAN_UNSET_KEY, which is not set in the detector's environment")),
                problems(azure("Shop-DR", "BARAN_UNSET_KEY"), env));
        List<TargetDefinitions.Problem> pasted = problems(azure("shopdr", "Eby8vdM02xNOcqFl+qUw=="), env);
        assertEquals("account-key-env", pasted.get(0).field());
        assertFalse(pasted.get(0).message().contains("Eby8"), "a pasted key is not repeated: " + pasted);
    }

    @Test
    void accountSettingsApplyToBlobStorageCanariesOnly() {
        TargetSpec gcs = new TargetSpec(
                "gs://canaries/k",
                "gcp/europe-west1/gcs",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of("alive"),
                null,
                null,
                true,
                "acct",
                "KEY");
        assertEquals(
                List.of(
                        new TargetDefinitions.Problem("account", "applies to az targets only"),
                        new TargetDefinitions.Problem("account-key-env", "applies to az targets only")),
                problems(gcs, Map.of()));
        TargetSpec http = new TargetSpec(
                "http://127.0.0.1/x",
                "local/web",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                true);
        assertEquals(
                List.of(new TargetDefinitions.Problem("write", "applies to s3, gs and az targets only")),
                problems(http, Map.of()));
    }

    @Test
    void aCanaryMayNameOnlyABucketOfTheAllowList() {
        TargetSpec other = new TargetSpec(
                "s3://payroll-exports/canary.txt",
                "aws/us-east-1/s3",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        assertEquals(
                List.of(
                        new TargetDefinitions.Problem(
                                "url",
                                "bucket \"payroll-exports\" is not in baran.detector.canary.allowed-buckets (allowed: canaries)")),
                problems(other, Map.of()));
        TargetSpec listed = new TargetSpec(
                "s3://canaries/canary.txt",
                "aws/us-east-1/s3",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        assertEquals(List.of(), problems(listed, Map.of()));
        TargetSpec container = new TargetSpec(
                "az://payroll/canary.txt",
                "azure/westeurope/blob",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "devstoreaccount1",
                "BARAN_AZ_KEY");
        assertEquals(
                List.of(new TargetDefinitions.Problem(
                        "url",
                        "container \"payroll\" is not in baran.detector.canary.allowed-buckets (allowed: canaries)")),
                problems(container, Map.of("BARAN_AZ_KEY", "a2V5")));
    }

    @Test
    void aCanarysEndpointOverrideMustBeOfTheAllowListForItReceivesRequestsSignedWithTheDetectorsCredentials() {
        CanaryAllowList minio = CanaryAllowList.of(
                List.of("canaries"), List.of("BARAN_AZ_KEY"), List.of("minio.internal:9000", "Emulator.Internal"));
        TargetSpec collector = io.baran.detector.Targets.s3Canary("s3://canaries/c.txt", "https://collector.example");
        List<TargetDefinitions.Problem> refused = problems(collector, Map.of(), minio);
        assertEquals(
                List.of("endpoint"),
                refused.stream().map(TargetDefinitions.Problem::field).toList());
        assertEquals(
                "the endpoint override's host collector.example:443 is not in"
                        + " baran.detector.canary.allowed-endpoints (allowed: emulator.internal, minio.internal:9000)",
                refused.get(0).message());
        assertEquals(
                List.of("endpoint"),
                problems(
                                io.baran.detector.Targets.s3Canary("s3://canaries/c.txt", "http://minio.internal:9001"),
                                Map.of(),
                                minio)
                        .stream()
                        .map(TargetDefinitions.Problem::field)
                        .toList(),
                "another port of a host listed with its port");
        assertEquals(
                List.of(),
                problems(
                        io.baran.detector.Targets.s3Canary("s3://canaries/c.txt", "http://minio.internal:9000"),
                        Map.of(),
                        minio));
        assertEquals(
                List.of(),
                problems(
                        io.baran.detector.Targets.s3Canary("s3://canaries/c.txt", "http://emulator.internal:4566"),
                        Map.of(),
                        minio),
                "a host listed without a port: any port");
        assertTrue(
                problems(collector, Map.of(), CanaryAllowList.of(List.of("canaries"), List.of()))
                        .get(0)
                        .message()
                        .contains("(empty: an override receives the requests signed with the detector's credentials"),
                "no override allowed by default");
        assertEquals(
                List.of(),
                problems(io.baran.detector.Targets.s3Canary("s3://canaries/c.txt", null), Map.of(), minio),
                "no override: the provider's own endpoint");
    }

    @Test
    void aBlobStorageCanaryMayNameOnlyAKeyVariableOfTheAllowList() {
        assertEquals(
                List.of(
                        new TargetDefinitions.Problem(
                                "account-key-env",
                                "AWS_SECRET_ACCESS_KEY is not in baran.detector.canary.allowed-credentials (allowed: BARAN_AZ_KEY, BARAN_UNSET_KEY)")),
                problems(
                        azure("devstoreaccount1", "AWS_SECRET_ACCESS_KEY"),
                        Map.of("AWS_SECRET_ACCESS_KEY", "c2VjcmV0")));
    }

    @Test
    void withoutAnAllowListEveryCanaryIsRefused() {
        List<TargetDefinitions.Problem> problems = problems(
                azure("devstoreaccount1", "BARAN_AZ_KEY"), Map.of("BARAN_AZ_KEY", "a2V5"), CanaryAllowList.NONE);
        assertEquals(
                List.of("url", "endpoint", "account-key-env"),
                problems.stream().map(TargetDefinitions.Problem::field).toList());
        assertTrue(
                problems.get(0)
                        .message()
                        .endsWith("(empty: no canary target is allowed until the detector's operator lists it there)"),
                problems.toString());
    }

    @Test
    void configuredCanariesAreCheckedAgainstTheAllowListAtStart() {
        DetectorConfig config = config(Map.of(
                "baran.detector.targets.c.url", "gs://payroll-exports/canary.txt",
                "baran.detector.targets.c.scope", "gcp/europe-west1/gcs",
                "baran.detector.canary.allowed-buckets", "canaries"));
        TargetDefinitions.InvalidConfigException e = assertThrows(
                TargetDefinitions.InvalidConfigException.class,
                () -> TargetDefinitions.read(
                        config.targets(), TargetDefinitions.ALWAYS_REFUSED, CanaryAllowList.from(config.canary())));
        assertEquals(
                List.of(
                        "baran.detector.targets.c.url: bucket \"payroll-exports\" is not in baran.detector.canary.allowed-buckets"
                                + " (allowed: canaries)"),
                e.problems());

        DetectorConfig allowed = config(Map.of(
                "baran.detector.targets.c.url", "gs://payroll-exports/canary.txt",
                "baran.detector.targets.c.scope", "gcp/europe-west1/gcs",
                "baran.detector.canary.allowed-buckets", "canaries, payroll-exports"));
        assertEquals(
                "gs",
                TargetDefinitions.read(
                                allowed.targets(),
                                TargetDefinitions.ALWAYS_REFUSED,
                                CanaryAllowList.from(allowed.canary()))
                        .get(0)
                        .endpoint()
                        .kind());
    }
}
