package io.baran.worker.provider.aws;

import io.baran.worker.budget.BudgetedCalls;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs one AWS API call of one provider within the account's API budget, turning its SDK exception into Baran's
 * failure type ({@link AwsFailures}); a throttled answer is waited out and the call sent again ({@link BudgetedCalls}).
 */
final class AwsCalls {

    private static final Logger LOG = Logger.getLogger(AwsCalls.class);

    private final String provider;
    private final String service;
    private final BudgetedCalls budget;

    AwsCalls(String provider, String service, BudgetedCalls budget) {
        this.provider = provider;
        this.service = service;
        this.budget = budget;
    }

    <T> T call(String operation, String resource, Supplier<T> request) {
        return budget.call(operation + " on " + resource, () -> {
            try {
                return request.get();
            } catch (SdkException e) {
                ApplicationFailure failure = AwsFailures.map(e, provider, service, operation, resource);
                if (!io.baran.workflow.FailureTypes.PROVIDER_THROTTLED.equals(failure.getType())) {
                    LOG.warn(failure.getOriginalMessage());
                }
                LOG.debug(service + " call failed", e);
                throw failure;
            }
        });
    }

    /** Takes the budget's token for this thread's next call now ({@link BudgetedCalls#prepay}). */
    void prepay(String operation, String resource) {
        budget.prepay(operation + " on " + resource);
    }

    String scope() {
        return budget.scope();
    }
}
