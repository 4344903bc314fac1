package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import io.baran.detector.Targets;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.config.TargetDefinitions;
import io.baran.detector.config.TargetSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Canaries whose endpoint accepts connections and never answers: each holds at most one call, and none delays another
 * canary's. Every server listens on 127.0.0.1; the SDKs take their credentials from the {@code aws.accessKeyId} and
 * {@code aws.secretAccessKey} system properties (S3) or send none (Cloud Storage, at an endpoint override).
 */
class CanaryCallsTest {

    @RegisterExtension
    static final CanaryProbes canary = new CanaryProbes();

    /** Why a hung canary fails: its probe's timeout, its previous call still running, or the SDK's own timeout. */
    private static final Pattern TIMED_OUT = Pattern.compile("no (S3|Cloud Storage) answer within 1000ms"
            + "|previous (S3|Cloud Storage) call to \\S+ still running"
            + "|(StorageException: Read timed out|ApiCallTimeoutException: .*1000 millis.*)");

    private final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    /**
     * Eight hung canaries (four S3 ones that write first, four Cloud Storage ones that read), more than there used to be
     * threads for all canaries, probed on their schedules alongside a healthy S3 canary: the healthy one passes every
     * time within its timeout (its calls never wait for the hung ones'), the hung ones fail saying they got no answer,
     * and no hung endpoint ever has two calls open.
     */
    @Test
    void hungEndpointsNeverFailAHealthyCanaryAndHoldOneCallEach() throws Exception {
        TargetDefinition healthy = canaryTarget("healthy", "s3://canaries/baran/canary.txt", healthyS3(), false);
        awaitPassed(canary.probes.create(healthy)); // the SDK's first call, loading it, may take longer than 1 s

        Map<String, Silent> silent = new ConcurrentHashMap<>();
        List<TargetDefinition> hung = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Silent server = new Silent();
            servers.add(server);
            boolean s3 = i % 2 == 0;
            TargetDefinition target = canaryTarget(
                    "hung-" + i,
                    s3 ? "s3://canaries/baran/hung-" + i + ".txt" : "gs://canaries/baran/hung-" + i + ".txt",
                    server.endpoint(),
                    s3);
            silent.put(target.name(), server);
            hung.add(target);
        }

        Map<String, List<Probed>> results = new ConcurrentHashMap<>();
        List<TargetDefinition> all = new ArrayList<>(hung);
        all.add(healthy);
        List<Probe> probes = all.stream().map(canary.probes::create).toList();
        ExecutorService schedules = Executors.newFixedThreadPool(all.size());
        try {
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(6);
            List<Future<?>> running = new ArrayList<>();
            for (Probe probe : probes) {
                List<Probed> seen = new CopyOnWriteArrayList<>();
                results.put(probe.target().name(), seen);
                // The hung canaries start first, so the healthy one's calls come while theirs hang.
                long first = start + (probe.target() == healthy ? TimeUnit.MILLISECONDS.toNanos(200) : 0);
                running.add(schedules.submit(() -> probeOnSchedule(probe, first, end, seen)));
            }
            for (Future<?> schedule : running) {
                schedule.get(30, TimeUnit.SECONDS);
            }
        } finally {
            schedules.shutdownNow();
        }

