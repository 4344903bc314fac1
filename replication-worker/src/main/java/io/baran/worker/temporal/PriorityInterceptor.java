package io.baran.worker.temporal;

import io.baran.worker.budget.CallPriority;
import io.baran.workflow.PriorityHeader;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;

/**
 * Runs each activity as a call of its execution's tier: the {@code baran-priority} header the orchestrator puts on
 * every activity call ({@link PriorityHeader}) becomes the activity thread's {@link CallPriority}, so the API budgets
 * serve tier 1 first. A call without the header (an execution started before it existed) is the default tier.
 */
public final class PriorityInterceptor extends WorkerInterceptorBase {

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
        return new ActivityInboundCallsInterceptorBase(next) {
            @Override
            public ActivityOutput execute(ActivityInput input) {
                int tier = PriorityHeader.read(input.getHeader(), DataConverter.getDefaultInstance())
                        .orElse(CallPriority.DEFAULT);
                return CallPriority.with(tier, () -> super.execute(input));
            }
        };
    }
}
