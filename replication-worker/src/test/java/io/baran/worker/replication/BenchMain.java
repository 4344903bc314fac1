package io.baran.worker.replication;

import io.baran.worker.provider.store.GcsBlobStore;
import io.baran.worker.provider.store.S3BlobStore;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The replication benchmark's two steps (bench/replication-bench.sh runs them): {@code seed} writes a data set to
 * an S3 bucket as any client would (no Baran metadata); {@code copy} runs one Baran pass from it to a Cloud
 * Storage bucket and prints what it took.
 *
 * <pre>
 * BenchMain seed &lt;s3 endpoint&gt; &lt;bucket&gt; &lt;small objects&gt; &lt;large objects&gt; &lt;large object MiB&gt;
 * BenchMain copy &lt;s3 endpoint&gt; &lt;bucket&gt; &lt;gcs endpoint&gt; &lt;bucket&gt; &lt;concurrency&gt; &lt;part MiB&gt; &lt;buffers&gt; &lt;ledger dir&gt;
 * </pre>
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "seed" ->
                seed(
                        URI.create(args[1]),
                        args[2],
                        Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]),
                        Long.parseLong(args[5]) << 20);
            case "copy" ->
                copy(
                        URI.create(args[1]),
                        args[2],
                        URI.create(args[3]),
                        args[4],
                        Integer.parseInt(args[5]),
                        Integer.parseInt(args[6]) << 20,
                        Integer.parseInt(args[7]),
                        Path.of(args[8]));
            default -> throw new IllegalArgumentException("seed or copy, not " + args[0]);
        }
        System.exit(0);
    }

    private static void seed(URI endpoint, String bucket, int small, int large, long largeSize) throws Exception {
        try (S3Client s3 = S3BlobStore.client("us-east-1", Optional.of(endpoint))) {
            s3.createBucket(b -> b.bucket(bucket));
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < small; i++) {
                int n = i;
                writes.add(pool.submit(() -> {
                    byte[] content = new byte[1024 + (n * 7919) % (15 * 1024)];
                    new TestData.Generator(n + 1).fill(content, content.length);
                    s3.putObject(
                            b -> b.bucket(bucket).key(String.format("small/%03d/%06d.bin", n % 100, n)),
                            RequestBody.fromBytes(content));
                }));
            }
            for (int i = 0; i < large; i++) {
                int n = i;
                writes.add(pool.submit(() -> {
                    String key = "large/" + n + ".bin";
                    String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key))
                            .uploadId();
                    TestData.Generator g = new TestData.Generator(1000 + n);
                    int part = 16 << 20;
                    byte[] buffer = new byte[part];
                    List<CompletedPart> parts = new ArrayList<>();
                    int number = 1;
                    for (long done = 0; done < largeSize; number++) {
                        int len = (int) Math.min(part, largeSize - done);
                        g.fill(buffer, len);
                        int pn = number;
                        String etag = s3.uploadPart(
                                        b -> b.bucket(bucket)
                                                .key(key)
                                                .uploadId(id)
                                                .partNumber(pn),
                                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, len), len))
                                .eTag();
                        parts.add(CompletedPart.builder()
                                .partNumber(pn)
                                .eTag(etag)
                                .build());
                        done += len;
                    }
                    s3.completeMultipartUpload(
                            b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
                    return null;
                }));
            }
            for (Future<?> f : writes) {
                f.get();
            }
            pool.shutdown();
        }
    }

    private static void copy(
            URI s3Endpoint,
            String s3Bucket,
            URI gcsEndpoint,
            String gcsBucket,
            int concurrency,
            int part,
            int buffers,
            Path ledger)
            throws Exception {
        try (S3Client s3 = S3BlobStore.client("us-east-1", Optional.of(s3Endpoint));
                Copier copier = new Copier(concurrency, part, buffers)) {
            var gcs = GcsBlobStore.client(Optional.of("bench"), Optional.of(gcsEndpoint));
            if (gcs.get(gcsBucket) == null) {
                gcs.create(com.google.cloud.storage.BucketInfo.of(gcsBucket));
            }
            Replicator r = new Replicator(
                    "bench",
                    Mode.MIRROR,
                    "",
                    Location.parse("aws:s3://" + s3Bucket),
                    new S3BlobStore("aws", s3Bucket, s3),
                    Location.parse("gcp:gs://" + gcsBucket),
                    new GcsBlobStore("gcp", gcsBucket, gcs),
                    Ledger.open(ledger),
                    copier,
                    Clock.systemUTC());
            long start = System.nanoTime();
            PassReport pass = r.pass();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    java.util.Locale.ROOT,
                    "BARAN objects=%d bytes=%d seconds=%.2f errors=%d buffers_mib=%d%n",
                    pass.copiedObjects(),
                    pass.copiedBytes(),
                    seconds,
                    pass.errorCount(),
                    copier.bufferBytes() >> 20);
            if (!pass.successful()) {
                System.out.println("BARAN pass: " + pass.describe());
            }
        }
    }
}
