package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pairs whose replica overlaps their source, as the worker reads them from its configuration at start-up: real
 * providers ({@code aws} at an S3 endpoint, {@code filesystem}) and stores of {@code baran.replication.stores},
 * reaching the same buckets under other names; no store is called.
 */
class OverlappingPairsTest {

    private static final String S3 = "http://127.0.0.1:5999";

    private Path root;
    private Providers providers;

    @BeforeEach
    void connect() throws Exception {
        root = WorkDirs.create("overlap");
        Files.createDirectories(root.resolve("assets/dr-copy"));
        Files.createDirectories(root.resolve("other"));
        providers = Providers.connect(
                List.of(
                        new ProviderSettings("aws-main", "aws", "eu-west-1", Optional.of(URI.create(S3))),
                        new ProviderSettings(
                                "onprem", "filesystem", "eu-west-1", Optional.empty(), Map.of("root", root.toString())),
                        new ProviderSettings(
                                "nested",
                                "filesystem",
                                "eu-west-1",
                                Optional.empty(),
                                Map.of("root", root.resolve("assets").toString()))),
                new ProviderContext(Duration.ofSeconds(1), Heartbeat.NONE, name -> null));
    }

    @AfterEach
    void close() {
        providers.close();
    }

    private ReplicationService service(Map<String, String> pairs) {
        Map<String, String> properties = new HashMap<>(pairs);
        properties.put("baran.replication.enabled", "false");
        properties.put("baran.replication.data-dir", WorkDirs.create("data").toString());
        // The same moto endpoint under another name: the same buckets.
        properties.put("baran.replication.stores.\"s3-alias\".type", "s3");
        properties.put("baran.replication.stores.\"s3-alias\".endpoint", S3 + "/");
        return ReplicationServices.configured(properties, providers);
    }

    private static Map<String, String> pairs(String... nameSourceReplicas) {
        Map<String, String> pairs = new HashMap<>();
        for (int i = 0; i < nameSourceReplicas.length; i += 3) {
            String key = "baran.replication.pairs.\"" + nameSourceReplicas[i] + "\"";
            pairs.put(key + ".source", nameSourceReplicas[i + 1]);
            pairs.put(key + ".replicas", nameSourceReplicas[i + 2]);
        }
        return pairs;
    }

    private List<String> problems(Map<String, String> pairs) {
        ReplicationService service = service(pairs);
        IllegalStateException refused =
                assertThrows(IllegalStateException.class, () -> service.start(name -> null, Clock.systemUTC()));
        String prefix = "object replication is misconfigured: ";
        assertTrue(refused.getMessage().startsWith(prefix), refused.getMessage());
        return Arrays.asList(refused.getMessage().substring(prefix.length()).split("; "));
    }

    /**
     * A store's endpoint or a notification queue's URL at an address the egress policy refuses (the metadata address,
     * the internal network) stops the start, naming the key, before anything is sent there: the check only resolves.
     */
    @Test
    void aStoreOrNotificationQueueTheEgressPolicyRefusesStopsTheStart() {
        Map<String, String> settings =
                new HashMap<>(pairs("assets", "aws-main:s3://shop/assets", "s3-alias:s3://shop/dr"));
        settings.put("baran.replication.stores.\"metadata\".type", "gcs");
        settings.put("baran.replication.stores.\"metadata\".endpoint", "http://169.254.169.254/");
        settings.put("baran.replication.stores.\"internal\".type", "s3");
        settings.put("baran.replication.stores.\"internal\".endpoint", "http://10.1.2.3:9000/");
        settings.put(
                "baran.replication.pairs.\"assets\".notifications",
                " HTTP://[fd00:ec2::254]/123456789012/assets-events");

        List<String> problems = problems(settings);

        assertTrue(
                problems.stream()
                        .anyMatch(p -> p.startsWith("baran.replication.stores.\"metadata\".endpoint: ")
                                && p.contains("169.254.169.254")),
                problems.toString());
        assertTrue(
                problems.stream().anyMatch(p -> p.startsWith("baran.replication.stores.\"internal\".endpoint: ")),
                problems.toString());
        assertTrue(
                problems.stream().anyMatch(p -> p.startsWith("baran.replication.pairs.\"assets\".notifications: ")),
                problems.toString());
    }

