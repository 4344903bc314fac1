package io.baran.detector.probe;

import io.baran.detector.config.TargetDefinition;
import io.baran.egress.EgressPolicy;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A provider canary: reads (and, when configured, first writes) a small object through a storage provider's own API.
 * In February 2017 the S3 API in us-east-1 failed while many endpoints in front of it still answered, so a probe of
 * those endpoints alone would have seen nothing. Each provider supplies the two calls and how its SDK's errors read;
 * what passes and how results are worded is the same for all.
 *
 * <p>The SDKs' clients block, so the calls run on threads of their own and never on an event loop. A canary has at
 * most one call in flight: while an earlier call still runs (its probe timed out, the SDK has not given up yet), the
 * next probe fails at once instead of starting another, so an endpoint that accepts and never answers holds one
 * thread, not one more at every probe. The timeout counts from the probe's start, a wait for a thread included, and a
 * call that would start after it is not made at all. The executor must not queue calls behind one another
 * ({@link Probes} gives each call a thread): one canary's hung calls must never hold up another's probes, which would
 * then come late, or fail a healthy provider on its {@code max-latency}.
 */
abstract class CanaryProbe implements Probe {

    private final Executor executor;
    private final TargetDefinition target;
    private final String vantage;
    private final String api;
    private final Optional<URI> endpoint;
    private final EgressPolicy egress;
    /** Set from when a call is handed to the executor until it has ended or been skipped. */
    private final AtomicBoolean calling = new AtomicBoolean();

    /**
     * @param api    the provider's API as results name it: {@code S3}, {@code Cloud Storage}, {@code Blob Storage}
     * @param egress where the target's {@code endpoint} override, when it has one, may go: resolved and admitted at
     *               every probe, before the SDK is asked anything (it was checked only by name when the target was
     *               defined, and may resolve to an internal address since)
     */
    CanaryProbe(Executor executor, TargetDefinition target, String vantage, String api, EgressPolicy egress) {
        this.executor = executor;
        this.target = target;
        this.vantage = vantage;
        this.api = api;
        this.endpoint = target.endpoint().sdkEndpoint();
        this.egress = egress;
    }

    /** The canary object, without credentials: {@code s3://bucket/key}. */
    abstract String where();

    abstract void write(String content);

    abstract String read();

    /** A provider error as a short reason, e.g. {@code NoSuchKey (HTTP 404)}; null for a failure that is not the provider's answer. */
    abstract String reason(Throwable failure);

    @Override
    public final TargetDefinition target() {
        return target;
    }

    @Override
    public final Uni<ProbeResult> run() {
        return Uni.createFrom()
                .<ProbeResult>emitter(this::call)
                .ifNoItem()
                .after(target.timeout())
                .failWith(TimeoutException::new)
                .onFailure()
                .recoverWithItem(this::describe);
    }

    /** Hands one call to the executor, unless the previous one still runs; the probe's deadline starts now. */
    private void call(UniEmitter<? super ProbeResult> result) {
        if (!calling.compareAndSet(false, true)) {
            result.complete(ProbeResult.failed("previous " + api + " call to " + where() + " still running"));
            return;
        }
        long deadline = System.nanoTime() + target.timeout().toNanos();
        try {
            executor.execute(() -> {
                ProbeResult outcome;
                try {
                    outcome = exercise(deadline);
                } catch (RuntimeException e) {
                    outcome = describe(e);
                } finally {
                    // Free before the result is told, so the next probe, scheduled when it is, finds the call ended.
                    calling.set(false);
                }
                result.complete(outcome);
            });
        } catch (RejectedExecutionException e) {
            calling.set(false);
            result.fail(e);
        }
    }

    private ProbeResult exercise(long deadline) {
        if (System.nanoTime() - deadline >= 0) {
            return describe(new TimeoutException()); // the probe has already failed on its timeout: no call
        }
        if (endpoint.isPresent()) {
            try {
                egress.resolve(endpoint.get()); // refused: EgressRefusedException, and no request is made
            } catch (UnknownHostException e) {
                return ProbeResult.failed(api + " endpoint " + endpoint.get().getHost() + " does not resolve");
            }
        }
        String written = null;
        if (target.checks().write()) {
            written = "baran canary from " + vantage + " at " + Instant.now();
            write(written);
            if (System.nanoTime() - deadline >= 0) {
                return describe(new TimeoutException()); // the write took the whole timeout: no read after it
            }
        }
        String content = read();
        if (written != null) {
            return written.equals(content)
                    ? ProbeResult.passed(api + " wrote and read " + where())
                    : ProbeResult.failed(api + " read back other content than it wrote to " + where());
        }
        if (!target.checks().expect().isEmpty() && !target.checks().expect().contains(content.strip())) {
            return ProbeResult.failed(api + " " + where() + " holds other content than expected");
        }
        return ProbeResult.passed(api + " read " + where() + " (" + content.length() + " bytes)");
    }

    private ProbeResult describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return ProbeResult.failed(
                    "no " + api + " answer within " + target.timeout().toMillis() + "ms");
        }
        String reason = reason(failure);
        // SDK messages name the endpoint and the cause, never the credentials.
        return reason != null ? ProbeResult.failed(api + " " + reason) : Probe.describe(failure);
    }
}
