package io.baran.worker.action;

import io.baran.workflow.StepCommand;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code with:} block of a {@code database.switchover} step, bound and validated.
 *
 * @param instance the member that becomes primary (on aws an Aurora cluster's name or ARN)
 */
public record SwitchoverInput(String provider, String instance) {

    static final Set<String> FIELDS = Set.of("provider", "instance");
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,254}");

    public static SwitchoverInput bind(StepCommand command) {
        WithBlock with = new WithBlock(command, FIELDS);
        String provider = with.requiredString("provider");
        String instance = with.requiredString("instance");
        if (instance != null && !INSTANCE.matcher(instance).matches()) {
            with.invalid("instance", "\"" + instance + "\" is not an instance name");
        }
        with.throwIfInvalid();
        return new SwitchoverInput(provider, instance);
    }
}
