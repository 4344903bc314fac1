package io.baran.worker.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.InMemoryTracing;
import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.budget.CallPriority;
import io.baran.workflow.FailureTypes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The batcher against a zone that records every batch, refuses any batch holding a change named "bad" as a
 * whole (as Route 53 does for one conflicting change), and keeps its first batch in flight until the test
 * releases it. No time window: what goes together is decided by what is queued while a batch is in flight.
 */
@Timeout(30)
class ZoneBatcherTest {

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final FakeZone zone = new FakeZone();
    private final ZoneBatcher<String, Void> batcher = new ZoneBatcher<>(zone, Duration.ZERO, executor);

    @AfterEach
    void stop() {
        zone.firstInSync.countDown();
        executor.shutdownNow();
    }

    @Test
    void aBatchIsSentInTheTraceOfItsFirstRequestAndLinkedToTheOthers() throws Exception {
        try (InMemoryTracing tracing = InMemoryTracing.install()) {
            CompletableFuture<Boolean> a = firstInFlight();
            Span one = tracing.tracer().spanBuilder("activity one").startSpan();
            Span two = tracing.tracer().spanBuilder("activity two").startSpan();
            CompletableFuture<Boolean> b;
            CompletableFuture<Boolean> c;
            try (Scope ignored = one.makeCurrent()) {
                b = change("b");
            }
            try (Scope ignored = two.makeCurrent()) {
                c = change("c");
            }
            await(() -> batcher.queued() == 2);
            zone.firstInSync.countDown();
            assertTrue(a.get(10, TimeUnit.SECONDS));
            assertTrue(b.get(10, TimeUnit.SECONDS));
            assertTrue(c.get(10, TimeUnit.SECONDS));
            one.end();
            two.end();

            // The batch's span ends just after its requests are answered.
            await(() -> tracing.spans().stream()
                    .anyMatch(
                            s -> s.getParentSpanId().equals(one.getSpanContext().getSpanId())));
            SpanData batch = tracing.spans().stream()
                    .filter(s -> s.getName().equals("change batch")
                            && s.getParentSpanId().equals(one.getSpanContext().getSpanId()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no batch span under the first request: " + tracing.spans()));
            assertEquals(one.getSpanContext().getTraceId(), batch.getTraceId());
            assertEquals(
                    List.of(two.getSpanContext()),
                    batch.getLinks().stream().map(LinkData::getSpanContext).toList(),
                    "the other request's trace is linked");
            assertEquals(batch.getSpanContext(), zone.submittedIn.get(1), "the provider call runs in the batch's span");
        }
    }

    @Test
    void requestsArrivingWhileABatchIsInFlightGoTogetherInTheNextOne() throws Exception {
        CompletableFuture<Boolean> a = firstInFlight();

        List<CompletableFuture<Boolean>> parallel = List.of(change("b"), change("c"), change("d"));
        await(() -> batcher.queued() == 3);
        zone.firstInSync.countDown();

        assertTrue(a.get(10, TimeUnit.SECONDS));
        for (CompletableFuture<Boolean> each : parallel) {
            assertTrue(each.get(10, TimeUnit.SECONDS), "each caller gets its own result");
        }
        assertEquals(List.of(List.of("a"), List.of("b", "c", "d")), zone.batches);
        assertEquals(2, batcher.batchesSent());
    }

    @Test
    void aRequestWhosePreconditionFailsFailsAloneAndTheOthersGoAhead() throws Exception {
        firstInFlight();
        CompletableFuture<Boolean> b = change("b");
        CompletableFuture<Boolean> changedByHand =
                batcher.submit("x", (java.util.function.Supplier<List<String>>) () -> {
                    throw Failures.of(FailureTypes.PLAN_UNSAFE, "x was changed by someone else since");
                });
        CompletableFuture<Boolean> d = change("d");
        await(() -> batcher.queued() == 3);
        zone.firstInSync.countDown();

        assertTrue(b.get(10, TimeUnit.SECONDS));
        assertTrue(d.get(10, TimeUnit.SECONDS));
        assertEquals(FailureTypes.PLAN_UNSAFE, failure(changedByHand).getType());
        assertEquals(List.of(List.of("a"), List.of("b", "d")), zone.batches);
    }

    /**
     * A step's change prepared from a read is refused because the record changed in between, as its own earlier attempt
     * made it (timed out while its batch was on its way, or sent by another worker replica): prepared once more from a
     * read, it finds the record as planned and is done, instead of failing the step and undoing the failover.
     */
    @Test
    void aLoneChangeRefusedForARecordAlreadyAsPlannedIsDone() throws Exception {
        zone.firstInSync.countDown();
        zone.refusedOnce.add("late");
        java.util.concurrent.atomic.AtomicInteger preparations = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Boolean> late = batcher.submit("late", (java.util.function.Supplier<List<String>>)
                () -> preparations.getAndIncrement() == 0 ? List.of("late") : List.of());

        assertFalse(late.get(10, TimeUnit.SECONDS), "nothing left to change: the record is as planned");
        assertEquals(2, preparations.get(), "prepared again from a read after the refusal");
        assertEquals(List.of(List.of("late")), zone.batches);
    }

    /**
     * A step that gave up while its change was being prepared (its attempt timed out) has nothing sent: its retry,
     * perhaps on another worker replica, sends it, and must not find this attempt's change landing behind it.
     */
    @Test
    void aChangeWhoseStepGaveUpWhileItWasPreparedIsNotSent() throws Exception {
        CompletableFuture<Boolean> a = firstInFlight();
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<Boolean>> gaveUp =
                new java.util.concurrent.atomic.AtomicReference<>();
        gaveUp.set(batcher.submit("b", (java.util.function.Supplier<List<String>>) () -> {
            gaveUp.get().cancel(false); // the attempt timed out while the batch was being prepared
            return List.of("b");
        }));
        CompletableFuture<Boolean> c = change("c");
        await(() -> batcher.queued() == 2);
        zone.firstInSync.countDown();

        assertTrue(a.get(10, TimeUnit.SECONDS));
        assertTrue(c.get(10, TimeUnit.SECONDS));
        assertTrue(gaveUp.get().isCancelled());
        assertEquals(List.of(List.of("a"), List.of("c")), zone.batches);
    }

    /** Refused again once prepared afresh (someone else's change): it fails, naming the refusal; no third try. */
    @Test
    void aLoneChangeRefusedTwiceFails() throws Exception {
        zone.firstInSync.countDown();
        CompletableFuture<Boolean> bad = change("bad");

        assertTrue(
                failure(bad).getOriginalMessage().contains("bad already exists"),
                failure(bad).getOriginalMessage());
        assertEquals(List.of(List.of("bad"), List.of("bad")), zone.batches);
    }

    @Test
    void aBatchRefusedAsAWholeIsSplitInHalvesSentAgainUntilOnlyTheConflictFails() throws Exception {
        firstInFlight();
        CompletableFuture<Boolean> b = change("b");
        CompletableFuture<Boolean> bad = change("bad");
        CompletableFuture<Boolean> d = change("d");
        await(() -> batcher.queued() == 3);
        zone.firstInSync.countDown();

        assertTrue(b.get(10, TimeUnit.SECONDS));
        assertTrue(d.get(10, TimeUnit.SECONDS));
        ApplicationFailure refused = failure(bad);
        assertEquals(FailureTypes.PROVIDER_REJECTED, refused.getType());
        assertTrue(refused.getOriginalMessage().contains("bad already exists"), refused.getOriginalMessage());
        assertEquals(
                List.of(
                        List.of("a"),
                        List.of("b", "bad", "d"),
                        List.of("b"),
                        List.of("bad", "d"),
                        List.of("bad"),
                        List.of("d")),
                zone.batches);
    }

    @Test
    void manyRequestsAreSentInAsFewBatchesAsRoute53sLimitsAllowEachWithItsOwnResult() throws Exception {
        firstInFlight();
        List<CompletableFuture<Boolean>> many = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            many.add(change("r" + i));
        }
        await(() -> batcher.queued() == 1500);
        zone.firstInSync.countDown();

        for (CompletableFuture<Boolean> each : many) {
            assertTrue(each.get(10, TimeUnit.SECONDS));
        }
        // 1,500 changes: the first 1,000 prepared together go as one batch (Route 53's limit), the other 500 as
        // another.
        assertEquals(
                List.of(1, ZoneBatcher.MAX_CHANGES, 500),
                zone.batches.stream().map(List::size).toList());
    }

    @Test
    void twoRequestsForOneRecordSetNeverShareABatch() throws Exception {
        firstInFlight();
        CompletableFuture<Boolean> first =
                batcher.submit("www", (java.util.function.Supplier<List<String>>) () -> List.of("www -> standby"));
        CompletableFuture<Boolean> second =
                batcher.submit("www", (java.util.function.Supplier<List<String>>) () -> List.of("www -> primary"));
        CompletableFuture<Boolean> other = change("api");
        await(() -> batcher.queued() == 3);
        zone.firstInSync.countDown();

        assertTrue(first.get(10, TimeUnit.SECONDS));
        assertTrue(second.get(10, TimeUnit.SECONDS));
        assertTrue(other.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(List.of("a"), List.of("www -> standby", "api"), List.of("www -> primary")), zone.batches);
    }

    @Test
    void aRequestWithNothingToChangeSendsNoBatch() throws Exception {
        assertFalse(batcher.submit("www", (java.util.function.Supplier<List<String>>) List::of)
                .get(10, TimeUnit.SECONDS));

        assertEquals(0, batcher.batchesSent());
    }

    @Test
    void aCallerThatGivesUpWithdrawsItsRequestBeforeItIsSent() throws Exception {
        CompletableFuture<Boolean> a = firstInFlight();
        List<String> beats = new CopyOnWriteArrayList<>();

        ApplicationFailure gaveUp = assertThrows(
                ApplicationFailure.class,
                () -> batcher.run(
                        "late",
                        (java.util.function.Supplier<List<String>>) () -> {
                            throw new AssertionError("a withdrawn request is never prepared");
                        },
                        beats::add,
                        "late change",
                        Duration.ofMillis(1500)));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, gaveUp.getType());
        assertFalse(beats.isEmpty(), "the caller heartbeats while it waits");
        zone.firstInSync.countDown();
        assertTrue(a.get(10, TimeUnit.SECONDS));
        await(() -> batcher.queued() == 0);
        assertEquals(List.of(List.of("a")), zone.batches);
    }

