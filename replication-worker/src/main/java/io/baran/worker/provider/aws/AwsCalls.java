package io.baran.worker.provider.aws;

import io.temporal.failure.ApplicationFailure;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.function.Supplier;

/** Runs one AWS API call of one provider, turning its SDK exception into Baran's failure type ({@link AwsFailures}). */
final class AwsCalls {

    private static final Logger LOG = Logger.getLogger(AwsCalls.class);

    private final String provider;
    private final String service;

    AwsCalls(String provider, String service) {
        this.provider = provider;
        this.service = service;
    }

    <T> T call(String operation, String resource, Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            ApplicationFailure failure = AwsFailures.map(e, provider, service, operation, resource);
            LOG.warn(failure.getOriginalMessage());
            LOG.debug(service + " call failed", e);
            throw failure;
        }
    }
}
