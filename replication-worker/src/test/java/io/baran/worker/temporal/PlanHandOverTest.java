package io.baran.worker.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.workflow.RecordedPlan;
import io.baran.workflow.StepPlan;
import io.temporal.activity.ActivityExecutionContext;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A step's progress line and its plan reach the SDK's heartbeat in an order that never leaves a bare line last: the
 * zone batch records a Route 53 step's plan on its own thread while the step's thread reports that it is waiting,
 * and the SDK sends the last details it was handed, later, in the background.
 */
class PlanHandOverTest {

    private static final StepPlan PLAN = new StepPlan(
            "switch", "dns.switch", true, "primary -> standby", Map.of("value", "primary"), Map.of("value", "standby"));

    @Test
    void aLineThatFoundNoPlanYetNeverReachesTheSdkAfterThePlan() throws Exception {
        List<Object> handed = new CopyOnWriteArrayList<>();
        CountDownLatch lineInside = new CountDownLatch(1);
        CountDownLatch releaseLine = new CountDownLatch(1);
        // The SDK's heartbeat, slow to take the step's bare line: the plan's recording arrives meanwhile.
        ActivityExecutionContext context = (ActivityExecutionContext) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ActivityExecutionContext.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("heartbeat")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    if (args[0] instanceof RecordedPlan line && line.plan() == null) {
                        lineInside.countDown();
                        assertTrue(releaseLine.await(10, TimeUnit.SECONDS), "the test released the line");
                    }
                    handed.add(args[0]);
                    return null;
                });
        AtomicReference<StepPlan> carried = new AtomicReference<>();

        Thread step = new Thread(() -> ActivityHeartbeat.carrying(carried, () -> {
            ActivityHeartbeat.beat(context, "waiting for the change of www");
            return null;
        }));
        step.start();
        assertTrue(lineInside.await(10, TimeUnit.SECONDS), "the step's line reached the SDK");
        Thread batch = new Thread(() -> PlanRecorder.handOver(context, PLAN, carried));
        batch.start();
        // The recording waits for the line to be handed over; were it not to, it would be done here.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (batch.isAlive() && batch.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        releaseLine.countDown();
        step.join(10_000);
        batch.join(10_000);

        assertEquals(2, handed.size(), "the line and the plan: " + handed);
        assertNull(((RecordedPlan) handed.get(0)).plan(), "the line first, as it found no plan");
        RecordedPlan last = (RecordedPlan) handed.get(1);
        assertEquals(PLAN, last.plan(), "the SDK's last details, sent in the background, carry the plan");
        assertEquals(PLAN, carried.get());
    }

    @Test
    void everyLineAfterTheRecordingCarriesThePlan() {
        List<Object> handed = new CopyOnWriteArrayList<>();
        ActivityExecutionContext context = (ActivityExecutionContext) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ActivityExecutionContext.class}, (proxy, method, args) -> {
                    handed.add(args[0]);
                    return null;
                });
        AtomicReference<StepPlan> carried = new AtomicReference<>();

        ActivityHeartbeat.carrying(carried, () -> {
            PlanRecorder.handOver(context, PLAN, carried);
            ActivityHeartbeat.beat(context, "waiting for www to be INSYNC");
            return null;
        });

        RecordedPlan line = (RecordedPlan) handed.get(1);
        assertEquals(PLAN, line.plan());
        assertEquals("waiting for www to be INSYNC", line.progress());
    }
}
