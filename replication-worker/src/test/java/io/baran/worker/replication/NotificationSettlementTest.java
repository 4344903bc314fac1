package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.WorkDirs;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.ChangeFeed;
import io.baran.worker.provider.store.FileBlobStore;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A notification is settled as recorded (its message acknowledged) only once every replica recorded its change; one
 * whose copy failed is handed back for delivery again, and one naming nothing of the source is settled at once.
 */
@Timeout(60)
class NotificationSettlementTest {

    private static Copier copier;

    @BeforeAll
    static void start() {
        copier = new Copier(2, 5 << 20, 2);
    }

    @AfterAll
    static void stop() {
        copier.close();
    }

    /** A mirror of {@code src:file://<sourceDir>/in} to {@code dr:file://<replicaDir>}, with a ledger of its own. */
    private static Replicator replicator(
            String pair, String sourceDir, BlobStore source, String replicaDir, BlobStore replica) {
        return new Replicator(
                pair,
                Mode.MIRROR,
                "",
                Location.parse("src:file://" + sourceDir + "/in"),
                source,
                Location.parse("dr:file://" + replicaDir),
                replica,
                Ledger.open(WorkDirs.create("ledger")),
                copier,
                new MutableClock(Instant.now()));
    }

    /** A feed the test drives: each notification's settlement is reported on {@code settled}. */
    private static final class HandFeed implements ChangeFeed {
        final LinkedBlockingQueue<String> settled = new LinkedBlockingQueue<>();
        Receiver receiver;

        @Override
        public void start(Receiver receiver) {
            this.receiver = receiver;
        }

        void notify(String name, String... keys) {
            delivered(name, null, keys);
        }

        /** A delivery of queue message {@code id}: a message delivered again has the same id. */
        void delivered(String name, String id, String... keys) {
            receiver.changed(List.of(keys), new Settlement() {
                @Override
                public String message() {
                    return id;
                }

                @Override
                public void recorded() {
                    settled.add(name + " recorded");
                }

                @Override
                public void retry() {
                    settled.add(name + " retry");
                }
            });
        }

        String next() throws InterruptedException {
            return settled.poll(20, TimeUnit.SECONDS);
        }

        @Override
        public String describe() {
            return "by hand";
        }

        @Override
        public void close() {}
    }

