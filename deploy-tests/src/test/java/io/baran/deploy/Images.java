package io.baran.deploy;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Image references: pinned means an explicit version tag (or a digest), never latest, never none. */
final class Images {

    private static final Pattern REFERENCE =
            Pattern.compile("(?<name>[^:@]+(?::\\d+/[^:@]+)?)(?::(?<tag>[^@]+))?(?:@(?<digest>sha256:[0-9a-f]{64}))?");

    private Images() {}

    /** Why the reference is not pinned, or empty when it is. */
    static Optional<String> unpinned(String reference) {
        Matcher m = REFERENCE.matcher(reference);
        if (!m.matches()) {
            return Optional.of("'" + reference + "' is not an image reference");
        }
        String tag = m.group("tag");
        if (m.group("digest") != null) {
            return Optional.empty();
        }
        if (tag == null || tag.isBlank()) {
            return Optional.of("'" + reference + "' has no tag (it would pull latest)");
        }
        if (tag.equalsIgnoreCase("latest") || tag.startsWith("latest-") || tag.endsWith("-latest")) {
            return Optional.of("'" + reference + "' uses the tag latest");
        }
        if (!tag.matches(".*\\d.*")) {
            return Optional.of("'" + reference + "' has the tag " + tag + ", which names no version");
        }
        return Optional.empty();
    }
}
