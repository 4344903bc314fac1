package io.baran.runbook;

import java.util.List;
import java.util.stream.Collectors;

/** A runbook that was refused, with every error found in it. */
public class RunbookInvalidException extends RuntimeException {

    private final List<RunbookError> errors;

    public RunbookInvalidException(List<RunbookError> errors) {
        super(errors.size() + (errors.size() == 1 ? " error" : " errors") + ":\n"
                + errors.stream().map(RunbookError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<RunbookError> errors() {
        return errors;
    }
}
