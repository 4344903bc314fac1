package io.baran.worker.provider.store;

import com.azure.core.exception.AzureException;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A container of Azure Blob Storage (or of Azurite), through azure-storage-blob. Blobs carry their SHA-256
 * in metadata ({@code baransha256}: Azure metadata names are C# identifiers, so no hyphen). Small blobs go
 * in one Put Blob with a transactional MD5; large ones as staged blocks, each with its MD5, which one Put
 * Block List turns into the blob with its metadata and Content-MD5: nothing is visible before.
 * Uncommitted blocks survive a crash of the worker (for seven days on the service), so an upload resumes.
 *
 * <p>A {@link Precondition} is sent as {@code If-None-Match: *} or {@code If-Match: <ETag>} on Put Blob, Put Block
 * List and Delete Blob, checked atomically by the service; its refusal (412 ConditionNotMet, 409 BlobAlreadyExists,
 * or 404 BlobNotFound to {@code If-Match}) is {@link BlobStoreException#preconditionFailed()}.
 */
public final class AzureBlobStore implements BlobStore {

    static final String SHA256 = "baransha256";

    private final String name;
    private final BlobContainerClient container;

    public AzureBlobStore(String name, BlobContainerClient container) {
        this.name = name;
        this.container = container;
    }

    /**
     * @param endpoint the account's blob endpoint, e.g. {@code https://acct.blob.core.windows.net} or Azurite's
     *                 {@code http://127.0.0.1:10000/devstoreaccount1}
     * @param key      the account key (from the environment variable the configuration names)
     */
    public static BlobContainerClient container(String endpoint, String account, String key, String container) {
        return new BlobServiceClientBuilder()
                .endpoint(endpoint)
                .credential(new StorageSharedKeyCredential(account, key))
                .retryOptions(new RequestRetryOptions(
                        RetryPolicyType.EXPONENTIAL,
                        4,
                        Duration.ofMinutes(2),
                        Duration.ofMillis(250),
                        Duration.ofSeconds(4),
                        null))
                .buildClient()
                .getBlobContainerClient(container);
    }

    @Override
    public String describe() {
        return name + ":az://" + container.getBlobContainerName();
    }

    @Override
    public void list(String prefix, Consumer<Blob> each) {
        call("list", prefix, () -> {
            ListBlobsOptions options = new ListBlobsOptions()
                    .setPrefix(prefix)
                    .setMaxResultsPerPage(5000)
                    .setDetails(new BlobListDetails().setRetrieveMetadata(true));
            for (BlobItem item : container.listBlobs(options, null)) {
                if (!item.getName().startsWith(TEMPORARY)
                        && !item.getName().contains("/" + TEMPORARY)
                        && !Boolean.TRUE.equals(item.isPrefix())) {
                    each.accept(new Blob(
                            item.getName(),
                            item.getProperties().getContentLength(),
                            instant(item.getProperties().getLastModified()),
                            Blob.unquote(item.getProperties().getETag()),
                            sha256(item.getMetadata()),
                            Digests.hex(item.getProperties().getContentMd5()),
                            null));
                }
            }
            return null;
        });
    }

    @Override
    public Blob stat(String key) {
        BlobProperties p = call("get properties of", key, () -> {
            try {
                return container.getBlobClient(key).getProperties();
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 404 && !"ContainerNotFound".equals(String.valueOf(e.getErrorCode()))) {
                    return null;
                }
                throw e;
            }
        });
        if (p == null) {
            if (!call("check the container of", key, container::exists)) {
                throw new BlobStoreException(describe() + ": the container does not exist", null);
            }
            return null;
        }
        return new Blob(
                key,
                p.getBlobSize(),
                instant(p.getLastModified()),
                Blob.unquote(p.getETag()),
                sha256(p.getMetadata()),
                Digests.hex(p.getContentMd5()),
                null);
    }

    @Override
    public Reading open(Blob blob) {
        // Locked to the listed ETag: a blob written again meanwhile fails the read rather than mix versions.
        return call(
                "read",
                blob.key(),
                () -> new Reading(
                        container
                                .getBlobClient(blob.key())
                                .openInputStream(new BlobInputStreamOptions()
                                        .setBlockSize(8 << 20)
                                        .setRequestConditions(
                                                new BlobRequestConditions().setIfMatch("\"" + blob.version() + "\""))),
                        blob));
    }

    @Override
    public Blob put(String key, byte[] content, int length, Digests.Sums sums, Precondition expected) {
        BlockBlobItem item = conditional(
                "upload",
                key,
                expected,
                "written",
                () -> blocks(key)
                        .uploadWithResponse(
                                new ByteArrayInputStream(content, 0, length),
                                length,
                                new BlobHttpHeaders().setContentMd5(sums.md5()),
                                Map.of(SHA256, sums.sha256()),
                                null,
                                sums.md5(),
                                conditions(expected),
                                null,
                                Context.NONE)
                        .getValue());
        return new Blob(
                key,
                length,
                instant(item.getLastModified()),
                Blob.unquote(item.getETag()),
                sums.sha256(),
                sums.md5Hex(),
                null);
    }

    @Override
    public Upload upload(String key, long size, long partSize, String sha256, String resumeToken) {
        return new BlockUpload(
                key,
                resumeToken != null ? resumeToken : UUID.randomUUID().toString().replace("-", ""));
    }

    @Override
    public boolean wantsMd5() {
        return true;
    }

    @Override
    public void delete(String key, Precondition expected) {
        expected.requireDeletable(describe(), key);
        if (expected.isNone()) {
            call("delete", key, () -> container.getBlobClient(key).deleteIfExists());
            return;
        }
        conditional(
                "delete",
                key,
                expected,
                "deleted",
                () -> container.getBlobClient(key).deleteWithResponse(null, conditions(expected), null, Context.NONE));
    }

    /** The request conditions a precondition sends; null for none. */
    private static BlobRequestConditions conditions(Precondition expected) {
        return switch (expected.kind()) {
            case NONE -> null;
            case ABSENT -> new BlobRequestConditions().setIfNoneMatch("*");
            case VERSION -> new BlobRequestConditions().setIfMatch("\"" + expected.version() + "\"");
        };
    }

    /**
     * {@link #call} for a request sent with a precondition: the service's refusals of it become
     * {@link BlobStoreException#preconditionFailed()} (not {@link BlobStoreException#changed()}, as a 412 of a read).
     */
    private <T> T conditional(
            String operation, String key, Precondition expected, String outcome, Supplier<T> request) {
        return call(
                operation,
                key,
                () -> expected.send(
                        describe(), key, outcome, BlobStorageException.class, e -> refusal(e, expected), request));
    }

    /** What Blob Storage found when it refused a precondition; null for another failure. */
    private static String refusal(BlobStorageException e, Precondition expected) {
        String code = String.valueOf(e.getErrorCode());
        String found = e.getStatusCode() == 412
                ? expected.kind() == Precondition.Kind.ABSENT ? "a blob" : "another version"
                : e.getStatusCode() == 409 && "BlobAlreadyExists".equals(code)
                        ? "a blob"
                        : e.getStatusCode() == 404 && "BlobNotFound".equals(code) ? "nothing" : null;
        return found == null ? null : found + " (HTTP " + e.getStatusCode() + " " + code + ")";
    }

    @Override
    public void close() {}

    private final class BlockUpload implements Upload {
        private final String key;
        private final String id;

        BlockUpload(String key, String id) {
            this.key = key;
            this.id = id;
        }

        @Override
        public String token() {
            return id;
        }

        /** Every block id of one blob must have the same length. */
        private String blockId(int number) {
            return Base64.getEncoder()
                    .encodeToString((id + "-" + String.format("%06d", number)).getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public String putPart(int number, byte[] bytes, int length, byte[] md5) {
            String blockId = blockId(number);
            call(
                    "stage block " + number + " of",
                    key,
                    () -> blocks(key)
                            .stageBlockWithResponse(
                                    blockId,
                                    new ByteArrayInputStream(bytes, 0, length),
                                    length,
                                    md5,
                                    null,
                                    null,
                                    Context.NONE));
            return blockId;
        }

        @Override
        public Blob complete(List<String> tags, Digests.Sums sums, Precondition expected) {
            BlockBlobItem item = conditional(
                    "commit the blocks of",
                    key,
                    expected,
                    "written",
                    () -> blocks(key)
                            .commitBlockListWithResponse(
                                    new ArrayList<>(tags),
                                    sums.md5() == null ? null : new BlobHttpHeaders().setContentMd5(sums.md5()),
                                    Map.of(SHA256, sums.sha256()),
                                    null,
                                    conditions(expected),
                                    null,
                                    Context.NONE)
                            .getValue());
            Blob stored = stat(key);
            if (stored == null
                    || stored.size() != sums.length()
                    || !Blob.unquote(item.getETag()).equals(stored.version())) {
                throw new BlobStoreException(
                        describe() + ": " + key + " holds " + (stored == null ? "nothing" : stored.describe())
                                + " after its blocks were committed, not " + sums.length() + " bytes",
                        null);
            }
            return stored;
        }

        @Override
        public void abort() {
            // Uncommitted blocks cannot be deleted one by one; the service drops them with the next commit or after
            // seven days. Nothing of them is visible.
        }
    }

    private BlockBlobClient blocks(String key) {
        return container.getBlobClient(key).getBlockBlobClient();
    }

    private static String sha256(Map<String, String> metadata) {
        return metadata == null ? null : metadata.get(SHA256);
    }

    private static Instant instant(java.time.OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private <T> T call(String operation, String key, Supplier<T> call) {
        try {
            return call.get();
        } catch (BlobStoreException e) {
            throw e;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 412) {
                throw BlobStoreException.changed(describe(), key, "written again");
            }
            throw new BlobStoreException(
                    describe() + ": " + operation + " " + key + " failed: HTTP " + e.getStatusCode() + " "
                            + e.getErrorCode(),
                    e);
        } catch (AzureException | java.io.UncheckedIOException | IllegalStateException e) {
            throw new BlobStoreException(describe() + ": " + operation + " " + key + " failed: " + e.getMessage(), e);
        }
    }
}
