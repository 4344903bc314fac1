package io.baran.worker.provider.store;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.BaseServiceException;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.net.URI;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A bucket of Google Cloud Storage (or of fake-gcs-server), through google-cloud-storage's JSON API client.
 * Objects carry their SHA-256 in custom metadata ({@code baran-sha256}). Small objects go in one request
 * whose MD5 and CRC32C the service checks. Large ones go up as part objects beside the key
 * ({@code …/.baran-tmp/<id>/<n>}), which one compose request (a tree of them past 32 parts) turns into the
 * object with its metadata, atomically; the service's CRC32C of the result is checked against the one
 * computed while reading. Credentials come from Application Default Credentials; with an endpoint override
 * (an emulator) none are sent.
 *
 * <p>A {@link Precondition} is Cloud Storage's {@code ifGenerationMatch} ({@code 0}: no live object) on the request
 * that makes the object visible (the upload, the last compose) or deletes it, checked atomically by the service; its
 * 412, or a conditional deletion finding nothing, is {@link BlobStoreException#preconditionFailed()}.
 */
public final class GcsBlobStore implements BlobStore {

    static final String SHA256 = "baran-sha256";
    private static final int COMPOSE_LIMIT = 32;
    /** The client gzips what it sends unless told not to: CPU spent for nothing on media and on data already compressed. */
    private static final Storage.BlobTargetOption NO_GZIP = Storage.BlobTargetOption.disableGzipContent();

    private final String name;
    private final String bucket;
    private final Storage storage;

    public GcsBlobStore(String name, String bucket, Storage storage) {
        this.name = name;
        this.bucket = bucket;
        this.storage = storage;
    }

    public static Storage client(Optional<String> project, Optional<URI> endpoint) {
        StorageOptions.Builder options = StorageOptions.http()
                .setRetrySettings(RetrySettings.newBuilder()
                        .setMaxAttempts(4)
                        .setInitialRetryDelayDuration(Duration.ofMillis(250))
                        .setMaxRetryDelayDuration(Duration.ofSeconds(4))
                        .setRetryDelayMultiplier(2)
                        .setTotalTimeoutDuration(Duration.ofMinutes(2))
                        .setInitialRpcTimeoutDuration(Duration.ofSeconds(60))
                        .setMaxRpcTimeoutDuration(Duration.ofSeconds(60))
                        .setRpcTimeoutMultiplier(1)
                        .build());
        project.ifPresent(options::setProjectId);
        endpoint.ifPresent(e -> {
            options.setHost(e.toString());
            options.setCredentials(NoCredentials.getInstance());
            if (project.isEmpty()) {
                options.setProjectId("baran");
            }
        });
        return options.build().getService();
    }

    @Override
    public String describe() {
        return name + ":gs://" + bucket;
    }

    @Override
    public void list(String prefix, Consumer<Blob> each) {
        call("list", prefix, () -> {
            for (com.google.cloud.storage.Blob b : storage.list(
                            bucket, Storage.BlobListOption.prefix(prefix), Storage.BlobListOption.pageSize(1000))
                    .iterateAll()) {
                if (!b.getName().startsWith(TEMPORARY) && !b.getName().contains("/" + TEMPORARY)) {
                    each.accept(blob(b));
                }
            }
            return null;
        });
    }

    private static Blob blob(BlobInfo b) {
        Map<String, String> metadata = b.getMetadata();
        // A composed object has no MD5 on the real service (fake-gcs-server computes one anyway).
        boolean composed = b.getComponentCount() != null && b.getComponentCount() > 1;
        return new Blob(
                b.getName(),
                b.getSize() == null ? 0 : b.getSize(),
                b.getUpdateTimeOffsetDateTime() == null
                        ? null
                        : b.getUpdateTimeOffsetDateTime().toInstant(),
                String.valueOf(b.getGeneration()),
                metadata == null ? null : metadata.get(SHA256),
                composed || b.getMd5() == null
                        ? null
                        : HexFormat.of().formatHex(Base64.getDecoder().decode(b.getMd5())),
                b.getCrc32c() == null
                        ? null
                        : HexFormat.of().formatHex(Base64.getDecoder().decode(b.getCrc32c())));
    }

    @Override
    public Blob stat(String key) {
        com.google.cloud.storage.Blob b = call("get", key, () -> storage.get(BlobId.of(bucket, key)));
        if (b == null) {
            // A missing bucket must not read as a missing object.
            if (call("get bucket", "", () -> storage.get(bucket)) == null) {
                throw new BlobStoreException(describe() + ": the bucket does not exist", null);
            }
            return null;
        }
        return blob(b);
    }

    @Override
    public Reading open(Blob blob) {
        // Reading one generation: if the object is written again meanwhile, the read fails rather than mix versions.
        ReadChannel reader = call(
                "read",
                blob.key(),
                () -> storage.reader(BlobId.of(bucket, blob.key(), Long.parseLong(blob.version()))));
        reader.setChunkSize(8 << 20);
        return new Reading(Channels.newInputStream(reader), blob);
    }

    @Override
    public Blob put(String key, byte[] content, int length, Digests.Sums sums, Precondition expected) {
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, key))
                .setMetadata(Map.of(SHA256, sums.sha256()))
                .build();
        // The client sends the content's MD5 and CRC32C with it; the service refuses bytes that do not match.
        Blob stored = blob(conditional(
                "upload",
                key,
                expected,
                "written",
                () -> storage.create(info, content, 0, length, targetOptions(expected, NO_GZIP))));
        verify(key, stored, sums);
        return stored;
    }

    @Override
    public Upload upload(String key, long size, long partSize, String sha256, String resumeToken) {
        return new ComposedUpload(
                key, resumeToken != null ? resumeToken : UUID.randomUUID().toString());
    }

    @Override
    public void delete(String key, Precondition expected) {
        expected.requireDeletable(describe(), key);
        if (expected.isNone()) {
            call("delete", key, () -> storage.delete(BlobId.of(bucket, key)));
            return;
        }
        boolean deleted = conditional(
                "delete",
                key,
                expected,
                "deleted",
                () -> storage.delete(
                        BlobId.of(bucket, key), Storage.BlobSourceOption.generationMatch(generation(expected))));
        if (!deleted) {
            throw BlobStoreException.preconditionFailed(describe(), key, "deleted", expected, "nothing", null);
        }
    }

    /** The write options a precondition adds: {@code ifGenerationMatch}, 0 for "no live object". */
    private static Storage.BlobTargetOption[] targetOptions(Precondition expected, Storage.BlobTargetOption... more) {
        List<Storage.BlobTargetOption> options = new ArrayList<>(List.of(more));
        switch (expected.kind()) {
            case ABSENT -> options.add(Storage.BlobTargetOption.doesNotExist());
            case VERSION -> options.add(Storage.BlobTargetOption.generationMatch(generation(expected)));
            case NONE -> {}
        }
        return options.toArray(Storage.BlobTargetOption[]::new);
    }

    private static long generation(Precondition expected) {
        return Long.parseLong(expected.version());
    }

    /**
     * {@link #call} for a request sent with a precondition: the service's 412 becomes
     * {@link BlobStoreException#preconditionFailed()}.
     */
    private <T> T conditional(
            String operation, String key, Precondition expected, String outcome, Supplier<T> request) {
        String found = expected.kind() == Precondition.Kind.ABSENT ? "an object" : "another generation or nothing";
        return call(
                operation,
                key,
                () -> expected.send(
                        describe(),
                        key,
                        outcome,
                        BaseServiceException.class,
                        e -> e.getCode() == 412 ? found + " (HTTP 412)" : null,
                        request));
    }

    /** The client belongs to whoever built it, and may serve other buckets. */
    @Override
    public void close() {}

    private void verify(String key, Blob stored, Digests.Sums sums) {
        if (stored.size() != sums.length()
                || (stored.crc32c() != null && !stored.crc32c().equals(sums.crc32c()))
                || !sums.sha256().equals(stored.sha256())) {
            throw new BlobStoreException(
                    describe() + ": " + key + " holds " + stored.size() + " bytes with CRC32C " + stored.crc32c()
                            + " after its upload, not " + sums.length() + " bytes with " + sums.crc32c(),
                    null);
        }
    }

    private final class ComposedUpload implements Upload {
        private final String key;
        private final String id;
        private final String parts;

        ComposedUpload(String key, String id) {
            this.key = key;
            this.id = id;
            int slash = key.lastIndexOf('/');
            this.parts = (slash < 0 ? "" : key.substring(0, slash + 1)) + TEMPORARY + id + "/";
        }

        @Override
        public String token() {
            return id;
        }

        @Override
        public String putPart(int number, byte[] bytes, int length, byte[] md5) {
            String part = parts + String.format("%05d", number);
            com.google.cloud.storage.Blob stored = call(
                    "upload part " + number + " of",
                    key,
                    () -> storage.create(
                            BlobInfo.newBuilder(BlobId.of(bucket, part)).build(), bytes, 0, length, NO_GZIP));
            return String.valueOf(stored.getGeneration());
        }

        @Override
        public Blob complete(List<String> tags, Digests.Sums sums, Precondition expected) {
            List<String> sources = new ArrayList<>();
            for (int i = 1; i <= tags.size(); i++) {
                sources.add(parts + String.format("%05d", i));
            }
            List<String> intermediates = new ArrayList<>();
            int level = 0;
            while (sources.size() > COMPOSE_LIMIT) {
                List<String> next = new ArrayList<>();
                for (int i = 0; i < sources.size(); i += COMPOSE_LIMIT) {
                    String target = parts + "c" + level + "-" + String.format("%05d", i / COMPOSE_LIMIT);
                    List<String> group = sources.subList(i, Math.min(sources.size(), i + COMPOSE_LIMIT));
                    call(
                            "compose",
                            target,
                            () -> storage.compose(Storage.ComposeRequest.newBuilder()
                                    .addSource(group)
                                    .setTarget(BlobInfo.newBuilder(BlobId.of(bucket, target))
                                            .build())
                                    .build()));
                    next.add(target);
                }
                intermediates.addAll(next);
                sources = next;
                level++;
            }
            List<String> last = sources;
            BlobInfo target = BlobInfo.newBuilder(BlobId.of(bucket, key))
                    .setMetadata(Map.of(SHA256, sums.sha256()))
                    .build();
            Blob stored = blob(conditional(
                    "compose",
                    key,
                    expected,
                    "written",
                    () -> storage.compose(Storage.ComposeRequest.newBuilder()
                            .addSource(last)
                            .setTarget(target)
                            .setTargetOptions(targetOptions(expected))
                            .build())));
            verify(key, stored, sums);
            abort();
            return stored;
        }

        @Override
        public void abort() {
            List<BlobId> leftovers = new ArrayList<>();
            call("list parts of", key, () -> {
                for (com.google.cloud.storage.Blob b : storage.list(bucket, Storage.BlobListOption.prefix(parts))
                        .iterateAll()) {
                    leftovers.add(b.getBlobId());
                }
                return null;
            });
            if (!leftovers.isEmpty()) {
                call("delete parts of", key, () -> storage.delete(leftovers));
            }
        }
    }

    private <T> T call(String operation, String key, Supplier<T> call) {
        try {
            return call.get();
        } catch (BlobStoreException e) {
            throw e;
        } catch (BaseServiceException e) {
            throw new BlobStoreException(
                    describe() + ": " + operation + " " + key + " failed: HTTP " + e.getCode() + " " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            throw new BlobStoreException(describe() + ": " + operation + " " + key + " failed: " + e, e);
        }
    }
}
