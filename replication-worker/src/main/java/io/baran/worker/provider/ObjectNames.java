package io.baran.worker.provider;

import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bucket names and object keys every object store accepts: the strictest common rules, so an object
 * can be copied from any store to any other, and a key can never climb out of a file-system store's root.
 * Checked before any call.
 */
public final class ObjectNames {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final int MAX_KEY_BYTES = 1024;

    private ObjectNames() {}

    /** Every problem with the bucket and key, empty when both are fine. */
    public static List<String> problems(String bucket, String key) {
        List<String> problems = new ArrayList<>();
        if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            problems.add("bucket \"" + bucket
                    + "\" is not a bucket name (3-63 lower-case letters, digits, dots and hyphens)");
        }
        if (key != null) {
            problems.addAll(keyProblems(key));
        }
        return problems;
    }

    private static List<String> keyProblems(String key) {
        List<String> problems = new ArrayList<>();
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            problems.add("key must have 1 to " + MAX_KEY_BYTES + " bytes");
            return problems;
        }
        if (key.startsWith("/") || key.endsWith("/") || key.contains("//")) {
            problems.add("key \"" + key + "\" has an empty path segment");
        }
        if (key.contains("\\") || key.chars().anyMatch(c -> c < 0x20)) {
            problems.add("key \"" + key.replaceAll("\\p{Cntrl}", "?") + "\" holds a backslash or a control character");
        }
        for (String segment : key.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                problems.add("key \"" + key + "\" holds a \"" + segment + "\" segment");
                break;
            }
        }
        return problems;
    }

    /** Fails (InvalidInput) naming the store and every problem. */
    public static void require(String store, String bucket, String key) {
        List<String> problems = problems(bucket, key);
        if (!problems.isEmpty()) {
            throw Failures.of(FailureTypes.INVALID_INPUT, "object store " + store + ": " + String.join("; ", problems));
        }
    }
}