    @Test
    void aNegativeLateWriteWindowStopsTheStartNamingTheKey() {
        Map<String, String> settings = new HashMap<>(pairs("assets", "onprem:file://assets", "onprem:file://other"));
        settings.put("baran.replication.pairs.\"assets\".late-write-window", "-5m");

        assertEquals(
                List.of("baran.replication.pairs.\"assets\".late-write-window must not be negative, not PT-5M"),
                problems(settings));
    }

    @Test
    void aReplicaHoldingItsSourceOrInsideItIsRefusedNamingBothLocationsAndTheKeys() {
        List<String> problems = problems(pairs(
                "public",
                "aws-main:s3://shop/public",
                "aws-main:s3://shop",
                "nesting",
                "aws-main:s3://shop",
                "aws-main:s3://shop/dr",
                "itself",
                "aws-main:s3://shop/x",
                "aws-main:s3://shop/x/"));

        assertEquals(3, problems.size(), problems.toString());
        assertTrue(
                problems.contains("baran.replication.pairs.\"public\".replicas: aws-main:s3://shop contains the source "
                        + "aws-main:s3://shop/public (baran.replication.pairs.\"public\".source), on one store (the "
                        + "replica reaches s3://127.0.0.1:5999/shop/, the source s3://127.0.0.1:5999/shop/public/), so "
                        + "its passes would delete the source's own objects or copy their copies into it again. Give "
                        + "the pair a replica neither inside nor around its source"),
                problems.toString());
        assertTrue(
                problems.stream()
                        .anyMatch(
                                p -> p.startsWith(
                                        "baran.replication.pairs.\"nesting\".replicas: aws-main:s3://shop/dr "
                                                + "lies inside the source aws-main:s3://shop (baran.replication.pairs.\"nesting\".source)")),
                problems.toString());
        assertTrue(
                problems.stream()
                        .anyMatch(p -> p.startsWith("baran.replication.pairs.\"itself\".replicas: aws-main:s3://shop/x "
                                + "reaches the same objects as the source aws-main:s3://shop/x")),
                problems.toString());
    }

    @Test
    void anOverlapReachedUnderAnotherStoreNameOrThroughANestedRootIsRefusedToo() {
        List<String> problems = problems(pairs(
                "alias",
                "aws-main:s3://shop/public",
                "s3-alias:s3://shop",
                "files",
                "onprem:file://assets",
                "nested:file://dr-copy",
                "replicas",
                "aws-main:s3://shop-a",
                "aws-main:s3://shop-b,aws-main:s3://shop-b/dr"));

        assertEquals(3, problems.size(), problems.toString());
        assertTrue(
                problems.stream()
                        .anyMatch(p -> p.startsWith("baran.replication.pairs.\"alias\".replicas: s3-alias:s3://shop "
                                + "contains the source aws-main:s3://shop/public")),
                problems.toString());
        assertTrue(
                problems.stream()
                        .anyMatch(p ->
                                p.startsWith("baran.replication.pairs.\"files\".replicas: nested:file://dr-copy lies "
                                        + "inside the source onprem:file://assets")),
                problems.toString());
        assertTrue(
                problems.stream()
                        .anyMatch(p ->
                                p.startsWith("baran.replication.pairs.\"replicas\".replicas: aws-main:s3://shop-b and "
                                        + "aws-main:s3://shop-b/dr overlap")),
                problems.toString());
    }

    @Test
    void neighboursOnOneStoreAndAPrefixKeepingTheSidesApartAreAccepted() {
        Map<String, String> pairs = pairs(
                "neighbours",
                "aws-main:s3://shop/pub",
                "aws-main:s3://shop/public",
                "buckets",
                "aws-main:s3://shop",
                "s3-alias:s3://shop-dr",
                "files",
                "onprem:file://other",
                "nested:file://dr-copy");
        // Only keys under public/ are copied, to dr/public/: the replica's keys are never the source's.
        pairs.putAll(pairs("prefixed", "aws-main:s3://shop", "aws-main:s3://shop/dr"));
        pairs.put("baran.replication.pairs.\"prefixed\".prefix", "public/");
        ReplicationService service = service(pairs);

        service.start(name -> null, Clock.systemUTC());
        try {
            assertEquals(4, service.pairs().size());
            assertFalse(service.pair("prefixed").isEmpty());
        } finally {
            service.stop();
        }
    }
}
