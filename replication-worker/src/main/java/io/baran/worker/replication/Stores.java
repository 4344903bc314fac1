package io.baran.worker.replication;

import com.azure.storage.blob.BlobContainerClient;
import com.google.cloud.storage.Storage;
import io.baran.worker.replication.store.AzureBlobStore;
import io.baran.worker.replication.store.BlobStore;
import io.baran.worker.replication.store.FileBlobStore;
import io.baran.worker.replication.store.GcsBlobStore;
import io.baran.worker.replication.store.S3BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Opens the bucket a {@link Location} names, with one client per configured store. A store is looked up in
 * {@code baran.replication.stores} first, then among the worker's providers ({@code aws} providers serve
 * S3, {@code filesystem} providers the file system). Secrets come from the environment only.
 */
public final class Stores implements AutoCloseable {

    /**
     * One store's settings, whichever configuration they came from.
     *
     * @param origin the configuration key prefix, for messages
     */
    public record Settings(String name, String origin, String type, Optional<URI> endpoint, String region, Optional<String> project,
                           Optional<String> account, Optional<String> accountKeyEnv, Optional<String> root) {
    }

    private final Map<String, Settings> settings;
    private final Function<String, String> environment;
    private final Map<String, Object> clients = new HashMap<>();
    private final List<AutoCloseable> opened = new ArrayList<>();

    public Stores(Map<String, Settings> settings, Function<String, String> environment) {
        this.settings = Map.copyOf(settings);
        this.environment = environment;
    }

    /** Every problem with the location's store (unknown, wrong kind, missing setting), empty when it can be opened. */
    public List<String> problems(Location at) {
        List<String> problems = new ArrayList<>();
        Settings s = settings.get(at.store());
        if (s == null) {
            problems.add(at + ": no store " + at.store() + " (configure baran.replication.stores.\"" + at.store()
                    + "\" or an aws/filesystem provider of that name; configured: " + String.join(", ", new java.util.TreeSet<>(settings.keySet())) + ")");
            return problems;
        }
        if (!s.type().equals(at.storeType())) {
            problems.add(at + ": " + s.origin() + " is of type " + s.type() + ", but " + at.scheme() + ":// needs a store of type "
                    + at.storeType());
        }
        switch (s.type()) {
            case "azure" -> {
                if (s.account().isEmpty()) {
                    problems.add(s.origin() + ".account is required for an azure store");
                }
                if (s.accountKeyEnv().isEmpty()) {
                    problems.add(s.origin() + ".account-key-env is required for an azure store (the environment variable holding the key)");
                } else if (blank(environment.apply(s.accountKeyEnv().get()))) {
                    problems.add(s.origin() + ".account-key-env names " + s.accountKeyEnv().get() + ", which is not set");
                }
            }
            case "filesystem" -> {
                if (s.root().isEmpty()) {
                    problems.add(s.origin() + ".root is required for a filesystem store");
                }
            }
            case "s3", "gcs" -> {
            }
            default -> problems.add(s.origin() + ".type \"" + s.type() + "\" is not s3, gcs, azure or filesystem");
        }
        return problems;
    }

    /** Opens the location's bucket; call {@link #problems} first. */
    public synchronized BlobStore open(Location at) {
        Settings s = settings.get(at.store());
        BlobStore store = switch (s.type()) {
            case "s3" -> new S3BlobStore(s.name(), at.bucket(), (S3Client) clients.computeIfAbsent(s.name(),
                    n -> remember(S3BlobStore.client(s.region(), s.endpoint()))));
            case "gcs" -> new GcsBlobStore(s.name(), at.bucket(), (Storage) clients.computeIfAbsent(s.name(),
                    n -> remember(GcsBlobStore.client(s.project(), s.endpoint()))));
            case "azure" -> {
                String endpoint = s.endpoint().map(URI::toString).orElse("https://" + s.account().get() + ".blob.core.windows.net");
                BlobContainerClient container = AzureBlobStore.container(endpoint, s.account().get(),
                        environment.apply(s.accountKeyEnv().get()), at.bucket());
                yield new AzureBlobStore(s.name(), container);
            }
            case "filesystem" -> new FileBlobStore(s.name(), Path.of(s.root().get()), at.bucket());
            default -> throw new IllegalStateException(s.origin() + ".type \"" + s.type() + "\" is not s3, gcs, azure or filesystem");
        };
        return store;
    }

    private Object remember(Object client) {
        if (client instanceof AutoCloseable c) {
            opened.add(c);
        }
        return client;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
        opened.clear();
        clients.clear();
    }
}
