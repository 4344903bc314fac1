package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BlobStoreException;
import io.baran.worker.provider.store.Digests;
import io.baran.worker.provider.store.Precondition;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Copies objects from one store to another as streams: at most {@code concurrency} objects at once, and
 * object bytes only in the {@link BufferPool}'s part-sized buffers. An object no larger than a part goes
 * in one request; a larger one in parts, sent in parallel while the next ones are read. Every byte read
 * passes through SHA-256, MD5 and CRC32C: what was read must match what the source vouches for, and the
 * target checks what it received; only then does the object become visible. The parts of an upload are
 * recorded in the ledger as they complete, so a copy cut short by a crash resumes where it stopped (the
 * source is read again to check those bytes are unchanged, but they are not sent again).
 */
public final class Copier implements AutoCloseable {

    private final BufferPool buffers;
    private final ExecutorService objects;
    private final ExecutorService parts;
    private final int concurrency;
    /**
     * Resumed uploads that failed, by ledger key, and how many times in a row: the second failure in a row ends the
     * upload (it may be gone at the store: a lifecycle rule aborted it, Blob Storage dropped its uncommitted blocks, its
     * partial file was removed), so the next copy begins anew instead of failing on it every pass; one failure (a
     * throttled part, a connection reset) keeps what was sent.
     */
    private final java.util.Map<String, Integer> failedResumes = new java.util.concurrent.ConcurrentHashMap<>();

    /** How many resumes of one upload in a row may fail before it is begun anew. */
    static final int RESUMES_BEFORE_ANEW = 2;

    /**
     * @param concurrency objects copied at once, across every pair
     * @param partSize    bytes per part, and the largest object sent in one request
     * @param buffers     part buffers in memory at once
     */
    public Copier(int concurrency, int partSize, int buffers) {
        if (concurrency < 1 || buffers < 1 || partSize < 1) {
            throw new IllegalArgumentException("concurrency, buffers and part size must be positive");
        }
        this.concurrency = concurrency;
        this.buffers = new BufferPool(partSize, buffers);
        this.objects = Executors.newFixedThreadPool(concurrency, named("baran-replication-copy"));
        this.parts = Executors.newFixedThreadPool(buffers, named("baran-replication-part"));
    }

    public int concurrency() {
        return concurrency;
    }

    public int partSize() {
        return buffers.size();
    }

    /** Runs a task on one of the {@code concurrency} copying threads. */
    public <T> Future<T> submit(Callable<T> task) {
        return objects.submit(task);
    }

    /**
     * Copies one object and returns it as the target now holds it.
     *
     * @param ledger     where the parts of a large object are recorded as they complete, so a later process
     *                   resumes; null to not resume (the upload is abandoned on failure)
     * @param ledgerKey  the key the ledger knows the object by
     * @param progress   told every number of bytes sent
     * @throws BlobStoreException when reading, writing or checking fails; {@link BlobStoreException#changed()}
     *                            when the source object was written again meanwhile
     */
    public Blob copy(
            BlobStore from,
            Blob source,
            BlobStore to,
            String targetKey,
            Ledger ledger,
            String ledgerKey,
            LongConsumer progress)
            throws InterruptedException {
        return copy(from, source, to, targetKey, Precondition.none(), ledger, ledgerKey, progress);
    }

    /**
     * {@link #copy(BlobStore, Blob, BlobStore, String, Ledger, String, LongConsumer)} only if the target key still holds
     * what {@code expected} says when the object becomes visible there (the small object's put, the large one's
     * completion), as the target checks it.
     *
     * @throws BlobStoreException with {@link BlobStoreException#preconditionFailed()} when it does not: nothing written
     *                            at the target, and a large object's parts discarded
     */
    public Blob copy(
            BlobStore from,
            Blob source,
            BlobStore to,
            String targetKey,
            Precondition expected,
            Ledger ledger,
            String ledgerKey,
            LongConsumer progress)
            throws InterruptedException {
        if (source.size() <= buffers.size()) {
            return copySmall(from, source, to, targetKey, expected, progress);
        }
        return copyLarge(from, source, to, targetKey, expected, ledger, ledgerKey, progress);
    }

