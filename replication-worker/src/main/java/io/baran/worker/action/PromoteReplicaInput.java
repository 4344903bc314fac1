package io.baran.worker.action;

import io.baran.workflow.StepCommand;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code with:} block of a {@code database.promote-replica} step, bound and validated.
 *
 * @param fenceRequired true ({@code fence: required}, the default) refuses to promote unless the old
 *                      primary is made to refuse writes first; false ({@code fence: best-effort}) fences
 *                      it when the provider can and it answers, and promotes anyway otherwise
 */
public record PromoteReplicaInput(String provider, String instance, boolean fenceRequired) {

    static final Set<String> FIELDS = Set.of("provider", "instance", "fence");
    static final String REQUIRED = "required";
    static final String BEST_EFFORT = "best-effort";
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,254}");

    public static PromoteReplicaInput bind(StepCommand command) {
        WithBlock with = new WithBlock(command, FIELDS);
        String provider = with.requiredString("provider");
        String instance = with.requiredString("instance");
        String fence = with.optionalOneOf("fence", List.of(REQUIRED, BEST_EFFORT), REQUIRED);
        if (instance != null && !INSTANCE.matcher(instance).matches()) {
            with.invalid("instance", "\"" + instance + "\" is not an instance name");
        }
        with.throwIfInvalid();
        return new PromoteReplicaInput(provider, instance, REQUIRED.equals(fence));
    }
}
