package io.baran.workflow;

import io.temporal.common.converter.DataConverter;
import io.temporal.common.interceptors.Header;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.workflow.WorkflowLocal;
import java.util.Optional;

/**
 * Every activity call of an execution carries its runbook's tier ({@code spec.priority}, 1 first) as the Temporal
 * header {@value #NAME}, so a worker's per-provider API budget can serve tier 1 first without decoding the step's
 * input. The workflow sets the tier ({@link #set}) as it starts; this interceptor, installed on the orchestration
 * worker, adds the header to each activity it schedules. Headers are not part of what replay compares.
 *
 * <p>On the worker side, {@link #read} (with {@code DataConverter.getDefaultInstance()}) gives the tier from an activity's header (an
 * {@code ActivityInboundCallsInterceptor} sees it as {@code ActivityInput.getHeader()}); absent on calls of executions
 * started before the header existed.
 */
public final class PriorityHeader extends WorkerInterceptorBase {

    /** The header's name. */
    public static final String NAME = "baran-priority";

    private static final WorkflowLocal<Integer> TIER = WorkflowLocal.withCachedInitial(() -> null);

    /** From workflow code: the tier this execution's activity calls carry. */
    public static void set(int tier) {
        TIER.set(tier);
    }

    /** The tier an activity call carries, if any. */
    public static Optional<Integer> read(Header header, DataConverter converter) {
        var payload = header.getValues().get(NAME);
        if (payload == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(converter.fromPayload(payload, Integer.class, Integer.class));
    }

    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
        return new WorkflowInboundCallsInterceptorBase(next) {
            @Override
            public void init(WorkflowOutboundCallsInterceptor outboundCalls) {
                super.init(new WorkflowOutboundCallsInterceptorBase(outboundCalls) {
                    @Override
                    public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
                        Integer tier = TIER.get();
                        if (tier != null) {
                            // A plain JSON number: the tier is no secret, and a payload codec reads plain payloads as
                            // they are.
                            input.getHeader()
                                    .getValues()
                                    .put(
                                            NAME,
                                            DataConverter.getDefaultInstance()
                                                    .toPayload(tier)
                                                    .orElseThrow());
                        }
                        return super.executeActivity(input);
                    }
                });
            }
        };
    }
}
