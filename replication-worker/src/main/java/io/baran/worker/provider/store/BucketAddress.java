package io.baran.worker.provider.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * Where a bucket's objects live, written so that two stores reaching the same bucket by different names give the
 * same text: the service (its endpoint, or the cloud's own for its default endpoints) and the bucket, ending with
 * {@code /}. A key's place is the address followed by the key, so one place lies inside another exactly when its
 * text starts with the other's. Used to refuse replication pairs whose sides overlap.
 */
public final class BucketAddress {

    private BucketAddress() {}

    /**
     * An S3 bucket: bucket names are unique within an AWS partition, so at AWS's own endpoints (none configured,
     * or an {@code amazonaws.com} one) the partition of the region names the service, e.g. {@code s3://aws/shop/}.
     */
    public static String s3(String region, Optional<URI> endpoint, String bucket) {
        Optional<String> service = endpoint.filter(
                        e -> !host(e).endsWith(".amazonaws.com") && !host(e).endsWith(".amazonaws.com.cn"))
                .map(BucketAddress::service);
        return "s3://"
                + service.orElseGet(
                        () -> PartitionMetadata.of(Region.of(region)).id())
                + "/" + bucket + "/";
    }

    /** A Cloud Storage bucket (names are global): {@code gs://google/shop/}, or the emulator's endpoint. */
    public static String gcs(Optional<URI> endpoint, String bucket) {
        Optional<String> service =
                endpoint.filter(e -> !host(e).endsWith(".googleapis.com")).map(BucketAddress::service);
        return "gs://" + service.orElse("google") + "/" + bucket + "/";
    }

    /** A Blob Storage container of the storage account whose blob endpoint is given (it names the account). */
    public static String azure(String blobEndpoint, String container) {
        return "az://" + service(URI.create(blobEndpoint)) + "/" + container + "/";
    }

    /** A file-system bucket: the directory itself, as an absolute path without {@code .} or {@code ..}. */
    public static String file(Path root, String bucket) {
        Path dir = root.toAbsolutePath().normalize().resolve(bucket).normalize();
        try {
            dir = dir.toRealPath(); // a directory reached through a symbolic link is the one it links to
        } catch (IOException e) {
            // not there (yet): as written
        }
        return "file://" + dir.toString().replace('\\', '/') + (dir.getNameCount() == 0 ? "" : "/");
    }

    private static String host(URI endpoint) {
        return endpoint.getHost() == null ? "" : endpoint.getHost().toLowerCase(Locale.ROOT);
    }

    /** An endpoint's host, port and path, without the scheme and a trailing {@code /}. */
    private static String service(URI endpoint) {
        String path = endpoint.getPath() == null ? "" : endpoint.getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        int port = endpoint.getPort();
        boolean defaultPort = port < 0
                || (port == 443 && "https".equalsIgnoreCase(endpoint.getScheme()))
                || (port == 80 && "http".equalsIgnoreCase(endpoint.getScheme()));
        return host(endpoint) + (defaultPort ? "" : ":" + port) + path;
    }
}
