package io.baran.worker.provider.aws;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import software.amazon.awssdk.core.interceptor.Context.AfterExecution;
import software.amazon.awssdk.core.interceptor.Context.BeforeExecution;
import software.amazon.awssdk.core.interceptor.Context.FailedExecution;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * One span per AWS API call ({@code Route53.ChangeResourceRecordSets}, ...), a child of whatever runs it (the
 * activity's span): from the SDK's first look at the request to its answer, retries included. Installed on every AWS
 * client ({@link AwsClients}). With tracing off (the no-op OpenTelemetry) it records nothing.
 */
final class AwsCallSpans implements ExecutionInterceptor {

    /**
     * The SDK keeps every attribute name in one JVM-wide registry and refuses a name twice; this class is loaded again
     * for each application started in the same JVM (the tests restart it), so the name carries its class loader.
     */
    private static final ExecutionAttribute<Span> SPAN = new ExecutionAttribute<>(
            "baran.span@" + Integer.toHexString(System.identityHashCode(AwsCallSpans.class.getClassLoader())));

    @Override
    public void beforeExecution(BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Span span = GlobalOpenTelemetry.getOrNoop()
                .getTracer("io.baran.aws")
                .spanBuilder(service + "." + operation)
                .setParent(Context.current())
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("rpc.system", "aws-api")
                .setAttribute("rpc.service", service)
                .setAttribute("rpc.method", operation)
                .startSpan();
        attributes.putAttribute(SPAN, span);
    }

    @Override
    public void afterExecution(AfterExecution context, ExecutionAttributes attributes) {
        Span span = attributes.getAttribute(SPAN);
        if (span != null) {
            span.setAttribute(
                    "http.response.status_code", context.httpResponse().statusCode());
            span.end();
        }
    }

    @Override
    public void onExecutionFailure(FailedExecution context, ExecutionAttributes attributes) {
        Span span = attributes.getAttribute(SPAN);
        if (span != null) {
            Throwable failure = context.exception();
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            span.end();
        }
    }
}