        List<Probed> healthyResults = results.get("healthy");
        for (Probed probed : healthyResults) {
            assertTrue(probed.result.passed(), "the healthy canary failed: " + probed.result.detail());
            assertTrue(probed.millis < 1000, "a healthy canary's probe took " + probed.millis + "ms");
        }
        assertTrue(healthyResults.size() >= 5, "the healthy canary was probed " + healthyResults.size() + " times");
        for (TargetDefinition target : hung) {
            List<Probed> seen = results.get(target.name());
            assertTrue(seen.size() >= 3, target.name() + " was probed " + seen.size() + " times");
            for (Probed probed : seen) {
                String detail = probed.result.detail();
                assertFalse(probed.result.passed(), target.name() + " passed: " + detail);
                assertTrue(TIMED_OUT.matcher(detail).matches(), target.name() + ": " + detail);
            }
            Silent server = silent.get(target.name());
            assertEquals(1, server.mostOpen.get(), target.name() + ": most calls open at once");
        }
    }

    /** A call that outlasts its probe's timeout holds the canary: the next probes fail at once and make no call. */
    @Test
    void aProbeWhilePreviousCallStillRunsFailsAtOnceWithoutAnotherCall() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            HeldCanary held =
                    new HeldCanary(threads, canaryTarget("held", "s3://canaries/baran/canary.txt", null, false));

            assertEquals("no S3 answer within 1000ms", run(held).detail());
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                ProbeResult next = run(held);
                assertEquals("previous S3 call to s3://canaries/baran/canary.txt still running", next.detail());
                assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500), "failed at once");
            }
            assertEquals(1, held.reads.get(), "calls made");

            held.release.release(2); // the held call answers, and so will the next
            assertEquals(
                    "S3 read s3://canaries/baran/canary.txt (5 bytes)",
                    awaitPassed(held).detail());
            assertEquals(2, held.reads.get(), "calls made");
        } finally {
            threads.shutdownNow();
        }
    }

    /** A call that waited for a thread past its probe's deadline is not made: its probe has already failed. */
    @Test
    void aCallStartingAfterItsDeadlineIsNotMade() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        CountDownLatch busy = new CountDownLatch(1);
        try {
            thread.execute(() -> {
                try {
                    busy.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            HeldCanary held =
                    new HeldCanary(thread, canaryTarget("held", "s3://canaries/baran/canary.txt", null, false));
            held.release.release(10);

            assertEquals("no S3 answer within 1000ms", run(held).detail());
            busy.countDown();
            assertTrue(awaitPassed(held).passed());
            assertEquals(1, held.reads.get(), "calls made: only the probe that was in time");
        } finally {
            thread.shutdownNow();
        }
    }

    /** Probes on the target's grid as {@link ProbeLoop} does: the next one when the previous has ended. */
    private static void probeOnSchedule(Probe probe, long first, long end, List<Probed> seen) {
        long interval = probe.target().interval().toNanos();
        long due = first;
        try {
            while (due - end < 0) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long started = System.nanoTime();
                ProbeResult result = probe.run().await().atMost(Duration.ofSeconds(20));
                seen.add(new Probed(result, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
                due = ProbeSchedule.next(due, System.nanoTime(), interval);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One probe's result and how long it took. */
    private record Probed(ProbeResult result, long millis) {}

    private static ProbeResult run(Probe probe) {
        return probe.run().await().atMost(Duration.ofSeconds(10));
    }

    /** Probes until one passes, for at most 10 s. */
    private static ProbeResult awaitPassed(Probe probe) throws InterruptedException {
        long start = System.nanoTime();
        ProbeResult result = null;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
            result = run(probe);
            if (result.passed()) {
                return result;
            }
            Thread.sleep(20);
        }
        return fail("no probe passed within 10s; the last: " + result);
    }

    /** A canary target probed every second with a 1 s timeout; {@code endpoint} null for the provider's own. */
    private static TargetDefinition canaryTarget(String name, String url, String endpoint, boolean write) {
        boolean s3 = url.startsWith("s3:");
        return Targets.define(
                name,
                new TargetSpec(
                        url,
                        s3 ? "aws/us-east-1/s3" : "gcp/europe-west1/gcs",
                        "1s",
                        "1s",
                        3,
                        3,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        endpoint,
                        s3 ? "us-east-1" : null,
                        write ? true : null));
    }

    /** The S3 API as far as a read canary uses it: every GET answers {@code alive}. */
    private String healthyS3() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "alive".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        servers.add(() -> server.stop(0));
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Accepts connections and never answers; counts those the client still holds open. */
    private static final class Silent implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger mostOpen = new AtomicInteger();

        Silent() throws IOException {
            Thread acceptor = new Thread(this::accept, "silent-" + socket.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    accepted.add(connection);
                    mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    Thread holder = new Thread(() -> hold(connection), "silent-held");
                    holder.setDaemon(true);
                    holder.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        /** Reads what the client sends, never answering, until the client closes its end. */
        private void hold(Socket connection) {
            try (InputStream in = connection.getInputStream()) {
                byte[] buffer = new byte[4096];
                while (in.read(buffer) >= 0) {
                    // swallowed
                }
            } catch (IOException e) {
                // closed by either side
            } finally {
                open.decrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket connection : accepted) {
                connection.close();
            }
        }
    }

    /** A canary whose reads wait for a permit of {@link #release}, counting the calls made. */
    private static final class HeldCanary extends CanaryProbe {
        final Semaphore release = new Semaphore(0);
        final AtomicInteger reads = new AtomicInteger();

        HeldCanary(Executor executor, TargetDefinition target) {
            super(executor, target, "test-vantage", "S3", TargetDefinitions.ALWAYS_REFUSED);
        }

        @Override
        String where() {
            return "s3://canaries/baran/canary.txt";
        }

        @Override
        void write(String content) {}

        @Override
        String read() {
            reads.incrementAndGet();
            release.acquireUninterruptibly();
            return "alive";
        }

        @Override
        String reason(Throwable failure) {
            return null;
        }
    }
}
