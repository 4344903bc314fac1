package io.baran.worker.replication;

import com.azure.storage.blob.BlobContainerClient;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import io.baran.testinfra.AzuriteServer;
import io.baran.testinfra.FakeGcsServer;
import io.baran.testinfra.MotoServer;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.provider.store.AzureBlobStore;
import io.baran.worker.provider.store.FileBlobStore;
import io.baran.worker.provider.store.GcsBlobStore;
import io.baran.worker.provider.store.S3BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The object-store emulators the replication tests use, started once per test JVM on free 127.0.0.1 ports (and
 * stopped by their shutdown hooks): moto for S3, fake-gcs-server for Cloud Storage, Azurite for Blob Storage.
 * Each test takes fresh buckets.
 */
public final class Emulators {

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static MotoServer moto;
    private static FakeGcsServer gcs;
    private static AzuriteServer azurite;
    private static S3Client s3Client;
    private static Storage gcsClient;

    private Emulators() {}

    public static synchronized MotoServer moto() {
        if (moto == null) {
            moto = MotoServer.start(WorkDirs.create("moto"));
        }
        return moto;
    }

    public static synchronized FakeGcsServer gcs() {
        if (gcs == null) {
            gcs = FakeGcsServer.start(WorkDirs.create("fake-gcs"));
        }
        return gcs;
    }

    public static synchronized AzuriteServer azurite() {
        if (azurite == null) {
            azurite = AzuriteServer.start(WorkDirs.create("azurite"));
        }
        return azurite;
    }

    public static synchronized S3Client s3Client() {
        if (s3Client == null) {
            s3Client = S3BlobStore.client("us-east-1", Optional.of(URI.create(moto().endpoint())));
        }
        return s3Client;
    }

    public static synchronized Storage gcsClient() {
        if (gcsClient == null) {
            gcsClient = GcsBlobStore.client(Optional.of("baran-test"), Optional.of(URI.create(gcs().endpoint())));
        }
        return gcsClient;
    }

    /** A bucket name no other test uses. */
    public static String bucket(String hint) {
        return hint + "-" + BUCKETS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    }

    public static S3BlobStore s3(String bucket) {
        s3Client().createBucket(b -> b.bucket(bucket));
        return new S3BlobStore("aws-test", bucket, s3Client());
    }

    public static GcsBlobStore gcs(String bucket) {
        gcsClient().create(BucketInfo.of(bucket));
        return new GcsBlobStore("gcp-test", bucket, gcsClient());
    }

    public static AzureBlobStore azure(String container) {
        BlobContainerClient client =
                AzureBlobStore.container(azurite().endpoint(), AzuriteServer.ACCOUNT, AzuriteServer.KEY, container);
        client.createIfNotExists();
        return new AzureBlobStore("azure-test", client);
    }

    public static FileBlobStore files(String bucket) {
        Path root = WorkDirs.create("files");
        try {
            Files.createDirectories(root.resolve(bucket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FileBlobStore("files-test", root, bucket);
    }
}
