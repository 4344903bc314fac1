package io.baran.worker.replication;

import com.azure.storage.blob.BlobContainerClient;
import com.google.cloud.storage.Storage;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.provider.store.AzureBlobStore;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BucketAddress;
import io.baran.worker.provider.store.FileBlobStore;
import io.baran.worker.provider.store.GcsBlobStore;
import io.baran.worker.provider.store.S3BlobStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens the bucket a {@link Location} names. A store is first a provider of {@code baran.providers} whose
 * object-store capability ({@link ObjectStore}) hands out the bucket; then, for store types no provider type
 * serves yet (Cloud Storage, Blob Storage), {@code baran.replication.stores}, with one client per store.
 * Secrets come from the environment only.
 */
public final class Stores implements AutoCloseable {

    /**
     * The settings of a store of {@code baran.replication.stores}.
     *
     * @param origin the configuration key prefix, for messages
     */
    public record Settings(
            String name,
            String origin,
            String type,
            Optional<URI> endpoint,
            String region,
            Optional<String> project,
            Optional<String> account,
            Optional<String> accountKeyEnv,
            Optional<String> root) {}

    private final Map<String, ObjectStore> providers;
    private final Map<String, Settings> settings;
    private final Function<String, String> environment;
    private final Map<String, Object> clients = new HashMap<>();
    private final List<AutoCloseable> opened = new ArrayList<>();

    /**
     * @param providers the object stores of the configured providers, by provider name (the providers own them)
     * @param settings  the stores of {@code baran.replication.stores}, by name
     */
    public Stores(
            Map<String, ObjectStore> providers, Map<String, Settings> settings, Function<String, String> environment) {
        this.providers = Map.copyOf(providers);
        this.settings = Map.copyOf(settings);
        this.environment = environment;
    }

    /** Every problem with the location's store (unknown, wrong kind, missing setting), empty when it can be opened. */
    public List<String> problems(Location at) {
        List<String> problems = new ArrayList<>();
        ObjectStore provider = providers.get(at.store());
        if (provider != null) {
            if (!provider.scheme().equals(at.scheme())) {
                problems.add(at + ": provider " + at.store() + " serves " + provider.scheme() + "://, not "
                        + at.scheme() + "://");
            }
            return problems;
        }
        Settings s = settings.get(at.store());
        if (s == null) {
            TreeSet<String> known = new TreeSet<>(settings.keySet());
            known.addAll(providers.keySet());
            problems.add(at + ": no store " + at.store() + " (configure a provider baran.providers.\"" + at.store()
                    + "\" with the object-store capability, or baran.replication.stores.\"" + at.store()
                    + "\"; configured: "
                    + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
            return problems;
        }
        if (!s.type().equals(at.storeType())) {
            problems.add(at + ": " + s.origin() + " is of type " + s.type() + ", but " + at.scheme()
                    + ":// needs a store of type " + at.storeType());
        }
        switch (s.type()) {
            case "azure" -> {
                if (s.account().isEmpty()) {
                    problems.add(s.origin() + ".account is required for an azure store");
                }
                if (s.accountKeyEnv().isEmpty()) {
                    problems.add(
                            s.origin()
                                    + ".account-key-env is required for an azure store (the environment variable holding the key)");
                } else if (blank(environment.apply(s.accountKeyEnv().get()))) {
                    problems.add(s.origin() + ".account-key-env names "
                            + s.accountKeyEnv().get() + ", which is not set");
                }
            }
            case "filesystem" -> {
                if (s.root().isEmpty()) {
                    problems.add(s.origin() + ".root is required for a filesystem store");
                }
            }
            case "s3", "gcs" -> {}
            default -> problems.add(s.origin() + ".type \"" + s.type() + "\" is not s3, gcs, azure or filesystem");
        }
        return problems;
    }

    /** The provider's object store serving the location, when a provider serves it (for change notifications). */
    public Optional<ObjectStore> provider(Location at) {
        return Optional.ofNullable(providers.get(at.store()));
    }

    /**
     * Where the location's objects live: its bucket's {@link BucketAddress} followed by its folder, the same for every
     * store name reaching them; call {@link #problems} first. Makes no call.
     */
    public String address(Location at) {
        ObjectStore provider = providers.get(at.store());
        if (provider != null) {
            return provider.address(at.bucket()) + at.root();
        }
        Settings s = settings.get(at.store());
        String bucket = switch (s.type()) {
            case "s3" -> BucketAddress.s3(s.region(), s.endpoint(), at.bucket());
            case "gcs" -> BucketAddress.gcs(s.endpoint(), at.bucket());
            case "azure" -> BucketAddress.azure(azureEndpoint(s), at.bucket());
            case "filesystem" -> BucketAddress.file(Path.of(s.root().get()), at.bucket());
            default ->
                throw new IllegalStateException(
                        s.origin() + ".type \"" + s.type() + "\" is not s3, gcs, azure or filesystem");
        };
        return bucket + at.root();
    }

    /** Opens the location's bucket; call {@link #problems} first. */
    public synchronized BlobStore open(Location at) {
        ObjectStore provider = providers.get(at.store());
        if (provider != null) {
            return provider.bucket(at.bucket());
        }
        Settings s = settings.get(at.store());
        return switch (s.type()) {
            case "s3" ->
                new S3BlobStore(s.name(), at.bucket(), (S3Client)
                        clients.computeIfAbsent(s.name(), n -> remember(S3BlobStore.client(s.region(), s.endpoint()))));
            case "gcs" ->
                new GcsBlobStore(s.name(), at.bucket(), (Storage) clients.computeIfAbsent(
                        s.name(), n -> remember(GcsBlobStore.client(s.project(), s.endpoint()))));
            case "azure" -> {
                BlobContainerClient container = AzureBlobStore.container(
                        azureEndpoint(s),
                        s.account().get(),
                        environment.apply(s.accountKeyEnv().get()),
                        at.bucket());
                yield new AzureBlobStore(s.name(), container);
            }
            case "filesystem" -> new FileBlobStore(s.name(), Path.of(s.root().get()), at.bucket());
            default ->
                throw new IllegalStateException(
                        s.origin() + ".type \"" + s.type() + "\" is not s3, gcs, azure or filesystem");
        };
    }

    /** An azure store's blob endpoint: the one configured, or the account's own. */
    private static String azureEndpoint(Settings s) {
        return s.endpoint().map(URI::toString).orElse("https://" + s.account().get() + ".blob.core.windows.net");
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

    /** Closes the clients of {@code baran.replication.stores}; the providers' stay with the providers. */
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
