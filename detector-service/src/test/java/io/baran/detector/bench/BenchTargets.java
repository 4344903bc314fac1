package io.baran.detector.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's targets: HTTP servers on 127.0.0.1 answering 200 to every path (a TCP connect is accepted by the
 * same sockets). Run on its own core, apart from the detector under test.
 *
 * <p>Usage: {@code BenchTargets <first port> <port count>}; prints {@code ready} when every port listens.
 */
public final class BenchTargets {

    private BenchTargets() {}

    public static void main(String[] args) throws Exception {
        int first = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        CountDownLatch listening = new CountDownLatch(count);
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int port = first + i;
            vertx.createHttpServer()
                    .requestHandler(
                            request -> request.response().setStatusCode(200).end("ok"))
                    .listen(port, "127.0.0.1")
                    .onComplete(ar -> {
                        if (ar.failed()) {
                            synchronized (failures) {
                                failures.add(ar.cause());
                            }
                        }
                        listening.countDown();
                    });
        }
        if (!listening.await(60, TimeUnit.SECONDS) || !failures.isEmpty()) {
            System.err.println("targets could not listen: " + failures);
            System.exit(1);
        }
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }
}
