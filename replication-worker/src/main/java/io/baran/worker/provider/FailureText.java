package io.baran.worker.provider;

import java.util.regex.Pattern;

/**
 * Text from a provider's error, made fit for a log line or a workflow history: each provider's secret-looking
 * tokens replaced and the length bounded. Shared by the providers' failure mappings so they word causes alike.
 */
public final class FailureText {

    private static final int MAX_REASON = 300;

    private final Pattern secret;
    private final String replacement;

    /**
     * @param secret      what the provider's credentials look like in an error text
     * @param replacement what stands in their place, e.g. {@code <token>}
     */
    public FailureText(Pattern secret, String replacement) {
        this.secret = secret;
        this.replacement = replacement;
    }

    /** The text without secrets, cut to a length a log line can bear. */
    public String redact(String text) {
        String cleaned = secret.matcher(text).replaceAll(replacement);
        return cleaned.length() > MAX_REASON ? cleaned.substring(0, MAX_REASON) + "…" : cleaned;
    }

    /** The innermost cause of a call that got no answer, e.g. {@code ConnectException: Connection refused}. */
    public String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + redact(message));
    }

    /**
     * An error answer in one line, e.g. {@code rateLimitExceeded: Rate Limit Exceeded (HTTP 403)}.
     *
     * @param code    the provider's error code or reason, or null ("error" then)
     * @param message the provider's error message, or null
     */
    public String describe(String code, String message, int status) {
        StringBuilder text = new StringBuilder(code == null ? "error" : code);
        if (message != null && !message.isBlank()) {
            text.append(": ").append(redact(message));
        }
        return text.append(" (HTTP ").append(status).append(")").toString();
    }
}
