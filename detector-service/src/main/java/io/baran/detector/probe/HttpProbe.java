package io.baran.detector.probe;

import io.baran.detector.config.TargetDefinition;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;

import java.util.concurrent.TimeoutException;

/**
 * One HTTP GET against a target, without blocking: the probe passes when the answer's status is the expected one
 * and arrives within the target's timeout. Every failure, including a refused connection, becomes a failed
 * {@link ProbeResult}; {@link #run()} never fails.
 */
final class HttpProbe {

    private final WebClient client;
    private final TargetDefinition target;

    HttpProbe(WebClient client, TargetDefinition target) {
        this.client = client;
        this.target = target;
    }

    TargetDefinition target() {
        return target;
    }

    Uni<ProbeResult> run() {
        return Uni.createFrom().deferred(this::send)
                // Vert.x's own timeout only bounds silence between bytes; this bounds the whole exchange.
                .ifNoItem().after(target.timeout()).failWith(TimeoutException::new)
                .map(this::judge)
                .onFailure().recoverWithItem(this::describe);
    }

    private Uni<Integer> send() {
        HttpRequest<Void> request = client.getAbs(target.url().toString())
                .as(BodyCodec.none())
                .timeout(target.timeout().toMillis());
        target.url().credentials().ifPresent(c -> request.basicAuthentication(c.username(), c.password()));
        return request.send().map(response -> response.statusCode());
    }

    private ProbeResult judge(int status) {
        return status == target.expectStatus()
                ? ProbeResult.passed("HTTP " + status)
                : ProbeResult.failed("HTTP " + status + ", expected " + target.expectStatus());
    }

    private ProbeResult describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return ProbeResult.failed("no answer within " + target.timeout().toMillis() + "ms");
        }
        // The request never carries user-info, so the client's messages cannot repeat credentials.
        String message = failure.getMessage();
        return ProbeResult.failed(failure.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }
}
