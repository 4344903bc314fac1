package io.baran.orchestrator.dispatch;

import io.baran.orchestrator.config.DispatchConfig;
import io.baran.orchestrator.workflow.ExecutionReader;
import io.baran.orchestrator.workflow.ProviderSlots;
import io.baran.orchestrator.workflow.SlotWaiters;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@link ProviderSlots} on PostgreSQL ({@code provider_slot}). Per provider, under that provider's lock: a slot is
 * granted when fewer than the cap hold one and the asker is among the first waiters by tier, then by when it began to
 * wait (a waiter that stopped asking is passed over). All of an execution's providers are granted together or not at
 * all (locks taken in name order), so two executions never hold half of each other's slots. A holder that Temporal no
 * longer runs (terminated without giving its slots back) loses them when its provider is full (asked about at most
 * every 30 seconds per provider, and only once it held them for 30 seconds). A queued execution waits in one activity
 * ({@link #await}, {@link SlotWaiters}) that asks again every {@code baran.dispatch.slot-poll}, which keeps its
 * {@code seen_at} fresh.
 */
@ApplicationScoped
public class ProviderSlotStore implements ProviderSlots {

    private static final Logger LOG = Logger.getLogger(ProviderSlotStore.class);

    @Inject
    ProviderCaps caps;

    @Inject
    DispatchConfig config;

    @Inject
    WorkflowClient client;

    @Inject
    ExecutionReader reader;

    /** Queued executions waiting here, each in one activity; created on the first wait. */
    private volatile SlotWaiters waiters;

    @Override
    public Grant await(Ask ask) {
        return waiters().await(ask);
    }

    private SlotWaiters waiters() {
        SlotWaiters w = waiters;
        if (w == null) {
            synchronized (this) {
                if (waiters == null) {
                    waiters = new SlotWaiters(
                            this::acquire, client.newActivityCompletionClient(), config.slotPoll(), HEARTBEAT_EVERY);
                }
                w = waiters;
            }
        }
        return w;
    }

    /** Well within the waiting activity's heartbeat timeout (30 s, in the workflow). */
    private static final java.time.Duration HEARTBEAT_EVERY = java.time.Duration.ofSeconds(10);

    @PreDestroy
    void stopWaiting() {
        if (waiters != null) {
            waiters.close();
        }
    }

    @Override
    public Grant acquire(Ask ask) {
        List<String> providers = ask.providers().stream()
                .filter(p -> caps.of(p).isPresent())
                .sorted()
                .distinct()
                .toList();
        if (providers.isEmpty()) {
            return new Grant(true, null, 0);
        }
        for (int pass = 0; pass < 2; pass++) {
            Grant grant = QuarkusTransaction.requiringNew().call(() -> tryAcquire(ask, providers));
            if (grant.granted() || pass > 0 || !freeGoneHolders(providers)) {
                return grant;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private Grant tryAcquire(Ask ask, List<String> providers) {
        var em = Panache.getEntityManager();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant fresh = now.minus(config.slotPoll().multipliedBy(5));
        List<String> waits = new ArrayList<>();
        for (String provider : providers) {
            em.createNativeQuery("select cast(pg_advisory_xact_lock(hashtext(:key)) as text)")
                    .setParameter("key", "baran.provider-slot/" + provider)
                    .getSingleResult();
            em.createNativeQuery(
                            "insert into provider_slot (provider, execution_id, holding, tier, since, seen_at) "
                                    + "values (:p, :id, false, :tier, :now, :now) on conflict (provider, execution_id) do update set seen_at = :now")
                    .setParameter("p", provider)
                    .setParameter("id", ask.executionId())
                    .setParameter("tier", ask.tier())
                    .setParameter("now", now)
                    .executeUpdate();
            Object[] row = (Object[]) em.createNativeQuery("select "
                            + "(select count(*) from provider_slot where provider = :p and holding), "
                            + "(select holding from provider_slot where provider = :p and execution_id = :id), "
                            + "(select count(*) from provider_slot w, provider_slot me where w.provider = :p and me.provider = :p "
                            + "and me.execution_id = :id and not w.holding and w.execution_id <> :id and w.seen_at >= :fresh "
                            + "and (w.tier < me.tier or (w.tier = me.tier and (w.since < me.since or (w.since = me.since "
                            + "and w.execution_id < me.execution_id)))))")
                    .setParameter("p", provider)
                    .setParameter("id", ask.executionId())
                    .setParameter("fresh", fresh)
                    .getSingleResult();
            long holders = ((Number) row[0]).longValue();
            boolean mine = Boolean.TRUE.equals(row[1]);
            long ahead = ((Number) row[2]).longValue();
            int cap = caps.of(provider).orElseThrow();
            if (!mine && holders + ahead >= cap) {
                waits.add("provider " + provider + ": " + holders + " of " + cap + " slots taken, " + ahead + " ahead");
            }
        }
        if (!waits.isEmpty()) {
            return new Grant(false, String.join("; ", waits), config.slotPoll().toMillis());
        }
        for (String provider : providers) {
            em.createNativeQuery(
                            "update provider_slot set holding = true, seen_at = :now where execution_id = :id and provider = :p")
                    .setParameter("now", now)
                    .setParameter("id", ask.executionId())
                    .setParameter("p", provider)
                    .executeUpdate();
        }
        return new Grant(true, null, 0);
    }

    @Override
    public void release(String executionId) {
        QuarkusTransaction.requiringNew()
                .run(() -> Panache.getEntityManager()
                        .createNativeQuery("delete from provider_slot where execution_id = :id")
                        .setParameter("id", executionId)
                        .executeUpdate());
    }

    /** When each provider's holders were last checked against Temporal: at most once per {@link #CHECK_EVERY}. */
    private final java.util.Map<String, Instant> checked = new java.util.concurrent.ConcurrentHashMap<>();

    private static final java.time.Duration CHECK_EVERY = java.time.Duration.ofSeconds(30);

    /**
     * Frees the slots of holders Temporal no longer runs; true when it freed any. Only holders granted more than
     * {@link #CHECK_EVERY} ago are asked about: one granted a moment ago is running.
     */
    private boolean freeGoneHolders(List<String> providers) {
        Instant now = Instant.now();
        List<String> due = providers.stream()
                .filter(p -> {
                    Instant last = checked.get(p);
                    return last == null || last.plus(CHECK_EVERY).isBefore(now);
                })
                .toList();
        if (due.isEmpty()) {
            return false;
        }
        due.forEach(p -> checked.put(p, now));
        providers = due;
        List<String> ps = providers;
        List<String> holders = QuarkusTransaction.requiringNew().call(() -> {
            java.util.Set<String> out = new java.util.TreeSet<>();
            for (String provider : ps) {
                for (Object id : Panache.getEntityManager()
                        .createNativeQuery(
                                "select execution_id from provider_slot where holding and provider = :p and seen_at < :granted")
                        .setParameter("p", provider)
                        .setParameter("granted", now.minus(CHECK_EVERY).truncatedTo(ChronoUnit.MICROS))
                        .getResultList()) {
                    out.add((String) id);
                }
            }
            return List.copyOf(out);
        });
        boolean freed = false;
        for (String holder : holders) {
            if (!isRunning(holder)) {
                LOG.warnf("execution %s no longer runs but held provider slots; they are free again", holder);
                release(holder);
                freed = true;
            }
        }
        return freed;
    }

    private boolean isRunning(String executionId) {
        return reader.status(executionId)
                .map(status -> status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
                .orElse(false);
    }
}
