package io.baran.workflow;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.Header;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.workflow.WorkflowLocal;
import java.util.HashMap;
import java.util.Map;

/**
 * Carries the W3C trace context (OpenTelemetry) from whoever starts a workflow to every activity it runs, in the
 * Temporal header {@value #NAME}: the client side ({@link #client()}) starts a span for the start and puts its context
 * in the workflow's header; the workflow copies that header, unchanged, onto each activity, local activity and
 * continue-as-new it schedules ({@link #worker()}); the activity side opens a span per activity, a child of it.
 *
 * <p>The workflow itself creates no span and reads no clock: it passes along a value that came with its start event,
 * so a replay does the same and emits nothing. Headers are not part of what replay compares, so histories recorded
 * without the header replay as before. The header is plain JSON (a trace id is no secret), read with the default
 * converter whatever payload codec the client has.
 *
 * <p>The OpenTelemetry instance is looked up at each call ({@link GlobalOpenTelemetry#getOrNoop()}, never set from
 * here): with tracing off it is the no-op one, and the header is simply absent.
 */
public final class TraceHeader {

    /** The header's name. */
    public static final String NAME = "baran-trace";

    static final String INSTRUMENTATION = "io.baran.temporal";

    private static final WorkflowLocal<Payload> CARRIED = WorkflowLocal.withCachedInitial(() -> null);

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceHeader() {}

    /** For the workflow client: every workflow start is a span, and its context travels in the header. */
    public static WorkflowClientInterceptorBase client() {
        return new WorkflowClientInterceptorBase() {
            @Override
            public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(WorkflowClientCallsInterceptor next) {
                return new WorkflowClientCallsInterceptorBase(next) {
                    @Override
                    public WorkflowStartOutput start(WorkflowStartInput input) {
                        return traced(
                                "start " + input.getWorkflowType(),
                                input.getWorkflowId(),
                                input.getHeader(),
                                () -> super.start(input));
                    }

                    @Override
                    public WorkflowSignalWithStartOutput signalWithStart(WorkflowSignalWithStartInput input) {
                        WorkflowStartInput start = input.getWorkflowStartInput();
                        return traced(
                                "signal-with-start " + start.getWorkflowType(),
                                start.getWorkflowId(),
                                start.getHeader(),
                                () -> super.signalWithStart(input));
                    }
                };
            }
        };
    }

    /** For the worker factories: the workflow passes the header on; each activity runs in a span of its own. */
    public static WorkerInterceptorBase worker() {
        return new WorkerInterceptorBase() {
            @Override
            public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
                return new PassOn(next);
            }

            @Override
            public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
                return new ActivitySpan(next);
            }
        };
    }

    /** The trace context a header carries; {@link Context#root()} when it carries none. */
    public static Context extract(Header header) {
        Map<String, String> fields = fields(header);
        if (fields.isEmpty()) {
            return Context.root();
        }
        return otel().getPropagators().getTextMapPropagator().extract(Context.root(), fields, GETTER);
    }

    /** Puts the context's trace fields into the header; nothing when the context has no (sampled or unsampled) span. */
    static void inject(Context context, Header header) {
        Map<String, String> fields = new HashMap<>();
        otel().getPropagators().getTextMapPropagator().inject(context, fields, Map::put);
        if (!fields.isEmpty()) {
            header.getValues()
                    .put(
                            NAME,
                            DataConverter.getDefaultInstance().toPayload(fields).orElseThrow());
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> fields(Header header) {
        Payload payload = header.getValues().get(NAME);
        if (payload == null) {
            return Map.of();
        }
        try {
            Map<String, String> fields = DataConverter.getDefaultInstance().fromPayload(payload, Map.class, Map.class);
            return fields == null ? Map.of() : fields;
        } catch (RuntimeException e) {
            return Map.of(); // a header that cannot be read must not fail an activity
        }
    }

    private static <T> T traced(String name, String workflowId, Header header, java.util.function.Supplier<T> call) {
        Span span = otel().getTracer(INSTRUMENTATION)
                .spanBuilder(name)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("baran.workflow.id", workflowId)
                .startSpan();
        return Traced.call(span, Context.current(), () -> {
            inject(Context.current(), header);
            return call.get();
        });
    }

    private static OpenTelemetry otel() {
        return GlobalOpenTelemetry.getOrNoop();
    }

    /** Workflow side: keeps the start's header and copies it onto what the workflow schedules. Deterministic. */
    private static final class PassOn extends WorkflowInboundCallsInterceptorBase {

        PassOn(WorkflowInboundCallsInterceptor next) {
            super(next);
        }

        @Override
        public void init(WorkflowOutboundCallsInterceptor outboundCalls) {
            super.init(new WorkflowOutboundCallsInterceptorBase(outboundCalls) {
                @Override
                public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
                    carry(input.getHeader());
                    return super.executeActivity(input);
                }

                @Override
                public <R> LocalActivityOutput<R> executeLocalActivity(LocalActivityInput<R> input) {
                    carry(input.getHeader());
                    return super.executeLocalActivity(input);
                }

                @Override
                public void continueAsNew(ContinueAsNewInput input) {
                    carry(input.getHeader());
                    super.continueAsNew(input);
                }
            });
        }

        @Override
        public WorkflowOutput execute(WorkflowInput input) {
            Payload trace = input.getHeader().getValues().get(NAME);
            if (trace != null) {
                CARRIED.set(trace);
            }
            return super.execute(input);
        }

        private static void carry(Header header) {
            Payload trace = CARRIED.get();
            if (trace != null) {
                header.getValues().putIfAbsent(NAME, trace);
            }
        }
    }

    /** Activity side: one span per activity attempt, a child of the context its header carries. */
    private static final class ActivitySpan extends ActivityInboundCallsInterceptorBase {

        private ActivityExecutionContext context;

        ActivitySpan(ActivityInboundCallsInterceptor next) {
            super(next);
        }

        @Override
        public void init(ActivityExecutionContext context) {
            this.context = context;
            super.init(context);
        }

        @Override
        public ActivityOutput execute(ActivityInput input) {
            Context parent = extract(input.getHeader());
            ActivityInfo info = context.getInfo();
            Span span = otel().getTracer(INSTRUMENTATION)
                    .spanBuilder("activity " + info.getActivityType())
                    .setParent(parent)
                    .setSpanKind(SpanKind.CONSUMER)
                    .setAttribute("baran.workflow.id", info.getWorkflowId())
                    .setAttribute("baran.activity.type", info.getActivityType())
                    .setAttribute("baran.activity.attempt", info.getAttempt())
                    .startSpan();
            return Traced.call(span, parent, () -> super.execute(input));
        }
    }
}
