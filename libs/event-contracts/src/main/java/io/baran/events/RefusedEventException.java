package io.baran.events;

/**
 * An event that is not acted on because it cannot be trusted: unsigned, signed with a key that is not in the roster,
 * a signature that does not hold, signed by another vantage than the one it names, replayed, stale, or dated ahead of the reader's clock. Its message
 * says why, starting with the reason's code, so that a dead-lettered event carries it.
 */
public final class RefusedEventException extends RuntimeException {

    /** Why an event is refused; {@link #code()} is what logs, metrics and dead letters show. */
    public enum Reason {
        UNSIGNED("unsigned"),
        MALFORMED_SIGNATURE("malformed-signature"),
        UNKNOWN_KEY("unknown-key"),
        BAD_SIGNATURE("bad-signature"),
        WRONG_VANTAGE("wrong-vantage"),
        WRONG_SCOPE("wrong-scope"),
        REPLAYED("replayed"),
        STALE("stale"),
        FUTURE("future");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;
    private final String kid;

    public RefusedEventException(Reason reason, String detail) {
        this(reason, detail, null);
    }

    public RefusedEventException(Reason reason, String detail, String kid) {
        super("refused (" + reason.code() + "): " + detail, null, false, false);
        this.reason = reason;
        this.kid = kid;
    }

    public Reason reason() {
        return reason;
    }

    /** The key id the event named, when it named one. */
    public String kid() {
        return kid;
    }
}
