package io.baran.orchestrator.workflow;

import io.baran.workflow.SearchAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which executions to list: each filter optional, each validated against the shape its values have (a runbook and a
 * service are names as runbooks define them, a phase is a word like {@code failed-over}, a mode one of {@link #MODES}),
 * so a value that cannot match any execution is refused rather than sent to Temporal.
 *
 * @param mode the mode the execution was started in: {@code plan}, {@code drill} or {@code failover} (a drill a real
 *             outage made live is still listed as a drill)
 */
public record ExecutionFilter(String runbook, String service, String phase, String mode) {

    /** A runbook's {@code metadata.name} and its {@code spec.protects}: the runbook model's names (anchored, as OpenAPI reads patterns). */
    public static final String NAME = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";
    /** A phase, e.g. {@code awaiting-failback-approval}. */
    public static final String PHASE = "^[a-z]{1,32}(-[a-z]{1,32}){0,4}$";

    /** The modes an execution is started in, as its {@code BaranMode} search attribute holds them. */
    public static final List<String> MODES = List.of("plan", "drill", "failover");

    private static final Pattern NAME_PATTERN = Pattern.compile(NAME);
    private static final Pattern PHASE_PATTERN = Pattern.compile(PHASE);

    public static final ExecutionFilter NONE = new ExecutionFilter(null, null, null, null);

    /** Blank values are absent; any value of the wrong shape is an {@link IllegalArgumentException} naming every one. */
    public ExecutionFilter {
        runbook = blankToNull(runbook);
        service = blankToNull(service);
        phase = blankToNull(phase);
        mode = blankToNull(mode);
        List<String> bad = new ArrayList<>();
        check(bad, "runbook", runbook, NAME_PATTERN, "a runbook name: lower-case letters, digits and -, at most 63");
        check(bad, "service", service, NAME_PATTERN, "a service name: lower-case letters, digits and -, at most 63");
        check(bad, "phase", phase, PHASE_PATTERN, "a phase, e.g. failed-over");
        if (mode != null && !MODES.contains(mode)) {
            bad.add("mode \"" + printable(mode) + "\" is not one of " + String.join(", ", MODES));
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", bad));
        }
    }

    /** The visibility query for executions of the runbook workflow that match. */
    public String query() {
        return VisibilityQuery.where()
                .equal("WorkflowType", "RunbookWorkflow")
                .equalIfPresent(SearchAttributes.RUNBOOK, runbook)
                .equalIfPresent(SearchAttributes.SERVICE, service)
                .equalIfPresent(SearchAttributes.PHASE, phase)
                .equalIfPresent(SearchAttributes.MODE, mode)
                .build();
    }

    private static void check(List<String> bad, String name, String value, Pattern pattern, String shape) {
        if (value != null && !pattern.matcher(value).matches()) {
            bad.add(name + " \"" + printable(value) + "\" is not " + shape);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** The value as it can be shown back: control characters replaced, at most 80 characters. */
    public static String printable(String value) {
        String shown = value.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return shown.length() > 80 ? shown.substring(0, 80) + "..." : shown;
    }
}
