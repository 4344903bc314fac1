package io.baran.worker.action;

import io.baran.runbook.BoundWith;
import io.baran.worker.Failures;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import io.baran.worker.provider.Capability;
import io.baran.worker.provider.CdnProvider;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cdn.extend-ttl}: raises the default and max TTLs of a distribution's cache behaviours to at
 * least {@code ttl}, so the CDN keeps serving from its cache while the origin is down; undo puts back the
 * exact TTLs it replaced. Behaviours that cache nothing (max TTL 0) are left alone: they were set up so
 * on purpose, and caching them could serve one user's response to another. With {@code serveStale: true}
 * (where the provider can) the CDN also serves expired objects while the origin fails, for as long as the TTL.
 * A behaviour whose TTLs come from a cache policy (or that lets the origin decide) rises only where the provider
 * can switch it to a policy with the raised TTLs (CDN_CACHE_POLICY, e.g. CloudFront); elsewhere the plan is refused.
 */
@Singleton
public class CdnExtendTtl extends ProviderAction {

    public static final String NAME = "cdn.extend-ttl";
    /**
     * With {@code serveStale}, stale objects are served for as long as the TTL, at most a week: Cloud CDN's
     * limit, and an origin down for longer than that needs a person rather than an older page.
     */
    static final long MAX_SERVE_STALE = 604_800;

    @Inject
    public CdnExtendTtl(Providers providers) {
        super(NAME, providers);
    }

    /**
     * The step's {@code with:} block.
     *
     * @param ttlSeconds the TTL the behaviours' default and max TTLs are raised to (never lowered)
     * @param ttlText    the TTL as the runbook wrote it, for messages
     */
    public record Input(String provider, String distribution, long ttlSeconds, String ttlText, boolean serveStale) {}

    @Override
    public Input input(BoundWith with) {
        return new Input(
                with.text("provider"),
                with.text("distribution"),
                with.duration("ttl").toSeconds(),
                with.durationText("ttl"),
                with.flag("serveStale"));
    }

    /** The step's input; fails (InvalidInput) with every violation of the with: block. */
    public Input input(StepCommand command) {
        return input(StepInput.bind(this, command));
    }

    @Override
    public StepPlan plan(StepCommand command) {
        Input in = input(command);
        CdnProvider cdn = cdn(in);
        CacheTtls current = cdn.observe(in.distribution());
        List<BehaviourTtls> withPolicy = current.behaviours().stream()
                .filter(b -> b.cachePolicy() != null)
                .toList();
        if (!withPolicy.isEmpty()
                && !providers
                        .find(in.provider())
                        .support(Capability.CDN_CACHE_POLICY)
                        .available()) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "distribution " + in.distribution() + " of provider " + in.provider()
                            + ": behaviour(s) "
                            + String.join(
                                    ", ",
                                    withPolicy.stream()
                                            .map(b -> b.path() + " (cache policy " + b.cachePolicy() + ")")
                                            .toList())
                            + " take their TTLs from a cache policy; "
                            + providers
                                    .find(in.provider())
                                    .support(Capability.CDN_CACHE_POLICY)
                                    .describe());
        }
        CacheTtls desired = current.raisedTo(in.ttlSeconds());
        if (in.serveStale()) {
            desired = desired.servingStaleFor(Math.min(in.ttlSeconds(), MAX_SERVE_STALE));
        }
        boolean changes = !current.sameAs(desired);
        List<String> leftAlone = current.behaviours().stream()
                .filter(BehaviourTtls::cachesNothing)
                .map(BehaviourTtls::path)
                .toList();
        String summary = "distribution " + in.distribution() + " TTLs "
                + (changes ? current.diff(desired) : "already at least " + in.ttlText() + ": " + current.describe())
                + (leftAlone.isEmpty() ? "" : "; left alone (cache nothing): " + String.join(", ", leftAlone))
                + cdn.controlPlane().note();
        Map<String, Object> wanted = new LinkedHashMap<>(desired.toMap());
        wanted.put("ttl", in.ttlSeconds());
        return new StepPlan(
                command.step(), NAME, changes, summary, cdn.controlPlane().addTo(current.toMap()), wanted);
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        Input in = input(command);
        PlannedStates<CacheTtls> states = PlannedStates.of(NAME, command, plan, CacheTtls::fromPlan);
        return distribution(in).apply(command.step(), states.observed(), states.desired());
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        Input in = input(command);
        PlannedStates<CacheTtls> states = PlannedStates.of(NAME, command, plan, CacheTtls::fromPlan);
        return distribution(in).undo(command.step(), states.observed(), states.desired());
    }

    /** The TTLs of the distribution a step names, at its provider. */
    private GuardedChange<CacheTtls> distribution(Input in) {
        CdnProvider cdn = cdn(in);
        return new GuardedChange.OfPlanState<>() {
            @Override
            protected String label() {
                return "distribution " + in.distribution() + " TTLs";
            }

            @Override
            protected CacheTtls observe() {
                return cdn.observe(in.distribution());
            }

            @Override
            protected void replace(CacheTtls from, CacheTtls to) {
                cdn.replace(in.distribution(), from, to);
            }

            @Override
            protected RuntimeException changedByHand(CacheTtls current, String expected) {
                return CdnExtendTtl.changedByHand(in, current, expected);
            }
        };
    }

    private CdnProvider cdn(Input in) {
        if (in.serveStale()) {
            providers.require(in.provider(), Capability.CDN_SERVE_STALE);
        }
        return providers.cdn(in.provider());
    }

    private static RuntimeException changedByHand(Input in, CacheTtls current, String expected) {
        return Failures.of(
                FailureTypes.PLAN_UNSAFE,
                "distribution " + in.distribution() + " of provider " + in.provider()
                        + " now has TTLs " + current.describe() + ", but " + expected
                        + ": they were changed by someone else since; Baran will not overwrite them (check them, then plan again)");
    }
}
