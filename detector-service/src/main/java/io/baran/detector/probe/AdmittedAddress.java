package io.baran.detector.probe;

import io.baran.egress.EgressPolicy;
import io.baran.egress.EgressRefusedException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.impl.VertxInternal;
import java.net.InetSocketAddress;
import java.util.List;

/** Where a probe may send: the host resolved without blocking (Vert.x's resolver), then admitted by the egress policy. */
final class AdmittedAddress {

    private AdmittedAddress() {}

    /** The address to connect or send to; fails with {@link EgressRefusedException} naming the rule when refused. */
    static Uni<InetSocketAddress> of(io.vertx.core.Vertx vertx, EgressPolicy egress, String host, int port) {
        if (EgressPolicy.isLiteral(host)) {
            return Uni.createFrom().item(() -> {
                try {
                    return egress.resolve(host, port).socketAddress();
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        VertxInternal internal = (VertxInternal) vertx;
        return Uni.createFrom()
                .emitter(emitter -> internal.resolveAddress(host, resolved -> {
                    if (resolved.failed()) {
                        emitter.fail(resolved.cause());
                        return;
                    }
                    try {
                        emitter.complete(egress.admit(host, port, List.of(resolved.result()))
                                .socketAddress());
                    } catch (EgressRefusedException e) {
                        emitter.fail(e);
                    }
                }));
    }
}
