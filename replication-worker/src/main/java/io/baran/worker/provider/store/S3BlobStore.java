package io.baran.worker.provider.store;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * A bucket of Amazon S3 (or of an S3 API such as moto), through the AWS SDK v2. Objects carry their
 * SHA-256 as user metadata ({@code x-amz-meta-baran-sha256}, as the worker's S3 provider writes it).
 * Small objects go in one PutObject with Content-MD5; large ones in a multipart upload whose parts carry
 * Content-MD5 each, visible only when CompleteMultipartUpload returns. S3 fixes metadata when an upload
 * starts: when the SHA-256 is not known then, the upload goes to a temporary key beside the object
 * ({@code …/.baran-tmp/<id>}) and is copied in place with its metadata once complete.
 *
 * <p>A {@link Precondition} goes with the request that makes the object visible, which S3 checks atomically:
 * {@code If-None-Match: *} or {@code If-Match: <ETag>} on PutObject, on CompleteMultipartUpload, and on the CopyObject
 * (or the multipart copy's completion) that puts a temporary object in place; {@code If-Match} on DeleteObject (which
 * needs {@code s3:GetObject} too). 412, a 404 NoSuchKey to {@code If-Match}, and 409 ConditionalRequestConflict (a
 * concurrent write to the key) are {@link BlobStoreException#preconditionFailed()}.
 */
public final class S3BlobStore implements BlobStore {

    static final String SHA256 = "baran-sha256";
    /** CopyObject copies at most 5 GiB; larger objects are copied in parts. */
    private static final long COPY_LIMIT = 5L << 30;

    private static final long COPY_PART = 1L << 30;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(S3BlobStore.class);
    private static final Pattern PLAIN_MD5 = Pattern.compile("[0-9a-f]{32}");

    private final String name;
    private final String bucket;
    private final S3Client client;

    public S3BlobStore(String name, String bucket, S3Client client) {
        this.name = name;
        this.bucket = bucket;
        this.client = client;
    }

    /**
     * A client with credentials from the SDK's default chain only, and path-style addressing when an
     * endpoint override (an emulator, a private endpoint) is given.
     */
    public static S3Client client(String region, Optional<URI> endpoint) {
        var builder = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .overrideConfiguration(
                        c -> c.apiCallAttemptTimeout(Duration.ofMinutes(2)).apiCallTimeout(Duration.ofMinutes(5)))
                .forcePathStyle(endpoint.isPresent())
                // Baran checks every byte itself (SHA-256, Content-MD5 the service verifies): no second checksum per
                // request.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    @Override
    public String describe() {
        return name + ":s3://" + bucket;
    }

    /** How long what GetBucketEncryption answered serves the listings. */
    static final Duration ENCRYPTION_READ_FOR = Duration.ofMinutes(10);

    private volatile boolean listedEtagsAreMd5;
    private volatile long encryptionReadAt = System.nanoTime() - ENCRYPTION_READ_FOR.toNanos() - 1;

    /**
     * Whether a plain ETag in a listing is the content's MD5: a listing does not say how each object is encrypted, and
     * under SSE-KMS (or DSSE-KMS) the ETag is not the MD5, so it is taken as one only when the bucket's default
     * encryption is SSE-S3 or none (GetBucketEncryption, read again every {@link #ENCRYPTION_READ_FOR}). When it cannot
     * be read (no {@code s3:GetEncryptionConfiguration}), not: contents are then compared by what HeadObject says.
     * An object written with SSE-KMS into a bucket whose default is SSE-S3 still lists an ETag taken as its MD5.
     */
    boolean listedEtagsAreMd5() {
        if (System.nanoTime() - encryptionReadAt < ENCRYPTION_READ_FOR.toNanos()) {
            return listedEtagsAreMd5;
        }
        boolean md5;
        try {
            md5 = client.getBucketEncryption(b -> b.bucket(bucket)).serverSideEncryptionConfiguration().rules().stream()
                    .map(r -> r.applyServerSideEncryptionByDefault())
                    .filter(java.util.Objects::nonNull)
                    .allMatch(d -> d.sseAlgorithm() == ServerSideEncryption.AES256);
        } catch (S3Exception e) {
            String code =
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            md5 = "ServerSideEncryptionConfigurationNotFoundError".equals(code);
            if (!md5) {
                LOG.warnf(
                        "%s: its default encryption could not be read (%s): listed ETags are not taken as MD5s, and"
                                + " contents are compared by HeadObject (grant s3:GetEncryptionConfiguration)",
                        describe(), code == null ? e.statusCode() : code);
            }
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            return false; // not answered: asked again at the next listing
        }
        listedEtagsAreMd5 = md5;
        encryptionReadAt = System.nanoTime();
        return md5;
    }

    @Override
    public void list(String prefix, Consumer<Blob> each) {
        boolean md5 = listedEtagsAreMd5();
        call("ListObjectsV2", prefix, () -> {
            client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).maxKeys(1000)).contents().stream()
                    .filter(o -> !o.key().startsWith(TEMPORARY) && !o.key().contains("/" + TEMPORARY))
                    .map(o -> listed(o, md5))
                    .forEach(each);
            return null;
        });
    }

    /**
     * A listing carries no user metadata: the SHA-256 stays unknown; a plain ETag is the content's MD5 when
     * {@code md5} ({@link #listedEtagsAreMd5}).
     */
    private static Blob listed(S3Object o, boolean md5) {
        String etag = Blob.unquote(o.eTag());
        return new Blob(
                o.key(),
                o.size(),
                o.lastModified(),
                etag,
                null,
                md5 && PLAIN_MD5.matcher(etag).matches() ? etag : null,
                null);
    }

    @Override
    public Blob stat(String key) {
        HeadObjectResponse head = call("HeadObject", key, () -> {
            try {
                return client.headObject(b -> b.bucket(bucket).key(key));
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return null;
                }
                throw e;
            }
        });
        if (head == null) {
            // HEAD answers a bare 404 for a missing bucket too: ask the bucket, so a typo is not read as "absent".
            call("HeadBucket", "", () -> client.headBucket(b -> b.bucket(bucket)));
            return null;
        }
        String etag = Blob.unquote(head.eTag());
        return new Blob(
                key,
                head.contentLength(),
                head.lastModified(),
                etag,
                head.metadata().get(SHA256),
                plainMd5(etag, head.serverSideEncryption()),
                null);
    }

    @Override
    public Reading open(Blob blob) {
        ResponseInputStream<GetObjectResponse> in = call("GetObject", blob.key(), () -> {
            try {
                return client.getObject(b -> b.bucket(bucket).key(blob.key()).ifMatch("\"" + blob.version() + "\""));
            } catch (S3Exception e) {
                if (e.statusCode() == 412 || e.statusCode() == 404) {
                    throw BlobStoreException.changed(
                            describe(), blob.key(), e.statusCode() == 404 ? "deleted" : "written again");
                }
                throw e;
            }
        });
        GetObjectResponse r = in.response();
        String etag = Blob.unquote(r.eTag());
        return new Reading(
                in,
                new Blob(
                        blob.key(),
                        r.contentLength(),
                        r.lastModified(),
                        etag,
                        r.metadata().get(SHA256),
                        plainMd5(etag, r.serverSideEncryption()),
                        null));
    }

    @Override
    public Blob put(String key, byte[] content, int length, Digests.Sums sums, Precondition expected) {
        String etag = conditional(
                "PutObject",
                key,
                expected,
                "written",
                () -> client.putObject(
                                b -> b.bucket(bucket)
                                        .key(key)
                                        .contentLength((long) length)
                                        .contentMD5(Base64.getEncoder().encodeToString(sums.md5()))
                                        .metadata(Map.of(SHA256, sums.sha256()))
                                        .ifMatch(ifMatch(expected))
                                        .ifNoneMatch(ifNoneMatch(expected)),
                                RequestBody.fromInputStream(new ByteArrayInputStream(content, 0, length), length))
                        .eTag());
        return new Blob(key, length, Instant.now(), Blob.unquote(etag), sums.sha256(), sums.md5Hex(), null);
    }

    @Override
    public Upload upload(String key, long size, long partSize, String sha256, String resumeToken) {
        if (resumeToken != null) {
            int bar = resumeToken.indexOf('|');
            return new S3Upload(key, resumeToken.substring(0, bar), resumeToken.substring(bar + 1));
        }
        String target = sha256 != null ? key : temporaryKey(key);
        Map<String, String> metadata = sha256 != null ? Map.of(SHA256, sha256) : Map.of();
        String uploadId = call(
                "CreateMultipartUpload",
                key,
                () -> client.createMultipartUpload(
                                b -> b.bucket(bucket).key(target).metadata(metadata))
                        .uploadId());
        return new S3Upload(key, uploadId, target);
    }

    static String temporaryKey(String key) {
        int slash = key.lastIndexOf('/');
        return (slash < 0 ? "" : key.substring(0, slash + 1)) + TEMPORARY + UUID.randomUUID();
    }

    @Override
    public boolean wantsMd5() {
        return true;
    }

    @Override
    public void delete(String key, Precondition expected) {
        expected.requireDeletable(describe(), key);
        conditional(
                "DeleteObject",
                key,
                expected,
                "deleted",
                () -> client.deleteObject(b -> b.bucket(bucket).key(key).ifMatch(ifMatch(expected))));
    }

    /** The {@code If-Match} header a precondition sends: the quoted ETag, or none. */
    private static String ifMatch(Precondition expected) {
        return expected.kind() == Precondition.Kind.VERSION ? "\"" + expected.version() + "\"" : null;
    }

    private static String ifNoneMatch(Precondition expected) {
        return expected.kind() == Precondition.Kind.ABSENT ? "*" : null;
    }

    /**
     * {@link #call} for a request sent with a precondition: S3's refusals of it become
     * {@link BlobStoreException#preconditionFailed()}.
     */
    private <T> T conditional(
            String operation, String key, Precondition expected, String outcome, Supplier<T> request) {
        return call(
                operation,
                key,
                () -> expected.send(describe(), key, outcome, S3Exception.class, e -> refusal(e, expected), request));
    }

    /** What S3 found when it refused a precondition; null for another failure. */
    private static String refusal(S3Exception e, Precondition expected) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String found = e.statusCode() == 412
                ? expected.kind() == Precondition.Kind.ABSENT ? "an object" : "another version"
                : e.statusCode() == 404 && "NoSuchKey".equals(code)
                        ? "nothing"
                        : e.statusCode() == 409 && "ConditionalRequestConflict".equals(code)
                                ? "another write to it under way"
                                : null;
        return found == null ? null : found + " (HTTP " + e.statusCode() + " " + code + ")";
    }

    /** The client belongs to whoever built it, and may serve other buckets. */
    @Override
    public void close() {}

    private final class S3Upload implements Upload {
        private final String key;
        private final String uploadId;
        private final String target;

        S3Upload(String key, String uploadId, String target) {
            this.key = key;
            this.uploadId = uploadId;
            this.target = target;
        }

        @Override
        public String token() {
            return uploadId + "|" + target;
        }

        @Override
        public String putPart(int number, byte[] bytes, int length, byte[] md5) {
            return Blob.unquote(call(
                    "UploadPart " + number + " of",
                    key,
                    () -> client.uploadPart(
                                    b -> b.bucket(bucket)
                                            .key(target)
                                            .uploadId(uploadId)
                                            .partNumber(number)
                                            .contentLength((long) length)
                                            .contentMD5(Base64.getEncoder().encodeToString(md5)),
                                    RequestBody.fromInputStream(new ByteArrayInputStream(bytes, 0, length), length))
                            .eTag()));
        }

        @Override
        public Blob complete(List<String> tags, Digests.Sums sums, Precondition expected) {
            List<CompletedPart> parts = new ArrayList<>();
            for (int i = 0; i < tags.size(); i++) {
                parts.add(CompletedPart.builder()
                        .partNumber(i + 1)
                        .eTag("\"" + tags.get(i) + "\"")
                        .build());
            }
            boolean inPlace = target.equals(key);
            // Straight to the key, the completion carries the precondition; else the copy in place does.
            completeMultipart(key, target, uploadId, parts, inPlace ? expected : Precondition.none());
            if (!inPlace) {
                try {
                    copyWithSha256(target, key, sums, expected);
                } catch (BlobStoreException e) {
                    if (e.preconditionFailed()) {
                        // Refused: the temporary object would stay, never listed; the upload is over either way.
                        try {
                            delete(target);
                        } catch (RuntimeException ignored) {
                            // best effort: it is never listed or replicated
                        }
                    }
                    throw e;
                }
                delete(target);
            }
            Blob stored = stat(key);
            if (stored == null
                    || stored.size() != sums.length()
                    || !sums.sha256().equals(stored.sha256())) {
                throw new BlobStoreException(
                        describe() + ": " + key + " holds " + (stored == null ? "nothing" : stored.describe())
                                + " after its upload, not " + sums.length() + " bytes with SHA-256 " + sums.sha256(),
                        null);
            }
            return stored;
        }

        @Override
        public void abort() {
            call("AbortMultipartUpload", key, () -> {
                try {
                    return client.abortMultipartUpload(
                            b -> b.bucket(bucket).key(target).uploadId(uploadId));
                } catch (NoSuchUploadException e) {
                    return null; // completed or aborted already
                }
            });
            if (!target.equals(key)) {
                delete(target); // a completed temporary object that was not yet copied in place
            }
        }
    }

    /**
     * Puts a complete temporary object in place with its SHA-256, on condition of what the key holds: one copy, or
     * copies of parts past 5 GiB.
     */
    private void copyWithSha256(String from, String to, Digests.Sums sums, Precondition expected) {
        Map<String, String> metadata = Map.of(SHA256, sums.sha256());
        if (sums.length() <= COPY_LIMIT) {
            conditional(
                    "CopyObject",
                    to,
                    expected,
                    "written",
                    () -> client.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey(from)
                            .destinationBucket(bucket)
                            .destinationKey(to)
                            .metadataDirective(MetadataDirective.REPLACE)
                            .metadata(metadata)
                            .ifMatch(ifMatch(expected))
                            .ifNoneMatch(ifNoneMatch(expected))));
            return;
        }
        String uploadId = call(
                "CreateMultipartUpload",
                to,
                () -> client.createMultipartUpload(b -> b.bucket(bucket).key(to).metadata(metadata))
                        .uploadId());
        try {
            completeCopy(from, to, sums, expected, uploadId);
        } catch (BlobStoreException e) {
            try {
                client.abortMultipartUpload(b -> b.bucket(bucket).key(to).uploadId(uploadId));
            } catch (SdkException ignored) {
                // the copied parts are never visible
            }
            throw e;
        }
    }

    private void completeCopy(String from, String to, Digests.Sums sums, Precondition expected, String uploadId) {
        List<CompletedPart> parts = new ArrayList<>();
        for (long offset = 0, n = 1; offset < sums.length(); offset += COPY_PART, n++) {
            long last = Math.min(sums.length(), offset + COPY_PART) - 1;
            long start = offset;
            int number = (int) n;
            String etag = call(
                    "UploadPartCopy",
                    to,
                    () -> client.uploadPartCopy(b -> b.sourceBucket(bucket)
                                    .sourceKey(from)
                                    .destinationBucket(bucket)
                                    .destinationKey(to)
                                    .uploadId(uploadId)
                                    .partNumber(number)
                                    .copySourceRange("bytes=" + start + "-" + last))
                            .copyPartResult()
                            .eTag());
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        completeMultipart(to, to, uploadId, parts, expected);
    }

    /** Makes an upload's parts the object at {@code target} (key, or its temporary object), on condition. */
    private void completeMultipart(
            String key, String target, String uploadId, List<CompletedPart> parts, Precondition expected) {
        conditional(
                "CompleteMultipartUpload",
                key,
                expected,
                "written",
                () -> client.completeMultipartUpload(b -> b.bucket(bucket)
                        .key(target)
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts))
                        .ifMatch(ifMatch(expected))
                        .ifNoneMatch(ifNoneMatch(expected))));
    }

    /** An ETag is the content's MD5 only for single-part objects stored unencrypted or with S3-managed keys. */
    private static String plainMd5(String etag, ServerSideEncryption sse) {
        boolean plainEncryption = sse == null || sse == ServerSideEncryption.AES256;
        return plainEncryption && PLAIN_MD5.matcher(etag).matches() ? etag : null;
    }

    private <T> T call(String operation, String key, Supplier<T> call) {
        try {
            return call.get();
        } catch (BlobStoreException e) {
            throw e;
        } catch (S3Exception e) {
            String code =
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            throw new BlobStoreException(
                    describe() + ": " + operation + " " + key + " failed: HTTP " + e.statusCode()
                            + (code == null ? "" : " " + code),
                    e);
        } catch (SdkException e) {
            throw new BlobStoreException(describe() + ": " + operation + " " + key + " failed: " + e.getMessage(), e);
        }
    }
}
