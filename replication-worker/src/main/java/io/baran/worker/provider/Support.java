package io.baran.worker.provider;

/**
 * How a provider supports one {@link Capability}: it can, it cannot (the provider's API offers no way),
 * or this version of Baran has not built it yet. The reason is shown to the person whose step is refused.
 */
public record Support(Level level, String reason) {

    public enum Level {
        CAN,
        CANNOT,
        NOT_YET
    }

    public static Support can() {
        return new Support(Level.CAN, "");
    }

    public static Support cannot(String reason) {
        return new Support(Level.CANNOT, reason);
    }

    public static Support notYet(String reason) {
        return new Support(Level.NOT_YET, reason);
    }

    public boolean available() {
        return level == Level.CAN;
    }

    /** e.g. {@code can}, {@code cannot: RFC 2136 updates DNS zones only}, {@code not yet: …}. */
    public String describe() {
        return switch (level) {
            case CAN -> "can";
            case CANNOT -> "cannot: " + reason;
            case NOT_YET -> "not yet: " + reason;
        };
    }
}
