package io.baran.system;

import com.sun.net.httpserver.HttpServer;
import io.baran.testinfra.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A service endpoint on 127.0.0.1 that a test can break (it stops listening) and bring back. */
final class DemoTarget implements AutoCloseable {

    private final String name;
    private final int port = Ports.free();
    private HttpServer server;

    DemoTarget(String name) {
        this.name = name;
        up();
    }

    synchronized void up() {
        if (server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        server.createContext("/", exchange -> {
            byte[] body = ("ok " + name).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    String url() {
        return "http://127.0.0.1:" + port + "/healthz";
    }

    @Override
    public void close() {
        down();
    }
}
