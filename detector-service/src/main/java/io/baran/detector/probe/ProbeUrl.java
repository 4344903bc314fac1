package io.baran.detector.probe;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * A target's URL split into what may be shown (scheme, host, port, path, query) and the credentials its user-info
 * part may carry. Only {@link #toString()} is ever logged, published or served, so a password in the configured
 * URL stays in memory and in the Authorization header.
 */
public final class ProbeUrl {

    private final String shown;
    private final Credentials credentials;

    private ProbeUrl(String shown, Credentials credentials) {
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
        StringBuilder shown = new StringBuilder(scheme).append("://").append(authority);
        shown.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            shown.append('?').append(uri.getRawQuery());
        }
        return new ProbeUrl(shown.toString(), Credentials.from(uri.getUserInfo()));
    }

    /** The URL with any user-info removed, fit for error messages even when it does not parse. */
    public static String redact(String raw) {
        try {
            return parse(raw).toString();
        } catch (IllegalArgumentException notAUrl) {
            return quoted(raw);
        }
    }

    private static String quoted(String raw) {
        if (raw == null) {
            return "(none)";
        }
        // A password may hold any character, so where user-info might be, show nothing rather than guess where it ends.
        return raw.contains("@") ? "(a value containing '@', not shown as it may hold credentials)" : '"' + raw + '"';
    }

    public Optional<Credentials> credentials() {
        return Optional.ofNullable(credentials);
    }

    /** The URL without user-info: what is requested, logged and published. */
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
