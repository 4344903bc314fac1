package io.baran.runbook.action;

import io.baran.runbook.WithBlock;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code instance} field of the database actions: a name or an ARN, never a URL or a list. */
final class Instances {

    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,254}");

    private Instances() {}

    static void check(Map<String, Object> values, WithBlock with) {
        if (values.get("instance") instanceof String instance
                && !INSTANCE.matcher(instance).matches()) {
            with.error("instance", "\"" + instance + "\" is not an instance name");
        }
    }
}
