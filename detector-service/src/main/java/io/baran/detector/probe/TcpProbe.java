package io.baran.detector.probe;

import io.baran.detector.config.ProbeEndpoint;
import io.baran.detector.config.TargetDefinition;
import io.baran.egress.EgressPolicy;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.smallrye.mutiny.Uni;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeoutException;

/**
 * Connects to host:port and closes again: the probe passes when the connection is accepted within the timeout.
 *
 * <p>The connection is made with Netty's bootstrap directly, on the event loop the probe runs on, with Vert.x's
 * transport (NIO or native) and its non-blocking resolver: a probe opens and closes a connection every time, and
 * the socket wrapper, handlers and futures a Vert.x client would build around each one for nothing are what such a
 * probe would otherwise spend most of its time on.
 */
final class TcpProbe implements Probe {

    /** A connection that is only opened and closed: whatever it reads or fails with is of no interest. */
    @ChannelHandler.Sharable
    private static final class Ignore extends ChannelInboundHandlerAdapter {
        static final Ignore INSTANCE = new Ignore();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private final TargetDefinition target;
    private final ProbeEndpoint.Tcp endpoint;
    private final VertxInternal vertx;
    private final EgressPolicy egress;
    /** Made on the first probe, for the event loop the probes run on. */
    private Bootstrap bootstrap;

    private EventLoop loop;

    /** @param egress where the probe may connect: each connection's address is resolved, checked, then connected to */
    TcpProbe(TargetDefinition target, io.vertx.core.Vertx vertx, EgressPolicy egress) {
        this.vertx = (VertxInternal) vertx;
        this.target = target;
        this.endpoint = (ProbeEndpoint.Tcp) target.endpoint();
        this.egress = egress;
    }

    @Override
    public TargetDefinition target() {
        return target;
    }

    @Override
    public Uni<ProbeResult> run() {
        return Deadline.within(vertx, target.timeout(), this::connect)
                .onFailure()
                .recoverWithItem(failure -> failure instanceof TimeoutException
                        ? ProbeResult.failed(
                                "no TCP connection within " + target.timeout().toMillis() + "ms")
                        : Probe.describe(failure));
    }

    private Uni<ProbeResult> connect() {
        return address().onItem().transformToUni(address -> connect(address));
    }

    /** Resolved without blocking (Vert.x's resolver), then admitted by the egress policy: the address to connect to. */
    private Uni<InetSocketAddress> address() {
        return AdmittedAddress.of(vertx, egress, endpoint.host(), endpoint.port());
    }

    private Uni<ProbeResult> connect(InetSocketAddress address) {
        return Uni.createFrom().emitter(emitter -> {
            ChannelFuture connecting = bootstrap().connect(address);
            // Given up (the deadline passed): the connection is not wanted, whenever it comes.
            emitter.onTermination(() -> connecting.channel().close());
            connecting.addListener(done -> {
                if (done.isSuccess()) {
                    connecting.channel().close();
                    emitter.complete(ProbeResult.passed("TCP connected"));
                } else {
                    emitter.fail(done.cause());
                }
            });
        });
    }

    private Bootstrap bootstrap() {
        EventLoop current = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
        if (bootstrap == null || loop != current) {
            loop = current;
            bootstrap = new Bootstrap()
                    .group(current)
                    .channelFactory(vertx.transport().channelFactory(false))
                    .resolver(vertx.nettyAddressResolverGroup())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                    .handler(Ignore.INSTANCE);
        }
        return bootstrap;
    }
}