    private Blob copySmall(
            BlobStore from, Blob source, BlobStore to, String targetKey, Precondition expected, LongConsumer progress)
            throws InterruptedException {
        byte[] buffer = buffers.acquire();
        try (BlobStore.Reading reading = from.open(source)) {
            int length = (int) source.size();
            int read = reading.content().readNBytes(buffer, 0, length);
            if (read != length || reading.content().read() >= 0) {
                throw BlobStoreException.changed(
                        from.describe(),
                        source.key(),
                        "listed as " + length + " bytes, read " + (read == length ? "more" : read));
            }
            Digests digests = new Digests(to.wantsMd5()
                    || source.md5() != null
                    || reading.advertised().md5() != null);
            digests.update(buffer, 0, length);
            Digests.Sums sums = digests.finish();
            requireSame(from, source, sums, reading.advertised());
            Blob stored;
            try {
                stored = to.put(targetKey, buffer, length, sums, expected);
            } catch (BlobStoreException e) {
                stored = ownWrite(e, to, targetKey, sums);
            }
            progress.accept(length);
            return stored;
        } catch (IOException e) {
            throw new BlobStoreException(from.describe() + ": reading " + source.key() + " failed: " + e, e);
        } finally {
            buffers.release(buffer);
        }
    }

    /**
     * A refused precondition where the target already holds exactly what was sent is this write having landed: the
     * store's client sent the request again after an answer it did not get, and the second found the first's object.
     * Anything else is the refusal it says.
     */
    private static Blob ownWrite(BlobStoreException e, BlobStore to, String targetKey, Digests.Sums sums) {
        if (!e.preconditionFailed()) {
            throw e;
        }
        Blob now = to.stat(targetKey);
        if (now != null && now.size() == sums.length() && sums.sha256().equals(now.sha256())) {
            return now;
        }
        throw e;
    }

    private Blob copyLarge(
            BlobStore from,
            Blob source,
            BlobStore to,
            String targetKey,
            Precondition expected,
            Ledger ledger,
            String ledgerKey,
            LongConsumer progress)
            throws InterruptedException {
        long partSize = buffers.size();
        int count = (int) ((source.size() + partSize - 1) / partSize);
        Ledger.Session session = ledger == null ? null : ledger.session(ledgerKey);
        if (session != null
                && !(session.sourceVersion().equals(source.version())
                        && session.size() == source.size()
                        && session.partSize() == partSize
                        && session.key().equals(ledgerKey))) {
            // The source changed (or the part size did) since that upload began: its parts are worth nothing.
            discardQuietly(to, targetKey, session.token());
            ledger.sessionEnded(ledgerKey);
            session = null;
        }
        boolean resumed = session != null;
        BlobStore.Upload upload;
        try {
            upload = to.upload(
                    targetKey, source.size(), partSize, source.sha256(), session == null ? null : session.token());
        } catch (BlobStoreException e) {
            if (resumed && resumeFailed(ledgerKey)) {
                discardQuietly(to, targetKey, session.token());
                ledger.sessionEnded(ledgerKey);
            }
            throw e;
        }
        if (ledger != null && session == null) {
            session = new Ledger.Session(ledgerKey, source.version(), source.size(), partSize, upload.token(), null);
            ledger.sessionStarted(session);
        }
        String[] tags = new String[count];
        List<Future<?>> sent = new ArrayList<>();
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        // Parts already sent stay useful after a failure of the network or of the target, not after the source changed.
        boolean discard = ledger == null;
        boolean completed = false;
        try (BlobStore.Reading reading = from.open(source)) {
            // The whole object's MD5 only when the source vouches for one to check; each part's only for a target that
            // checks it.
            Digests digests =
                    new Digests(source.md5() != null || reading.advertised().md5() != null);
            boolean partMd5 = to.wantsMd5();
            InputStream in = reading.content();
            for (int n = 1; n <= count && failed.get() == null; n++) {
                int length = (int) Math.min(partSize, source.size() - (n - 1) * partSize);
                byte[] buffer = buffers.acquire();
                boolean handedOver = false;
                try {
                    int read = in.readNBytes(buffer, 0, length);
                    if (read != length) {
                        discard = true;
                        throw BlobStoreException.changed(
                                from.describe(),
                                source.key(),
                                "listed as " + source.size() + " bytes, ended after " + ((n - 1) * partSize + read));
                    }
                    digests.update(buffer, 0, length);
                    String crc = Digests.crc32c(buffer, 0, length);
                    Ledger.Part done = session == null ? null : session.parts().get(n);
                    if (done != null && done.crc32c().equals(crc)) {
                        tags[n - 1] = done.tag(); // sent before a crash, and the source still holds those bytes
                        continue;
                    }
                    int number = n;
                    byte[] part = buffer;
                    handedOver = true;
                    sent.add(parts.submit(() -> {
                        try {
                            tags[number - 1] =
                                    upload.putPart(number, part, length, partMd5 ? Digests.md5(part, 0, length) : null);
                            if (ledger != null) {
                                ledger.partDone(ledgerKey, number, new Ledger.Part(crc, tags[number - 1]));
                            }
                            progress.accept(length);
                        } catch (RuntimeException e) {
                            failed.compareAndSet(null, e);
                        } finally {
                            buffers.release(part);
                        }
                    }));
                } finally {
                    if (!handedOver) {
                        buffers.release(buffer);
                    }
                }
            }
            for (Future<?> f : sent) {
                waitFor(f);
            }
            if (failed.get() != null) {
                throw failed.get();
            }
            if (in.read() >= 0) {
                discard = true;
                throw BlobStoreException.changed(
                        from.describe(), source.key(), "longer than the " + source.size() + " bytes listed");
            }
            Digests.Sums sums = digests.finish();
            String mismatch = sums.mismatch(reading.advertised());
            if (mismatch != null) {
                discard = true;
                throw new BlobStoreException(
                        from.describe() + ": " + source.key() + " as read does not match its checksum (" + mismatch
                                + "); nothing made visible",
                        null);
            }
            // A completion that fails may have consumed the upload (S3 completes, then copies in place): start afresh
            // next time.
            discard = true;
            Blob stored;
            try {
                stored = upload.complete(Arrays.asList(tags), sums, expected);
            } catch (BlobStoreException e) {
                stored = ownWrite(e, to, targetKey, sums);
            }
            completed = true;
            return stored;
        } catch (BlobStoreException e) {
            if (e.changed() || e.preconditionFailed() || (resumed && resumeFailed(ledgerKey))) {
                discard = true;
            }
            throw e;
        } catch (IOException e) {
            throw new BlobStoreException(from.describe() + ": reading " + source.key() + " failed: " + e, e);
        } finally {
            for (Future<?> f : sent) {
                f.cancel(false);
            }
            for (Future<?> f : sent) {
                awaitQuietly(f); // no part may land after the upload is abandoned
            }
            if (completed || discard) {
                failedResumes.remove(ledgerKey);
            }
            try {
                if ((completed || discard) && ledger != null) {
                    ledger.sessionEnded(ledgerKey);
                }
            } finally {
                if (discard && !completed) {
                    try {
                        upload.abort();
                    } catch (RuntimeException ignored) {
                        // what is left is never visible, and later uploads do not use it
                    }
                }
            }
        }
    }

