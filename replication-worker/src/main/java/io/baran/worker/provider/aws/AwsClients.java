package io.baran.worker.provider.aws;

import io.baran.worker.provider.ProviderSettings;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds every AWS client the same way: credentials from the SDK's default chain only (environment,
 * system properties, profile, instance or pod role), one plain HTTP client, bounded timeouts, and the
 * endpoint override of the provider's settings (an emulator such as moto); every call is traced ({@link AwsCallSpans}).
 */
final class AwsClients {

    private AwsClients() {}

    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, ProviderSettings settings, Region region) {
        return build(builder, settings, region, false);
    }

    /**
     * @param budgeted the client's calls go through an API budget ({@link AwsCalls}): the SDK must not send any again by
     *                 itself, or its retries would spend tokens the budget never gave (throttled answers, unavailable
     *                 endpoints and the like come back at once, to be waited out within the budget or by Temporal)
     */
    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, ProviderSettings settings, Region region, boolean budgeted) {
        builder.region(region)
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30))
                        .build())
                .overrideConfiguration(c -> {
                    c.apiCallAttemptTimeout(Duration.ofSeconds(30)).apiCallTimeout(Duration.ofSeconds(90));
                    c.addExecutionInterceptor(new AwsCallSpans()); // each API call is a span of the trace
                    if (budgeted) {
                        c.retryStrategy(AwsRetryStrategy.doNotRetry());
                    }
                });
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
