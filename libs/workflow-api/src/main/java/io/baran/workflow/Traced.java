package io.baran.workflow;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.function.Supplier;

/** Runs code in a span: the span is current while it runs, marked failed if it throws, and ended after it. */
public final class Traced {

    private Traced() {}

    /** Runs {@code body} with {@code span} current, as a child of {@code parent}'s context; ends the span. */
    public static <T> T call(Span span, Context parent, Supplier<T> body) {
        try (Scope ignored = parent.with(span).makeCurrent()) {
            return body.get();
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    /** As {@link #call}, for code that returns nothing. */
    public static void run(Span span, Context parent, Runnable body) {
        call(span, parent, () -> {
            body.run();
            return null;
        });
    }
}
