package io.baran.worker.replication;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one side of a replication pair lives, written {@code <store>:<scheme>://<bucket>[/<prefix>]}, e.g.
 * {@code aws-main:s3://shop-assets}, {@code gcp-dr:gs://shop-assets/images}, {@code azure-dr:az://assets},
 * {@code onprem:file://assets}. The store is a name from the worker's configuration; the scheme says what kind
 * of store it must be (s3, gs, az, file); the bucket is the S3 or Cloud Storage bucket, the Blob Storage
 * container or the directory under a file-system store's root; the prefix, when given, is the folder inside
 * the bucket that is replicated (keys are mapped folder to folder).
 *
 * @param root the prefix as a folder: empty, or ending with {@code /}
 */
public record Location(String store, String scheme, String bucket, String root) {

    /** The scheme each store type answers to. */
    public static final Map<String, String> SCHEMES =
            Map.of("s3", "s3", "gs", "gcs", "az", "azure", "file", "filesystem");

    private static final Pattern FORM = Pattern.compile("([a-z0-9]([a-z0-9-]*[a-z0-9])?):([a-z0-9]+)://([^/]+)(/.*)?");

    /** Parses a location; fails (IllegalArgumentException) saying what is wrong with it. */
    public static Location parse(String text) {
        String t = text == null ? "" : text.trim();
        Matcher m = FORM.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "\"" + t + "\" is not <store>:<scheme>://<bucket>[/<prefix>] (e.g. aws-main:s3://shop-assets)");
        }
        String scheme = m.group(3).toLowerCase(Locale.ROOT);
        if (!SCHEMES.containsKey(scheme)) {
            throw new IllegalArgumentException("\"" + t + "\": scheme " + scheme + " is not one of s3, gs, az, file");
        }
        String prefix = m.group(5) == null ? "" : m.group(5).substring(1);
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (prefix.startsWith("/") || prefix.contains("//")) {
            throw new IllegalArgumentException("\"" + t + "\": the prefix has an empty folder name");
        }
        // Object keys may not hold them either (ObjectNames); and a location must say plainly where it is, so that
        // overlapping pairs are recognised.
        if (("/" + prefix + "/").contains("/./") || ("/" + prefix + "/").contains("/../")) {
            throw new IllegalArgumentException("\"" + t + "\": the prefix has a . or .. folder name");
        }
        return new Location(m.group(1), scheme, m.group(4), prefix.isEmpty() ? "" : prefix + "/");
    }

    /** The store type ({@code baran.replication.stores."<name>".type}) this scheme needs. */
    public String storeType() {
        return SCHEMES.get(scheme);
    }

    /** The key inside the bucket of a key relative to the root. */
    public String key(String relative) {
        return root + relative;
    }

    /** The key relative to the root, or null when the key is not under it. */
    public String relative(String key) {
        return key.startsWith(root) ? key.substring(root.length()) : null;
    }

    @Override
    public String toString() {
        return store + ":" + scheme + "://" + bucket
                + (root.isEmpty() ? "" : "/" + root.substring(0, root.length() - 1));
    }
}
