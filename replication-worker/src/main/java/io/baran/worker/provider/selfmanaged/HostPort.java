package io.baran.worker.provider.selfmanaged;

/**
 * A server address as configured: {@code host}, {@code host:port} or {@code [v6 address]:port}.
 *
 * @param text the address as written, for messages and control-plane scopes
 */
record HostPort(String host, int port, String text) {

    /** @param key the configuration key, for the start-up error */
    static HostPort parse(String text, int defaultPort, String key) {
        String host = text;
        int port = defaultPort;
        try {
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                host = text.substring(1, close);
                if (close + 1 < text.length()) {
                    port = Integer.parseInt(text.substring(close + 2));
                }
            } else if (text.indexOf(':') > 0 && text.indexOf(':') == text.lastIndexOf(':')) {
                host = text.substring(0, text.indexOf(':'));
                port = Integer.parseInt(text.substring(text.indexOf(':') + 1));
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(key + ": \"" + text + "\" is not host, host:port or [address]:port");
        }
        if (host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalStateException(key + ": \"" + text + "\" is not host, host:port or [address]:port");
        }
        return new HostPort(host, port, text);
    }
}
