package io.baran.worker.provider.azure;

import io.baran.worker.provider.BucketStore;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectNames;
import io.baran.worker.provider.store.AzureBlobStore;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BucketAddress;
import io.baran.worker.provider.store.ChangeFeed;
import io.baran.worker.provider.store.StorageQueueEventFeed;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Blob Storage containers of one storage account of an {@code azure} provider, with the account's Shared
 * Key read from the environment variable {@code storage-account-key-env} names, and the containers' change
 * notifications (Event Grid's Blob Storage events delivered to a storage queue of the account).
 */
public final class BlobStorageObjectStore extends BucketStore {

    /** The account's region is not configured; Blob Storage calls go to the account's own endpoint. */
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("azure/global", "blob", "Blob Storage");

    private static final Pattern QUEUE_NAME = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");

    private final String endpoint;
    private final String account;
    private final String key;

    /**
     * @param endpoint the account's blob endpoint, e.g. {@code https://shopdr.blob.core.windows.net} or Azurite's
     *                 {@code http://127.0.0.1:10000/devstoreaccount1}
     */
    BlobStorageObjectStore(String name, String endpoint, String account, String key) {
        super(name, CONTROL_PLANE, "az");
        this.endpoint = endpoint;
        this.account = account;
        this.key = key;
    }

    @Override
    public String address(String container) {
        return BucketAddress.azure(endpoint, container);
    }

    @Override
    protected BlobStore open(String container) {
        return new AzureBlobStore(name(), AzureBlobStore.container(endpoint, account, key, container));
    }

    /**
     * The container's Blob Storage events, as an Event Grid subscription delivers them to a storage queue of the same
     * account: {@code azure-queue:<queue name>} (the queue endpoint beside the account's blob endpoint), or the queue's
     * URL (needed with an emulator's {@code storage-endpoint}).
     */
    @Override
    public Optional<ChangeFeed> changes(String container, String channel) {
        ObjectNames.require(name(), container, null);
        String events = "Blob Storage events of " + name() + ":az://" + container;
        String example = " (azure-queue:" + container + "-events, or the queue's URL " + "https://" + account
                + ".queue.core.windows.net/" + container + "-events)";
        if (channel == null) {
            throw new IllegalArgumentException(
                    events + " need the storage queue " + "Event Grid delivers them to" + example);
        }
        URI queue;
        if (channel.startsWith("azure-queue:")) {
            String queueName = channel.substring("azure-queue:".length());
            URI blobs = URI.create(endpoint);
            if (!QUEUE_NAME.matcher(queueName).matches()) {
                throw new IllegalArgumentException(events + ": \"" + queueName
                        + "\" is not a queue name (3 to 63 lowercase letters, digits and single hyphens)" + example);
            }
            if (blobs.getHost() == null || !blobs.getHost().startsWith(account + ".blob.")) {
                throw new IllegalArgumentException(events + ": the queue endpoint "
                        + "cannot be told from the blob endpoint " + endpoint + "; give the queue's URL");
            }
            queue = URI.create("https://" + account + ".queue."
                    + blobs.getHost().substring((account + ".blob.").length()) + "/" + queueName);
        } else {
            queue = queueUrl(channel);
            if (queue == null) {
                throw new IllegalArgumentException(events + ": \"" + channel
                        + "\" is neither azure-queue:<queue name> nor the URL of a storage queue" + example);
            }
            String other = notOfTheAccount(queue);
            if (other != null) {
                // Every request to the queue is signed with the account's key: only the account's own queue service.
                throw new IllegalArgumentException(events + ": " + channel + " is not a queue of storage account "
                        + account + " (" + other + ")" + example);
            }
        }
        return Optional.of(new StorageQueueEventFeed(queue, account, key, container));
    }

    /**
     * Why a queue URL is not one of this account's queues, or null when it is: with the account's own blob endpoint
     * ({@code https://<account>.blob.<suffix>}, or with an Azure DNS zone {@code https://<account>.<zone>.blob.<suffix>}
     * such as {@code shopdr.z12.blob.storage.azure.net}), {@code <scheme>://<account>[.<zone>].queue.<suffix>/<queue>}
     * on the same port (a port left out is the scheme's default, so {@code :443} may be written or not); with a
     * path-style one (an emulator's, {@code http://127.0.0.1:10000/<account>}), the same scheme and host (any port) and
     * the path {@code /<account>/<queue>}.
     */
    String notOfTheAccount(URI queue) {
        URI blobs = URI.create(endpoint);
        String host = queue.getHost().toLowerCase(java.util.Locale.ROOT);
        String blobHost = blobs.getHost() == null ? "" : blobs.getHost().toLowerCase(java.util.Locale.ROOT);
        if (!queue.getScheme().equalsIgnoreCase(blobs.getScheme())) {
            return "not " + blobs.getScheme() + " as the blob endpoint " + endpoint;
        }
        String path = queue.getPath();
        java.util.regex.Matcher accountHost = java.util.regex.Pattern.compile(
                        java.util.regex.Pattern.quote(account.toLowerCase(java.util.Locale.ROOT))
                                + "\\.(z[0-9]+\\.)?blob\\.(.+)")
                .matcher(blobHost);
        if (accountHost.matches()) {
            String zone = accountHost.group(1) == null ? "" : accountHost.group(1);
            String expected = account.toLowerCase(java.util.Locale.ROOT) + "." + zone + "queue." + accountHost.group(2);
            if (!host.equals(expected) || portOf(queue) != portOf(blobs)) {
                return "its host is not " + expected;
            }
            return path.lastIndexOf('/') == 0 ? null : "its path is not /<queue>";
        }
        if (!host.equals(blobHost)) {
            return "its host is not the blob endpoint's, " + blobHost;
        }
        return path.equals("/" + account + path.substring(path.lastIndexOf('/')))
                ? null
                : "its path is not /" + account + "/<queue>";
    }

    /** The URL's port, or its scheme's default when it names none. */
    private static int portOf(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    }

    /** An http(s) URL whose last path segment is a queue name; null for anything else. */
    private static URI queueUrl(String text) {
        try {
            URI uri = new URI(text);
            String path = uri.getPath() == null ? "" : uri.getPath();
            String last = path.substring(path.lastIndexOf('/') + 1);
            boolean ok = ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                    && uri.getHost() != null
                    && uri.getQuery() == null
                    && uri.getUserInfo() == null
                    && QUEUE_NAME.matcher(last).matches();
            return ok ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    @Override
    public void close() {
        // each container's client is released with it
    }
}
