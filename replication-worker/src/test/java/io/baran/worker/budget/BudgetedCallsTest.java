package io.baran.worker.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Calls within a budget: throttled answers are sent again, other failures are not. */
@Timeout(30)
class BudgetedCallsTest {

    private final List<String> beats = new CopyOnWriteArrayList<>();
    private final BudgetedCalls calls =
            new BudgetedCalls(ApiBudget.local(), "aws:shop:route53", Optional.of(new Limit(100, 10)), beats::add);

    @Test
    void aThrottledAnswerIsSentAgainUntilItSucceedsAndTheCallerSeesOnlyTheResult() {
        AtomicInteger attempts = new AtomicInteger();

        String result = calls.call("ChangeResourceRecordSets on zone example.com.", () -> {
            if (attempts.incrementAndGet() <= 3) {
                throw Failures.of(FailureTypes.PROVIDER_THROTTLED, "Throttling: Rate exceeded");
            }
            return "C123";
        });

        assertEquals("C123", result);
        assertEquals(4, attempts.get());
        assertFalse(beats.isEmpty(), "the step heartbeats while it backs off");
    }

    @Test
    void anyOtherFailureIsNotSentAgain() {
        AtomicInteger attempts = new AtomicInteger();

        ApplicationFailure rejected = assertThrows(
                ApplicationFailure.class,
                () -> calls.call("x", () -> {
                    attempts.incrementAndGet();
                    throw Failures.of(FailureTypes.PROVIDER_REJECTED, "InvalidChangeBatch");
                }));

        assertEquals(FailureTypes.PROVIDER_REJECTED, rejected.getType());
        assertEquals(1, attempts.get());
    }

    @Test
    void theBackoffDoublesFrom200MsToAtMost5SWithEqualJitter() {
        assertEquals(Duration.ofMillis(100), BudgetedCalls.backoff(1, 0));
        assertTrue(BudgetedCalls.backoff(1, 0.999999).compareTo(Duration.ofMillis(200)) <= 0);
        assertEquals(Duration.ofMillis(600), BudgetedCalls.backoff(3, 0.5));
        assertEquals(Duration.ofMillis(2500), BudgetedCalls.backoff(30, 0));
        assertTrue(BudgetedCalls.backoff(30, 0.999999).compareTo(Duration.ofSeconds(5)) <= 0);
    }

    @Test
    void anEmptyBucketPastTheDeadlineFailsRetryablyWithoutCalling() {
        ApiBudget budget = ApiBudget.local();
        Limit onePerMinute = new Limit(1.0 / 60, 1);
        budget.take("b", onePerMinute, System.nanoTime() + Duration.ofSeconds(5).toNanos(), Heartbeat.NONE, "first");

        ApplicationFailure throttled = assertThrows(
                ApplicationFailure.class,
                () -> budget.take(
                        "b",
                        onePerMinute,
                        System.nanoTime() + Duration.ofSeconds(5).toNanos(),
                        Heartbeat.NONE,
                        "second"));

        assertEquals(FailureTypes.PROVIDER_THROTTLED, throttled.getType());
        assertFalse(throttled.isNonRetryable());
    }

    /** Whether the bucket still holds a token now (takes it if so). */
    private static boolean tokenLeft(ApiBudget budget, String bucket, Limit limit) {
        try {
            budget.take(
                    bucket, limit, System.nanoTime() + Duration.ofMillis(100).toNanos(), Heartbeat.NONE, "probe");
            return true;
        } catch (ApplicationFailure throttled) {
            assertEquals(FailureTypes.PROVIDER_THROTTLED, throttled.getType());
            return false;
        }
    }

    @Test
    void aPrepaidTokenIsSpentByTheNextCallOfThatThreadInsteadOfAnotherOne() {
        ApiBudget budget = ApiBudget.local();
        Limit oneAMinute = new Limit(1.0 / 60, 1);
        BudgetedCalls route53 = new BudgetedCalls(budget, "b", Optional.of(oneAMinute), beats::add);

        route53.prepay("ListResourceRecordSets on zone example.com.");
        // The bucket is empty now: a call taking a token of its own would wait a minute (past this test's timeout).
        assertEquals("page 1", route53.call("ListResourceRecordSets on zone example.com.", () -> "page 1"));
        assertFalse(tokenLeft(budget, "b", oneAMinute));
    }

    @Test
    void aPrepaidTokenServesOneCallAndAForfeitedOneNone() throws Exception {
        ApiBudget budget = ApiBudget.local();
        Limit twoThenOneAMinute = new Limit(1.0 / 60, 3);
        BudgetedCalls route53 = new BudgetedCalls(budget, "b", Optional.of(twoThenOneAMinute), beats::add);

        route53.prepay("read");
        route53.call("read", () -> "page 1"); // the prepaid token
        route53.call("read", () -> "page 2"); // a token of its own: one left
        assertTrue(tokenLeft(budget, "b", twoThenOneAMinute));
        assertFalse(tokenLeft(budget, "b", twoThenOneAMinute), "three tokens in all: the prepay and the second call");

        ApiBudget other = ApiBudget.local();
        BudgetedCalls forfeiting = new BudgetedCalls(other, "b", Optional.of(twoThenOneAMinute), beats::add);
        forfeiting.prepay("read");
        BudgetedCalls.forfeitPrepaid();
        forfeiting.call("read", () -> "page 1"); // takes its own: the prepaid one was given up
        assertTrue(tokenLeft(other, "b", twoThenOneAMinute));
        assertFalse(tokenLeft(other, "b", twoThenOneAMinute));

        ApiBudget third = ApiBudget.local();
        BudgetedCalls elsewhere = new BudgetedCalls(third, "b", Optional.of(twoThenOneAMinute), beats::add);
        elsewhere.prepay("read");
        Thread thread = new Thread(() -> elsewhere.call("read", () -> "page 1"));
        thread.start();
        thread.join(10_000);
        // The other thread paid for its own call; this thread's prepaid token is still unspent.
        assertTrue(tokenLeft(third, "b", twoThenOneAMinute));
        assertFalse(tokenLeft(third, "b", twoThenOneAMinute));
        BudgetedCalls.forfeitPrepaid();
    }
}
