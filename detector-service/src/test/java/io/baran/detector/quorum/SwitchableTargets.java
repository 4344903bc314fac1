package io.baran.detector.quorum;

import com.sun.net.httpserver.HttpServer;
import io.baran.testinfra.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real HTTP targets on 127.0.0.1: {@code /<path>} answers the status set for that path (200 unless set), so that
 * each vantage can be given its own view of the same service by probing its own path. A path set to flap
 * alternates between 200 and 503 on every request.
 */
final class SwitchableTargets implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final Map<String, Integer> status = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> flapping = new ConcurrentHashMap<>();
    private final int port = Ports.free();

    SwitchableTargets() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath().substring(1);
            AtomicInteger flap = flapping.get(path);
            int answer = flap != null ? (flap.getAndIncrement() % 2 == 0 ? 200 : 503) : status.getOrDefault(path, 200);
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + "/" + path;
    }

    /** Every path answers 200 again. */
    void reset() {
        status.clear();
        flapping.clear();
    }

    void set(String path, int answer) {
        status.put(path, answer);
    }

    void flap(String path) {
        flapping.put(path, new AtomicInteger());
    }

    /** How many requests a flapping path has answered. */
    int flapped(String path) {
        return flapping.get(path).get();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
