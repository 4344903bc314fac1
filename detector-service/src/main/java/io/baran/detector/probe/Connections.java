package io.baran.detector.probe;

import io.smallrye.mutiny.Uni;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens a connection as a {@link Uni} that closes the socket when it arrives after the subscriber gave up (the
 * probe timed out), so that a slow target never leaves connections open behind the probe.
 */
final class Connections {

    private Connections() {
    }

    static Uni<NetSocket> open(NetClient client, int port, String host, String serverName) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicBoolean over = new AtomicBoolean();
            emitter.onTermination(() -> over.set(true));
            client.connect(port, host, serverName).onComplete(ar -> {
                if (ar.failed()) {
                    emitter.fail(ar.cause());
                } else if (over.get()) {
                    ar.result().close();
                } else {
                    emitter.complete(ar.result());
                }
            });
        });
    }
}
