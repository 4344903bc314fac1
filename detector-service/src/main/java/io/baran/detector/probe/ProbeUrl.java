package io.baran.detector.probe;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * A target's URL split into what is requested (scheme, host, port, path, query), what may be shown (the same with the
 * query's values hidden) and the credentials its user-info part may carry. Only {@link #shown()} is ever logged,
 * published or served, so a password in the configured URL stays in memory and in the Authorization header, and a
 * token in its query (a health URL that authenticates by query) in the request line.
 */
public final class ProbeUrl {

    /** What a query value is shown as. */
    static final String HIDDEN = "***";

    private final String requested;
    private final String shown;
    private final Credentials credentials;

    private ProbeUrl(String requested, String shown, Credentials credentials) {
        this.requested = requested;
        this.shown = shown;
        this.credentials = credentials;
    }

    /**
     * Reads an absolute http or https URL.
     *
     * @throws IllegalArgumentException with a message that never repeats the credentials
     */
    public static ProbeUrl parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        if (!raw.contains("://")) {
            throw new IllegalArgumentException(
                    quoted(raw) + " is not an absolute http or https URL (write it like http://host:port/path)");
        }
        URI uri;
        try {
            uri = new URI(raw.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(quoted(raw) + " is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException(quoted(raw) + " is not an absolute http or https URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(quoted(raw) + " has no host name that can be resolved");
        }
        String authority = uri.getRawAuthority();
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        String path = scheme + "://" + authority
                + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        String query = uri.getRawQuery();
        return new ProbeUrl(
                query == null ? path : path + "?" + query,
                query == null ? path : path + "?" + hideValues(query),
                Credentials.from(uri.getUserInfo()));
    }

    /** {@code a=1&b&c=2} as {@code a=***&b&c=***}: the names of a query's parameters, none of its values. */
    private static String hideValues(String query) {
        StringBuilder out = new StringBuilder(query.length());
        for (String part : query.split("&", -1)) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            int equals = part.indexOf('=');
            out.append(equals < 0 ? part : part.substring(0, equals + 1) + HIDDEN);
        }
        return out.toString();
    }

    /** The URL with any user-info and query values removed, fit for error messages even when it does not parse. */
    public static String redact(String raw) {
        try {
            return parse(raw).shown();
        } catch (IllegalArgumentException notAUrl) {
            return quoted(raw);
        }
    }

    private static String quoted(String raw) {
        if (raw == null) {
            return "(none)";
        }
        // A password may hold any character, so where user-info might be, show nothing rather than guess where it ends.
        if (raw.contains("@")) {
            return "(a value containing '@', not shown as it may hold credentials)";
        }
        int query = raw.indexOf('?');
        return '"' + (query < 0 ? raw : raw.substring(0, query) + "?(query not shown)") + '"';
    }

    public Optional<Credentials> credentials() {
        return Optional.ofNullable(credentials);
    }

    /** The URL without user-info, and with the query's values hidden: what is logged, published and served. */
    public String shown() {
        return shown;
    }

    /** The URL without user-info: what is requested. Never logged, published or served: see {@link #shown()}. */
    public String requested() {
        return requested;
    }

    /** As {@link #shown()}, so that a URL that lands in a message by accident shows nothing secret. */
    @Override
    public String toString() {
        return shown;
    }

    /** User name and password for HTTP basic authentication, decoded from the URL. */
    public record Credentials(String username, String password) {

        static Credentials from(String userInfo) {
            if (userInfo == null || userInfo.isEmpty()) {
                return null;
            }
            int colon = userInfo.indexOf(':');
            return colon < 0
                    ? new Credentials(userInfo, "")
                    : new Credentials(userInfo.substring(0, colon), userInfo.substring(colon + 1));
        }

        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=(hidden)]";
        }
    }
}
