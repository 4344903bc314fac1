package io.baran.detector.probe;

import io.baran.egress.EgressPolicy;
import io.baran.egress.EgressRefusedException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.NetSocketInternal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One target's HTTP/1.1 connection, kept from one probe to the next. The request is bytes prepared once per target;
 * the answer is read by Netty's HTTP decoder placed on the connection's own pipeline. A probe is then one write and
 * the decoded answer: no connection pool to search, no request or response objects built per probe, which is what
 * lets one core probe ten thousand HTTP targets a second on time.
 *
 * <p>Exchanges on one connection never overlap (a target's probes never do). The connection is dropped whenever
 * its state is in doubt: after an answer asking for it ({@code Connection: close}, HTTP/1.0), after an exchange
 * that failed or was abandoned at its deadline, and when bytes arrive that no exchange asked for. A kept connection
 * the server closed while it was idle is noticed, and an exchange that finds it closed before any byte of the
 * answer came is sent once more on a new connection (a GET is safe to repeat), so a server's idle timeout is never
 * mistaken for an outage.
 *
 * <p>Every new connection resolves the host (without blocking), has the egress policy check the address, and connects
 * to that address with the host name kept for TLS (server name and certificate check): a name cannot lead the probe
 * to an address the policy refuses, however its DNS answers change.
 */
final class HttpConnection {

    /** The longest status line and header section read; longer answers fail the probe. */
    static final int MAX_INITIAL_LINE = 4096;

    static final int MAX_HEADERS = 16 * 1024;

    /**
     * A probe's answer: its status, its body (up to {@code maxBody} bytes; empty when none is read), and the server's
     * certificate on a TLS connection when it is asked for (else null).
     */
    record Answer(int status, String body, X509Certificate certificate) {}

    private final NetClient client;
    private final VertxInternal vertx;
    private final EgressPolicy egress;
    private final String host;
    private final int port;
    /** The TLS server name (SNI) to send, or null: plain HTTP, or a host given as an IP address. */
    private final String serverName;

    private final byte[] request;
    private final byte[] closingRequest;
    private final int maxBody;
    private final boolean readCertificate;

    /** The kept connection, or null. Guarded by {@code this}, like {@link #current}. */
    private NetSocketInternal socket;

    private Exchange current;
    private boolean closed;

    /**
     * @param request        the request to send on a kept connection
     * @param closingRequest the same request asking the server to close the connection after answering
     * @param maxBody        how much of a body to keep; 0 to read none
     * @param readCertificate hand on the server's certificate with each answer (TLS connections)
     */
    HttpConnection(
            NetClient client,
            VertxInternal vertx,
            EgressPolicy egress,
            String host,
            int port,
            String serverName,
            byte[] request,
            byte[] closingRequest,
            int maxBody,
            boolean readCertificate) {
        this.client = client;
        this.vertx = vertx;
        this.egress = egress;
        this.host = host;
        this.port = port;
        this.serverName = serverName;
        this.request = request;
        this.closingRequest = closingRequest;
        this.maxBody = maxBody;
        this.readCertificate = readCertificate;
    }

    /**
     * Sends the request and yields the answer once it is complete. Cancelling (at the probe's deadline) drops the
     * connection, so a late answer cannot be taken for the next probe's.
     *
     * @param closeAfter ask the server to close the connection after this answer, so the next exchange connects anew
     */
    Uni<Answer> exchange(boolean closeAfter) {
        return Uni.createFrom().emitter(emitter -> {
            Exchange exchange = new Exchange(emitter, closeAfter);
            emitter.onTermination(() -> abandon(exchange));
            NetSocketInternal kept;
            synchronized (this) {
                if (closed) {
                    exchange.fail(new IOException("the probe was stopped"));
                    return;
                }
                kept = socket;
                if (kept != null) {
                    exchange.reused = true;
                    current = exchange;
                    exchange.socket = kept;
                }
            }
            if (kept != null) {
                send(kept, exchange);
            } else {
                connect(exchange);
            }
        });
    }

    /** Closes the kept connection; exchanges after this fail. */
    void close() {
        NetSocketInternal kept;
        synchronized (this) {
            closed = true;
            kept = socket;
            socket = null;
        }
        if (kept != null) {
            kept.close();
        }
    }

    /** The address to connect to: resolved once for this connection, admitted by the egress policy. */
    private Future<SocketAddress> destination() {
        if (EgressPolicy.isLiteral(host)) {
            try {
                return Future.succeededFuture(SocketAddress.inetSocketAddress(
                        egress.resolve(host, port).socketAddress()));
            } catch (EgressRefusedException | java.io.IOException e) {
                return Future.failedFuture(e);
            }
        }
        Promise<SocketAddress> promise = Promise.promise();
        vertx.resolveAddress(host, resolved -> {
            if (resolved.failed()) {
                promise.fail(resolved.cause());
                return;
            }
            try {
                promise.complete(SocketAddress.inetSocketAddress(
                        egress.admit(host, port, List.of(resolved.result())).socketAddress()));
            } catch (EgressRefusedException e) {
                promise.fail(e);
            }
        });
        return promise.future();
    }

    private void connect(Exchange exchange) {
        destination().compose(address -> client.connect(address, serverName)).onComplete(ar -> {
            if (ar.failed()) {
                exchange.fail(ar.cause());
                return;
            }
            NetSocketInternal opened = (NetSocketInternal) ar.result();
            boolean use;
            synchronized (this) {
                use = !exchange.over && !closed;
                if (use) {
                    socket = opened;
                    current = exchange;
                    exchange.socket = opened;
                }
            }
            if (!use) {
                // The probe gave up (or was stopped) while connecting.
                opened.close();
                return;
            }
            opened.channelHandlerContext()
                    .pipeline()
                    .addBefore("handler", "http", new HttpResponseDecoder(MAX_INITIAL_LINE, MAX_HEADERS, 8192));
            opened.messageHandler(message -> received(opened, message));
            opened.exceptionHandler(failure -> lost(opened, failure));
            opened.closeHandler(
                    ignored -> lost(opened, new IOException("connection closed before the answer was complete")));
            send(opened, exchange);
        });
    }

    private void send(NetSocketInternal on, Exchange exchange) {
        on.write(Buffer.buffer(exchange.closeAfter ? closingRequest : request));
    }

    private void received(NetSocketInternal on, Object message) {
        try {
            Exchange exchange;
            synchronized (this) {
                exchange = current != null && current.socket == on ? current : null;
            }
            if (exchange == null) {
                // Nothing asked for these bytes: the connection is out of step with the exchanges.
                drop(on, null);
                return;
            }
            if (message instanceof HttpObject object && object.decoderResult().isFailure()) {
                DecoderResult result = object.decoderResult();
                drop(on, exchange);
                exchange.fail(new IOException(
                        "malformed HTTP answer: " + result.cause().getMessage()));
                return;
            }
            if (message instanceof HttpResponse response) {
                exchange.answered = true;
                int status = response.status().code();
                // An interim answer (100 Continue, 103 Early Hints) comes before the final one.
                exchange.interim = status >= 100 && status < 200 && status != 101;
                if (!exchange.interim) {
                    exchange.status = status;
                    // After 101 Switching Protocols the connection no longer speaks HTTP/1.1.
                    exchange.keepAlive = HttpUtil.isKeepAlive(response) && status != 101;
                }
            }
            if (message instanceof HttpContent content) {
                exchange.answered = true;
                if (!exchange.interim && maxBody > 0) {
                    exchange.append(content, maxBody);
                }
            }
            if (message instanceof LastHttpContent) {
                if (exchange.interim) {
                    exchange.interim = false;
                } else {
                    finish(on, exchange);
                }
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void finish(NetSocketInternal on, Exchange exchange) {
        boolean keep;
        synchronized (this) {
            current = null;
            keep = exchange.keepAlive && !exchange.closeAfter && !closed && socket == on;
            if (!keep && socket == on) {
                socket = null;
            }
        }
        X509Certificate certificate = null;
        Throwable unreadable = null;
        if (readCertificate) {
            try {
                // The certificate the connection was opened with: trusted and matching the host, or it would not be
                // open.
                certificate = (X509Certificate) on.peerCertificates().get(0);
            } catch (Exception e) {
                unreadable = e;
            }
        }
        if (!keep) {
            on.close();
        }
        if (unreadable != null) {
            exchange.fail(new IOException("TLS peer certificate unreadable: " + unreadable.getMessage(), unreadable));
        } else {
            exchange.complete(certificate);
        }
    }

    /** The connection failed or closed: an exchange on it fails, or goes once more on a new connection. */
    private void lost(NetSocketInternal on, Throwable failure) {
        Exchange exchange;
        synchronized (this) {
            if (socket == on) {
                socket = null;
            }
            exchange = current != null && current.socket == on && !current.over ? current : null;
            if (exchange != null) {
                current = null;
            }
        }
        on.close();
        if (exchange == null) {
            return;
        }
        if (exchange.reused && !exchange.answered && !exchange.retried) {
            // A kept connection the server had closed: nothing was answered, so the request goes again.
            exchange.retried = true;
            exchange.reused = false;
            exchange.socket = null;
            connect(exchange);
        } else {
            exchange.fail(failure);
        }
    }

    /** Once an exchange ended; an exchange that ended without its answer leaves no connection behind. */
    private void abandon(Exchange exchange) {
        NetSocketInternal leftOpen = null;
        synchronized (this) {
            exchange.over = true;
            if (!exchange.completed && exchange.socket != null) {
                leftOpen = exchange.socket;
                if (socket == leftOpen) {
                    socket = null;
                }
                if (current == exchange) {
                    current = null;
                }
            }
        }
        if (leftOpen != null) {
            leftOpen.close();
        }
    }

    /** Closes a connection that is out of step, ending the exchange on it (if given) first, so it is not sent again. */
    private void drop(NetSocketInternal on, Exchange ending) {
        synchronized (this) {
            if (socket == on) {
                socket = null;
            }
            if (ending != null && current == ending) {
                current = null;
            }
        }
        on.close();
    }

    /** One request and its answer, as read so far. */
    private static final class Exchange {
        final UniEmitter<? super Answer> emitter;
        final boolean closeAfter;
        NetSocketInternal socket;
        boolean reused;
        boolean retried;
        boolean answered;
        boolean interim;
        boolean keepAlive;
        int status;
        ByteArrayOutputStream body;
        /** Guarded by the connection. */
        boolean over;

        volatile boolean completed;

        Exchange(UniEmitter<? super Answer> emitter, boolean closeAfter) {
            this.emitter = emitter;
            this.closeAfter = closeAfter;
        }

        void append(HttpContent content, int maxBody) {
            if (body == null) {
                body = new ByteArrayOutputStream(Math.min(maxBody, 256));
            }
            int take = Math.min(content.content().readableBytes(), maxBody - body.size());
            if (take > 0) {
                byte[] bytes = new byte[take];
                content.content().getBytes(content.content().readerIndex(), bytes);
                body.write(bytes, 0, take);
            }
        }

        void complete(X509Certificate certificate) {
            completed = true;
            String text = body == null ? "" : body.toString(StandardCharsets.UTF_8);
            emitter.complete(new Answer(status, text, certificate));
        }

        void fail(Throwable failure) {
            emitter.fail(failure);
        }
    }
}
