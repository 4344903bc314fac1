package io.baran.detector.bench;

import io.baran.detector.Targets;
import io.baran.detector.config.DetectorSettings;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.detector.probe.ProbeLoop;
import io.baran.detector.probe.Probes;
import io.baran.detector.state.HealthTracker;
import io.micrometer.core.instrument.Timer;
import io.vertx.mutiny.core.Vertx;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One detector's probing core (probe loop, probes, health tracker; no Kafka) against N targets, measuring what a
 * detector's schedule can sustain: probes per second, how late probes start against their schedule (the
 * scheduling lag), and the CPU it takes. Not a test: {@code bench/run.sh} runs it pinned to one core.
 *
 * <p>Usage: {@code ProbeBench <targets> <interval ms> <warm-up s> <measure s> <http|tcp> <first port> <port count>}
 */
public final class ProbeBench {

    private ProbeBench() {}

    public static void main(String[] args) throws Exception {
        int targets = Integer.parseInt(args[0]);
        long intervalMillis = Long.parseLong(args[1]);
        int warmup = Integer.parseInt(args[2]);
        int measure = Integer.parseInt(args[3]);
        String kind = args[4];
        int firstPort = Integer.parseInt(args[5]);
        int ports = Integer.parseInt(args[6]);

        long expected = (long) targets * measure * 1000 / intervalMillis;
        long[] lags = new long[(int) Math.min(Integer.MAX_VALUE - 8, expected * 2 + 1000)];
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong dropped = new AtomicLong();
        boolean[] measuring = {false};

        Vertx vertx = Vertx.vertx();
        DetectorMetrics metrics = DetectorMetrics.inMemory();
        AtomicLong verdicts = new AtomicLong();
        HealthTracker tracker = new HealthTracker(
                new DetectorSettings.Vantage(
                        "bench",
                        1.0,
                        new DetectorSettings.Damping(true, 1000, 2000, 750, Duration.ofSeconds(60)),
                        true,
                        Duration.ofSeconds(1)),
                v -> verdicts.incrementAndGet(),
                metrics,
                Clock.systemUTC());
        Probes probes = new Probes(vertx, "bench");
        ProbeLoop loop = new ProbeLoop(vertx, tracker, probes, metrics, lag -> {
            if (measuring[0]) {
                int i = recorded.getAndIncrement();
                if (i < lags.length) {
                    lags[i] = lag;
                } else {
                    dropped.incrementAndGet();
                }
            }
        });
        List<TargetDefinition> definitions = new ArrayList<>(targets);
        for (int i = 0; i < targets; i++) {
            int port = firstPort + i % ports;
            String url = kind.equals("tcp") ? "tcp://127.0.0.1:" + port : "http://127.0.0.1:" + port + "/t/" + i;
            definitions.add(
                    Targets.define("t" + i, Targets.spec(url, "bench/s" + (i % 100), intervalMillis + "ms", 3, 3)));
        }
        tracker.track(definitions);
        definitions.forEach(loop::start);

        Thread.sleep(warmup * 1000L);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long passedBefore = count(metrics, kind, "passed");
        long failedBefore = count(metrics, kind, "failed");
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        measuring[0] = true;
        Thread.sleep(measure * 1000L);
        measuring[0] = false;
        long wall = System.nanoTime() - wallBefore;
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long passed = count(metrics, kind, "passed") - passedBefore;
        long failed = count(metrics, kind, "failed") - failedBefore;

        int n = Math.min(recorded.get(), lags.length);
        long[] sorted = Arrays.copyOf(lags, n);
        Arrays.sort(sorted);
        double seconds = wall / 1e9;
        System.out.printf(
                "targets        %d (%s), interval %d ms, %d s measured after %d s of warm-up, %d available processor(s)%n",
                targets,
                kind,
                intervalMillis,
                measure,
                warmup,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(
                "probes/s       %.0f (expected %.0f; passed %d, failed %d)%n",
                (passed + failed) / seconds, targets * 1000.0 / intervalMillis, passed, failed);
        System.out.printf(
                "lag            p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (%d probe starts)%n",
                millis(sorted, 0.50), millis(sorted, 0.90), millis(sorted, 0.99), n == 0 ? 0 : sorted[n - 1] / 1e6, n);
        System.out.printf("cpu            %.0f%% of one core (process, user + system)%n", 100.0 * cpu / wall);
        // What a probe costs in CPU does not depend on how much of the core other work leaves the detector, so it says
        // what a dedicated core could sustain even on a shared machine.
        long probesDone = passed + failed;
        if (probesDone > 0) {
            double micros = cpu / 1e3 / probesDone;
            System.out.printf(
                    "cpu per probe  %.0f us (%,d probes/s would take %.0f%% of one core)%n",
                    micros, targets * 1000L / intervalMillis, micros * targets * 1000.0 / intervalMillis / 1e4);
        }
        long gcMillis = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(b -> Math.max(0, b.getCollectionTime()))
                .sum();
        System.out.printf("gc             %d ms in collections over the whole run%n", gcMillis);
        Timer took = metrics.registry()
                .find("baran.probe.duration")
                .tags("kind", kind, "outcome", "passed")
                .timer();
        if (took != null) {
            System.out.printf(
                    "probe time     mean %.2f ms, max %.2f ms (passed probes, whole run)%n",
                    took.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                    took.max(java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        System.out.printf("verdicts       %d sent while measuring and before%n", verdicts.get());
        var results = new java.util.TreeMap<String, Integer>();
        tracker.targets().forEach(t -> results.merge(String.valueOf(t.lastResult()), 1, Integer::sum));
        System.out.printf("last results   %s%n", results);
        loop.close();
        probes.close();
        vertx.closeAndAwait();
        System.exit(0);
    }

    private static long count(DetectorMetrics metrics, String kind, String outcome) {
        Timer timer = metrics.registry()
                .find("baran.probe.duration")
                .tags("kind", kind, "outcome", outcome)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    private static double millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
    }
}