    @Test
    void aBatchNotServedInTimeFailsEveryRequestInItRetryably() {
        zone.neverInSync = true;

        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class,
                () -> batcher.run(
                        "a",
                        (java.util.function.Supplier<List<String>>) () -> List.of("a"),
                        Heartbeat.NONE,
                        "change a",
                        Duration.ofSeconds(10)));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("still PENDING"), failure.getOriginalMessage());
    }

    @Test
    void requestsQueuedWhileTheBatchWaitsForItsTurnGoInIt() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch turn = new CountDownLatch(1);
        List<String> forfeited = new CopyOnWriteArrayList<>();
        FakeZone budgeted = new FakeZone() {
            @Override
            public void awaitTurn() {
                waiting.countDown();
                try {
                    assertTrue(turn.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void forfeitTurn() {
                forfeited.add("turn");
            }
        };
        budgeted.firstInSync.countDown();
        ZoneBatcher<String, Void> held = new ZoneBatcher<>(budgeted, Duration.ZERO, executor);

        CompletableFuture<Boolean> a = submit(held, "a");
        assertTrue(waiting.await(10, TimeUnit.SECONDS), "the batch waits for its turn");
        List<CompletableFuture<Boolean>> later = new ArrayList<>();
        for (String name : List.of("b", "c")) {
            later.add(submit(held, name));
        }
        await(() -> held.queued() == 3);
        turn.countDown();

        assertTrue(a.get(10, TimeUnit.SECONDS));
        for (CompletableFuture<Boolean> each : later) {
            assertTrue(each.get(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(List.of("a", "b", "c")), budgeted.batches, "one batch for the three");
        await(() -> !forfeited.isEmpty()); // what the turn took and the batch did not use is given up after it
    }

    @Test
    void preparationsThatWaitOnTheNetworkRunTogether() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            FakeZone slow = new FakeZone();
            ZoneBatcher<String, Void> batcher = new ZoneBatcher<>(slow, Duration.ZERO, pool);
            CompletableFuture<Boolean> first =
                    batcher.submit("a", (java.util.function.Supplier<List<String>>) () -> List.of("a"));
            await(() -> slow.batches.size() == 1);
            // Each preparation waits for the three others (as a plan's recording waits on the Temporal server): done
            // one after another, the first would wait in vain.
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(4);
            List<CompletableFuture<Boolean>> waiting = new ArrayList<>();
            for (String name : List.of("b", "c", "d", "e")) {
                waiting.add(batcher.submit(name, (java.util.function.Supplier<List<String>>) () -> {
                    try {
                        together.await(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(name + " was prepared alone", e);
                    }
                    return List.of(name);
                }));
            }
            await(() -> batcher.queued() == 4);
            slow.firstInSync.countDown();

            assertTrue(first.get(10, TimeUnit.SECONDS));
            for (CompletableFuture<Boolean> each : waiting) {
                assertTrue(each.get(10, TimeUnit.SECONDS));
            }
            assertEquals(List.of(List.of("a"), List.of("b", "c", "d", "e")), slow.batches);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void whenReadsSeeAcceptedChangesTheNextBatchGoesWhileTheLastPropagatesAndEachIsConfirmedInTurn() throws Exception {
        withPropagatingZone((propagating, batcher) -> {
            CompletableFuture<Boolean> a = CallPriority.with(1, () -> submit(batcher, "a"));
            await(() -> propagating.asked.equals(List.of("C1")));

            CompletableFuture<Boolean> b = CallPriority.with(1, () -> submit(batcher, "b"));
            CompletableFuture<Boolean> c = CallPriority.with(1, () -> submit(batcher, "c"));
            // b and c go in one batch or, when the batch left before c came, in two: either way before C1 is served.
            await(() -> batcher.queued() == 0 && sent(propagating).size() == 3);
            assertEquals(List.of("a", "b", "c"), sent(propagating), "sent while C1 propagates");
            // A batch is counted unserved once the zone has accepted it, just after the zone records it as sent.
            await(() -> batcher.unserved() == propagating.batches.size());
            assertFalse(a.isDone() || b.isDone() || c.isDone(), "a result comes only once its batch is served");
            assertEquals(List.of("C1"), propagating.asked, "C2 is asked about only once C1 is served");

            propagating.serve("C1");
            assertTrue(a.get(10, TimeUnit.SECONDS));
            await(() -> propagating.asked.equals(List.of("C1", "C2")));
            assertFalse(b.isDone());
            propagating.serveAll();
            assertTrue(b.get(10, TimeUnit.SECONDS));
            assertTrue(c.get(10, TimeUnit.SECONDS));
            await(() -> batcher.unserved() == 0);
            assertEquals(1, propagating.mostAskedAtOnce.get(), "one status call at a time for the zone");
            assertEquals(List.of(1), propagating.tiers.stream().distinct().toList(), "confirmed at the batch's tier");
            assertEquals(
                    List.of(ZoneBatcher.CONFIRMATIONS_DEFERRED),
                    propagating.deferrals.stream().distinct().toList(),
                    "behind the changes arriving within a few seconds");
        });
    }

    @Test
    void whenReadsSeeAcceptedChangesABatchNeverServedFailsAloneAndTheNextIsStillConfirmed() throws Exception {
        withPropagatingZone((propagating, batcher) -> {
            CompletableFuture<Boolean> a = submit(batcher, "a");
            await(() -> propagating.asked.size() == 1);
            CompletableFuture<Boolean> b = submit(batcher, "b");
            await(() -> propagating.batches.size() == 2);

            propagating.neverServed("C1");
            assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure(a).getType());
            await(() -> propagating.asked.size() == 2);
            propagating.serve("C2");
            assertTrue(b.get(10, TimeUnit.SECONDS));
        });
    }

    /** A test of a batcher on a zone whose reads see accepted changes. */
    private interface PropagatingTest {
        void run(PropagatingZone zone, ZoneBatcher<String, Void> batcher) throws Exception;
    }

    /** Runs the test with a batcher on a {@link PropagatingZone}, on threads of its own; serves every batch after. */
    private static void withPropagatingZone(PropagatingTest test) throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        PropagatingZone zone = new PropagatingZone();
        try {
            test.run(zone, new ZoneBatcher<>(zone, Duration.ZERO, pool));
        } finally {
            zone.serveAll();
            pool.shutdownNow();
        }
    }

    @Test
    void aBatchFollowingAnotherIsPreparedFromWhatIsKnownAndAllButAChangeFromItIsPreparedAgainFromARead()
            throws Exception {
        KnownZone known = new KnownZone();
        ZoneBatcher<String, String> batcher = new ZoneBatcher<>(known, Duration.ZERO, executor);
        CompletableFuture<Boolean> a = batcher.submit("a", view -> List.of("a@" + view));
        await(() -> known.batches.size() == 1);
        CompletableFuture<Boolean> b = batcher.submit("b", view -> List.of("b@" + view));
        // Already as wanted by what is known, not by the zone itself.
        CompletableFuture<Boolean> c =
                batcher.submit("c", view -> view.equals("known") ? List.of() : List.of("c@" + view));
        // Not as what is known says: the provider refuses its batch (the changes are conditional).
        CompletableFuture<Boolean> s = batcher.submit("s", view -> List.of("s@" + view));
        await(() -> batcher.queued() == 3);
        known.firstAccepted.countDown();

        for (CompletableFuture<Boolean> each : List.of(a, b, c, s)) {
            assertTrue(each.get(10, TimeUnit.SECONDS));
        }
        assertEquals(
                List.of(
                        List.of("a@read"),
                        List.of("b@known", "s@known"),
                        List.of("b@read", "s@read"),
                        List.of("c@read")),
                known.batches,
                "the first batch reads; the one following it is prepared from what is known, sent again from a read"
                        + " once refused, and the request that found nothing to change from it is prepared from a read");
        assertEquals(3, known.reads.get());
    }

    @Test
    void aBatchAfterAPauseReadsTheZoneAndTheOneFollowingItDoesNot() throws Exception {
        KnownZone known = new KnownZone();
        ZoneBatcher<String, String> batcher = new ZoneBatcher<>(known, Duration.ZERO, executor);
        known.firstAccepted.countDown();
        assertTrue(batcher.submit("a", view -> List.of("a@" + view)).get(10, TimeUnit.SECONDS));
        await(() -> !batcher.draining()); // the next batch comes after a pause
        assertTrue(batcher.submit("b", view -> List.of("b@" + view)).get(10, TimeUnit.SECONDS));

        known.holdNext();
        CompletableFuture<Boolean> c = batcher.submit("c", view -> List.of("c@" + view));
        await(() -> known.batches.size() == 3);
        CompletableFuture<Boolean> d = batcher.submit("d", view -> List.of("d@" + view));
        await(() -> batcher.queued() == 1);
        known.release();
        assertTrue(c.get(10, TimeUnit.SECONDS));
        assertTrue(d.get(10, TimeUnit.SECONDS));

        assertEquals(
                List.of(List.of("a@read"), List.of("b@read"), List.of("c@read"), List.of("d@known")), known.batches);
    }

    /**
     * A zone whose reads see accepted changes, whose view is "read" from a read and "known" from what is known, that
     * refuses a batch holding "s@known" (a record no longer as known) as a whole, and holds its first batch until the
     * test lets it be accepted.
     */
    private static final class KnownZone implements ZoneBatcher.Zone<String, String> {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        volatile CountDownLatch firstAccepted = new CountDownLatch(1);
        private volatile int held = 1;

        void holdNext() {
            firstAccepted = new CountDownLatch(1);
            held = batches.size() + 1;
        }

        void release() {
            firstAccepted.countDown();
        }

        @Override
        public String submit(List<String> changes) {
            batches.add(new ArrayList<>(changes));
            if (batches.size() == held) {
                try {
                    firstAccepted.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (changes.contains("s@known")) {
                throw Failures.of(FailureTypes.PROVIDER_REJECTED, "InvalidChangeBatch: s is not as known");
            }
            return "C" + batches.size();
        }

        @Override
        public void awaitInSync(String changeId) {}

        @Override
        public boolean readsSeeAcceptedChanges() {
            return true;
        }

        @Override
        public String view(List<String> recordKeys) {
            reads.incrementAndGet();
            return "read";
        }

        @Override
        public String recentView(List<String> recordKeys) {
            return "known";
        }
    }

    /** Submits a request changing {@code name} alone. */
    private static CompletableFuture<Boolean> submit(ZoneBatcher<String, Void> batcher, String name) {
        return batcher.submit(name, (java.util.function.Supplier<List<String>>) () -> List.of(name));
    }

    private static List<String> sent(FakeZone zone) {
        return zone.batches.stream().flatMap(List::stream).toList();
    }

    private CompletableFuture<Boolean> firstInFlight() {
        CompletableFuture<Boolean> a = change("a");
        await(() -> zone.batches.size() == 1);
        return a;
    }

    private CompletableFuture<Boolean> change(String name) {
        return submit(batcher, name);
    }

    private static ApplicationFailure failure(CompletableFuture<Boolean> result) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        return (ApplicationFailure) e.getCause();
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    /**
     * A zone whose reads see accepted changes (as Route 53's do), each of its batches PENDING until the test serves it
     * or says it never will; records which batches were asked about, with what tier, and how many at once.
     */
    private static final class PropagatingZone extends FakeZone {
        final List<String> asked = new CopyOnWriteArrayList<>();
        final List<Integer> tiers = new CopyOnWriteArrayList<>();
        final List<Duration> deferrals = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger mostAskedAtOnce =
                new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger askedNow =
                new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.Map<String, CompletableFuture<Boolean>> served =
                new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public boolean readsSeeAcceptedChanges() {
            return true;
        }

        @Override
        public void awaitInSync(String changeId) {
            asked.add(changeId);
            tiers.add(CallPriority.current());
            deferrals.add(CallPriority.deferral());
            mostAskedAtOnce.accumulateAndGet(askedNow.incrementAndGet(), Math::max);
            try {
                if (!batch(changeId).get(20, TimeUnit.SECONDS)) {
                    throw Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, "change " + changeId + " is still PENDING");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(e);
            } finally {
                askedNow.decrementAndGet();
            }
        }

        void serve(String changeId) {
            batch(changeId).complete(true);
        }

        void neverServed(String changeId) {
            batch(changeId).complete(false);
        }

        void serveAll() {
            for (int i = 1; i <= batches.size(); i++) {
                serve("C" + i);
            }
        }

        private CompletableFuture<Boolean> batch(String changeId) {
            return served.computeIfAbsent(changeId, k -> new CompletableFuture<>());
        }
    }

    /** A zone that records each batch, refuses whole batches holding "bad", and holds its first batch PENDING. */
    private static class FakeZone implements ZoneBatcher.Zone<String, Void> {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        /** The span each batch was submitted in. */
        final List<SpanContext> submittedIn = new CopyOnWriteArrayList<>();

        final CountDownLatch firstInSync = new CountDownLatch(1);
        volatile boolean neverInSync;
        /** Changes refused once each, as the record they expect was changed just before they arrived. */
        final Set<String> refusedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public String submit(List<String> changes) {
            batches.add(new ArrayList<>(changes));
            submittedIn.add(Span.current().getSpanContext());
            for (String change : changes) {
                if (refusedOnce.remove(change)) {
                    throw Failures.of(
                            FailureTypes.PROVIDER_REJECTED, "InvalidChangeBatch: " + change + " is not as expected");
                }
            }
            if (changes.stream().anyMatch(Set.of("bad")::contains)) {
                throw Failures.of(FailureTypes.PROVIDER_REJECTED, "InvalidChangeBatch: bad already exists");
            }
            return "C" + batches.size();
        }

        @Override
        public void awaitInSync(String changeId) {
            if (neverInSync) {
                throw Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, "change " + changeId + " is still PENDING");
            }
            if (changeId.equals("C1")) {
                try {
                    firstInSync.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