    /** Counts a failed resume of the upload; true when it is the one that ends it ({@link #RESUMES_BEFORE_ANEW}). */
    private boolean resumeFailed(String ledgerKey) {
        if (failedResumes.merge(ledgerKey, 1, Integer::sum) < RESUMES_BEFORE_ANEW) {
            return false;
        }
        failedResumes.remove(ledgerKey);
        return true;
    }

    private static void requireSame(BlobStore from, Blob source, Digests.Sums sums, Blob advertised) {
        String mismatch = sums.mismatch(advertised);
        if (mismatch != null) {
            throw new BlobStoreException(
                    from.describe() + ": " + source.key() + " as read does not match its checksum (" + mismatch
                            + "); nothing written",
                    null);
        }
    }

    private static void waitFor(Future<?> f) throws InterruptedException {
        try {
            f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a part upload failed unexpectedly", e.getCause());
        }
    }

    private static void awaitQuietly(Future<?> f) {
        if (f.isCancelled()) {
            return;
        }
        try {
            f.get(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException
                | java.util.concurrent.TimeoutException
                | java.util.concurrent.CancellationException ignored) {
            // its failure was recorded, or it never ran
        }
    }

    private static void discardQuietly(BlobStore to, String key, String token) {
        try {
            to.discard(key, token);
        } catch (RuntimeException ignored) {
            // an old upload's parts are never visible
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Buffers allocated so far, for the status and metrics. */
    public long bufferBytes() {
        return (long) buffers.allocated() * buffers.size();
    }

    @Override
    public void close() {
        objects.shutdownNow();
        parts.shutdownNow();
        try {
            objects.awaitTermination(10, TimeUnit.SECONDS);
            parts.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
