package io.baran.detector.config;

import io.baran.detector.probe.ProbeUrl;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where a probe goes, read from a target's URL; the scheme says which kind of probe it is. {@link #shown()} is
 * what logs, events and the REST API show: it never holds credentials.
 */
public sealed interface ProbeEndpoint {

    /** The probe kind, as the REST API and the metrics name it. */
    String kind();

    /** The endpoint without credentials. */
    String shown();

    /** A canary's {@code endpoint} override (an emulator, a private endpoint): where its SDK connects instead. */
    default Optional<URI> sdkEndpoint() {
        return Optional.empty();
    }

    /**
     * Reads a target URL.
     *
     * @param endpointOverride the {@code endpoint} setting, used by the canaries (s3, gs, az) only
     * @throws IllegalArgumentException with a message that never repeats credentials
     */
    static ProbeEndpoint parse(String raw, Optional<String> endpointOverride, String region) {
        return parse(raw, endpointOverride, region, null, null);
    }

    /**
     * Reads a target URL with every setting a canary may take.
     *
     * @param account       the {@code account} setting, used by az only (checked by {@link TargetDefinitions})
     * @param accountKeyEnv the {@code account-key-env} setting, used by az only (checked there too)
     * @throws IllegalArgumentException with a message that never repeats credentials
     */
    static ProbeEndpoint parse(
            String raw, Optional<String> endpointOverride, String region, String account, String accountKeyEnv) {
        String lower = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("tcp://")) {
            return Tcp.parse(raw.strip());
        }
        if (lower.startsWith("dns://")) {
            return Dns.parse(raw.strip());
        }
        if (lower.startsWith("s3://")) {
            return S3.parse(raw.strip(), endpointOverride, region);
        }
        if (lower.startsWith("gs://")) {
            return Gcs.parse(raw.strip(), endpointOverride);
        }
        if (lower.startsWith("az://")) {
            return Azure.parse(raw.strip(), endpointOverride, account, accountKeyEnv);
        }
        return new Http(ProbeUrl.parse(raw));
    }

    /** An HTTP(S) GET. */
    record Http(ProbeUrl url) implements ProbeEndpoint {
        public String kind() {
            return url.requested().startsWith("https:") ? "https" : "http";
        }

        public String shown() {
            return url.shown();
        }
    }

    /** A TCP connect. */
    record Tcp(String host, int port) implements ProbeEndpoint {
        static Tcp parse(String raw) {
            URI uri = uri(raw, "tcp://host:port");
            if (uri.getHost() == null) {
                throw new IllegalArgumentException(quoted(raw) + " has no host (write it like tcp://host:port)");
            }
            if (uri.getPort() < 1) {
                throw new IllegalArgumentException(quoted(raw) + " has no port (write it like tcp://host:port)");
            }
            if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !"/".equals(uri.getRawPath())) {
                throw new IllegalArgumentException(
                        quoted(raw) + " has a path; a TCP probe only connects (write it like tcp://host:port)");
            }
            return new Tcp(uri.getHost(), uri.getPort());
        }

        public String kind() {
            return "tcp";
        }

        public String shown() {
            return "tcp://" + hostPort(host, port);
        }
    }

    /**
     * A DNS query for {@code name} of {@code type}, sent to the resolver at {@code host:port}.
     */
    record Dns(String host, int port, String name, String type) implements ProbeEndpoint {

        public static final Set<String> TYPES = Set.of("A", "AAAA", "CNAME", "TXT");

        static Dns parse(String raw) {
            URI uri = uri(raw, "dns://resolver:53/name?type=A");
            if (uri.getHost() == null) {
                throw new IllegalArgumentException(
                        quoted(raw) + " names no resolver (write it like dns://resolver:53/name?type=A)");
            }
            String name = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            if (name.isEmpty() || name.contains("/")) {
                throw new IllegalArgumentException(
                        quoted(raw)
                                + " names no single domain name to resolve (write it like dns://resolver:53/www.example.com?type=A)");
            }
            Map<String, String> query = query(uri);
            String type = query.getOrDefault("type", "A").toUpperCase(Locale.ROOT);
            if (!TYPES.contains(type)) {
                throw new IllegalArgumentException(
                        quoted(raw) + ": type " + type + " is not supported (use one of A, AAAA, CNAME, TXT)");
            }
            query.remove("type");
            if (!query.isEmpty()) {
                throw new IllegalArgumentException(quoted(raw) + ": unknown parameter "
                        + String.join(", ", query.keySet()) + " (only type is read)");
            }
            return new Dns(uri.getHost(), uri.getPort() < 0 ? 53 : uri.getPort(), name, type);
        }

        public String kind() {
            return "dns";
        }

        public String shown() {
            return "dns://" + hostPort(host, port) + "/" + name + "?type=" + type;
        }
    }

    /** A canary object in an S3 bucket, reached through the S3 API; credentials come from the SDK's default chain. */
    record S3(String bucket, String key, Optional<URI> endpoint, String region) implements ProbeEndpoint {

        @Override
        public Optional<URI> sdkEndpoint() {
            return endpoint;
        }

        static S3 parse(String raw, Optional<String> endpointOverride, String region) {
            URI uri = uri(raw, "s3://bucket/key");
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException(
                        "(an s3 URL with user-info, not shown) carries credentials; S3 credentials"
                                + " come only from the environment or the SDK's default chain");
            }
            String bucket = uri.getHost();
            String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            if (bucket == null || key.isEmpty()) {
                throw new IllegalArgumentException(
                        quoted(raw) + " names no bucket and key (write it like s3://bucket/canary/baran.txt)");
            }
            Optional<URI> endpoint = endpointOverride(endpointOverride);
            if (region == null || region.isBlank()) {
                throw new IllegalArgumentException(quoted(raw) + ": region must not be empty");
            }
            return new S3(bucket, key, endpoint, region.strip());
        }

        public String kind() {
            return "s3";
        }

        public String shown() {
            return "s3://" + bucket + "/" + key + endpoint.map(e -> " via " + e).orElse("");
        }
    }

    /**
     * A canary object in a Cloud Storage bucket, reached through the Cloud Storage JSON API. Credentials come from
     * Application Default Credentials; with an endpoint override (an emulator such as fake-gcs-server) none are sent.
     */
    record Gcs(String bucket, String object, Optional<URI> endpoint) implements ProbeEndpoint {

        @Override
        public Optional<URI> sdkEndpoint() {
            return endpoint;
        }

        /** Cloud Storage's bucket names: lower-case letters, digits, '-', '_' and '.', starting and ending with a letter or digit. */
        private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");

        static Gcs parse(String raw, Optional<String> endpointOverride) {
            URI uri = uri(raw, "gs://bucket/canary/baran.txt");
            refuseUserInfo(uri, "gs", "Cloud Storage credentials come only from Application Default Credentials");
            String bucket = uri.getHost() != null ? uri.getHost() : uri.getRawAuthority();
            String object = path(uri);
            if (bucket == null || object.isEmpty()) {
                throw new IllegalArgumentException(
                        quoted(raw) + " names no bucket and object (write it like gs://bucket/canary/baran.txt)");
            }
            if (!BUCKET.matcher(bucket).matches() || (!bucket.contains(".") && bucket.length() > 63)) {
                throw new IllegalArgumentException(
                        quoted(raw) + ": \"" + bucket + "\" is not a Cloud Storage bucket name (3-63 lower-case"
                                + " letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
            }
            return new Gcs(bucket, object, endpointOverride(endpointOverride));
        }

        public String kind() {
            return "gs";
        }

        public String shown() {
            return "gs://" + bucket + "/" + object
                    + endpoint.map(e -> " via " + e).orElse("");
        }
    }

    /**
     * A canary blob in a Blob Storage container of {@code account}, signed with the account key held by the
     * environment variable {@code accountKeyEnv} names. The endpoint is the account's own unless overridden (Azurite:
     * {@code http://127.0.0.1:10000/devstoreaccount1}).
     */
    record Azure(String container, String blob, String account, String accountKeyEnv, Optional<URI> endpoint)
            implements ProbeEndpoint {

        @Override
        public Optional<URI> sdkEndpoint() {
            return endpoint;
        }

        /** Blob Storage's container names: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit. */
        private static final Pattern CONTAINER = Pattern.compile("(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");

        /** Storage account names: 3-24 lower-case letters and digits. */
        public static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");

        static Azure parse(String raw, Optional<String> endpointOverride, String account, String accountKeyEnv) {
            URI uri = uri(raw, "az://container/canary/baran.txt");
            refuseUserInfo(uri, "az", "the account key comes only from the environment variable account-key-env names");
            String container = uri.getHost() != null ? uri.getHost() : uri.getRawAuthority();
            String blob = path(uri);
            if (container == null || blob.isEmpty()) {
                throw new IllegalArgumentException(
                        quoted(raw) + " names no container and blob (write it like az://container/canary/baran.txt)");
            }
            if (!CONTAINER.matcher(container).matches()) {
                throw new IllegalArgumentException(
                        quoted(raw) + ": \"" + container + "\" is not a Blob Storage container name (3-63"
                                + " lower-case letters, digits and single hyphens, starting and ending with a letter or digit)");
            }
            return new Azure(
                    container,
                    blob,
                    account == null ? null : account.strip(),
                    accountKeyEnv == null ? null : accountKeyEnv.strip(),
                    endpointOverride(endpointOverride));
        }

        /** The account's blob endpoint: the override, or {@code https://<account>.blob.core.windows.net}. */
        public String serviceEndpoint() {
            return endpoint.map(URI::toString).orElse("https://" + account + ".blob.core.windows.net");
        }

        public String kind() {
            return "az";
        }

        public String shown() {
            return "az://" + container + "/" + blob + " (account " + account + ")"
                    + endpoint.map(e -> " via " + e).orElse("");
        }
    }

    private static void refuseUserInfo(URI uri, String scheme, String where) {
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "(a " + scheme + " URL with user-info, not shown) carries credentials; " + where);
        }
    }

    private static String path(URI uri) {
        return uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    }

    /** The {@code endpoint} setting of a canary: an http(s) URL without credentials, or none. */
    private static Optional<URI> endpointOverride(Optional<String> endpointOverride) {
        return endpointOverride.filter(e -> !e.isBlank()).map(e -> {
            URI parsed = ProbeEndpoint.uri(e.strip(), "http://host:port");
            if (parsed.getRawUserInfo() != null
                    || parsed.getHost() == null
                    || !Set.of("http", "https")
                            .contains(String.valueOf(parsed.getScheme()).toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(
                        "endpoint " + quoted(e) + " is not an http or https URL without credentials");
            }
            return parsed;
        });
    }

    private static URI uri(String raw, String example) {
        try {
            return new URI(raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    quoted(raw) + " is not a URL (" + e.getReason() + "; write it like " + example + ")");
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new TreeMap<>();
        if (uri.getQuery() != null) {
            for (String pair : uri.getQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (!pair.isEmpty()) {
                    query.put(
                            (eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT),
                            eq < 0 ? "" : pair.substring(eq + 1));
                }
            }
        }
        return query;
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String quoted(String raw) {
        return raw.contains("@") ? "(a value containing '@', not shown as it may hold credentials)" : '"' + raw + '"';
    }
}