    @Test
    void aNotificationIsAcknowledgedOnlyOnceItsChangeIsRecordedAndRedeliveredWhenTheCopyFailed() throws Exception {
        FileBlobStore source = Emulators.files("src");
        FileBlobStore healthy = Emulators.files("dst");
        AtomicBoolean failing = new AtomicBoolean(true);
        // The replica refuses writes while failing (an outage of the replica's provider).
        BlobStore replica = (BlobStore) Proxy.newProxyInstance(
                BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class}, (proxy, method, args) -> {
                    if (failing.get() && method.getName().equals("put")) {
                        throw new io.baran.worker.provider.store.BlobStoreException("dr: unavailable", null);
                    }
                    try {
                        return method.invoke(healthy, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Replicator r = replicator("assets", "src", source, "dst", replica);
        HandFeed feed = new HandFeed();
        try (ChangeNotifications n =
                new ChangeNotifications("assets", Location.parse("src:file://src/in"), List.of(r), feed)) {
            n.start();
            TestData.put(source, "in/a.txt", "first");

            feed.notify("outside the folder", "elsewhere/b.txt");
            assertEquals("outside the folder recorded", feed.next());
            feed.notify("first try", "in/a.txt");
            assertEquals("first try retry", feed.next(), "the copy failed: delivered again, not acknowledged");
            assertNull(TestData.text(healthy, "a.txt"));

            failing.set(false);
            feed.notify("redelivered", "in/a.txt");
            assertEquals("redelivered recorded", feed.next());
            assertEquals("first", TestData.text(healthy, "a.txt"));
            assertEquals(3, n.received());
            assertEquals(2, n.recorded());
            assertEquals(1, n.retried());
        }
        r.close();
    }

    /**
     * A long pass holds the copies back while the queue goes on delivering: a message delivered again and again meanwhile
     * is held once and settled once, and beyond {@link ChangeNotifications#MAX_PENDING} the later notifications are
     * handed back at once, so what waits stays bounded.
     */
    @Test
    void notificationsHeldBackByALongPassStayBounded() throws Exception {
        FileBlobStore source = Emulators.files("src-held");
        FileBlobStore replica = Emulators.files("dst-held");
        Replicator r = replicator("held", "src-held", source, "dst-held", replica);
        java.util.concurrent.CountDownLatch passEnds = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        ChangeNotifications.Exclusive afterThePass = copy -> {
            waiting.countDown();
            if (!passEnds.await(30, TimeUnit.SECONDS)) {
                return false;
            }
            copy.run();
            return true;
        };
        HandFeed feed = new HandFeed();
        try (ChangeNotifications n = new ChangeNotifications(
                "held", Location.parse("src:file://src-held/in"), List.of(r), feed, afterThePass)) {
            n.start();
            TestData.put(source, "in/a.txt", "a");
            feed.notify("first", "in/a.txt");
            assertTrue(waiting.await(20, TimeUnit.SECONDS), "the first batch waits for the pass");

            for (int i = 0; i < 1000; i++) {
                feed.delivered("again", "message-1", "in/a.txt");
            }
            assertEquals(1, n.pending(), "a message delivered again is held once");
            for (int i = 0; i < ChangeNotifications.MAX_PENDING + 4; i++) {
                feed.delivered("other", "message-other-" + i, "in/a.txt");
            }
            assertEquals(ChangeNotifications.MAX_PENDING, n.pending());
            assertEquals(5, n.retried(), "those beyond the bound are handed back at once");

            passEnds.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (n.recorded() < 1 + ChangeNotifications.MAX_PENDING && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1 + ChangeNotifications.MAX_PENDING, n.recorded());
            List<String> settled = new java.util.ArrayList<>();
            feed.settled.drainTo(settled);
            assertEquals(1, settled.stream().filter("again recorded"::equals).count(), "settled once");
            assertEquals(5, settled.stream().filter("other retry"::equals).count());
            assertEquals("a", TestData.text(replica, "a.txt"));
        }
    }

    /**
     * A batch that could not have the pair (another replica kept its lock) or whose copy threw (the shared ledger did
     * not read) is handed back, and the notifications after it are still copied: nothing stops the pair's copier.
     */
    @Test
    void aBatchThatCouldNotHaveThePairIsHandedBackAndTheNextOnesAreStillCopied() throws Exception {
        FileBlobStore source = Emulators.files("src-shared");
        FileBlobStore replica = Emulators.files("dst-shared");
        Replicator r = replicator("shared", "src-shared", source, "dst-shared", replica);
        LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>(List.of("elsewhere", "throws"));
        ChangeNotifications.Exclusive exclusive = copy -> {
            String answer = answers.poll();
            if ("throws".equals(answer)) {
                throw new java.io.UncheckedIOException(new java.io.IOException("stale file handle"));
            }
            if ("elsewhere".equals(answer)) {
                return false;
            }
            copy.run();
            return true;
        };
        HandFeed feed = new HandFeed();
        try (ChangeNotifications n = new ChangeNotifications(
                "shared", Location.parse("src:file://src-shared/in"), List.of(r), feed, exclusive)) {
            n.start();
            TestData.put(source, "in/a.txt", "a");

            feed.notify("lock elsewhere", "in/a.txt");
            assertEquals("lock elsewhere retry", feed.next());
            feed.notify("ledger unreadable", "in/a.txt");
            assertEquals("ledger unreadable retry", feed.next());
            assertNull(TestData.text(replica, "a.txt"), "nothing copied outside the pair's lock");

            feed.notify("redelivered", "in/a.txt");
            assertEquals("redelivered recorded", feed.next(), "the copier still runs after the exception");
            assertEquals("a", TestData.text(replica, "a.txt"));
            assertEquals(2, n.retried());
        }
        r.close();
    }
}
