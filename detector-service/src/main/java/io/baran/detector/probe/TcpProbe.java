package io.baran.detector.probe;

import io.baran.detector.config.ProbeEndpoint;
import io.baran.detector.config.TargetDefinition;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.NetClient;

import java.util.concurrent.TimeoutException;

/** Connects to host:port and closes again: the probe passes when the connection is accepted within the timeout. */
final class TcpProbe implements Probe {

    private final NetClient client;
    private final TargetDefinition target;
    private final ProbeEndpoint.Tcp endpoint;
    private final io.vertx.core.Vertx vertx;

    TcpProbe(NetClient client, TargetDefinition target, io.vertx.core.Vertx vertx) {
        this.client = client;
        this.vertx = vertx;
        this.target = target;
        this.endpoint = (ProbeEndpoint.Tcp) target.endpoint();
    }

    @Override
    public TargetDefinition target() {
        return target;
    }

    @Override
    public Uni<ProbeResult> run() {
        return Deadline.within(vertx, target.timeout(), () -> Connections.open(client, endpoint.port(), endpoint.host(), null))
                .map(socket -> {
                    socket.close();
                    return ProbeResult.passed("TCP connected");
                })
                .onFailure().recoverWithItem(failure -> failure instanceof TimeoutException
                        ? ProbeResult.failed("no TCP connection within " + target.timeout().toMillis() + "ms")
                        : Probe.describe(failure));
    }
}
