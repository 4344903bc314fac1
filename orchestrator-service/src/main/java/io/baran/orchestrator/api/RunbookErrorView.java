package io.baran.orchestrator.api;

import io.baran.runbook.RunbookError;

/**
 * One runbook error in a problem's {@code errors}.
 *
 * @param line   1-based; 0 when the error concerns the whole document
 * @param column 1-based; 0 when the error concerns the whole document
 * @param path   the field, e.g. {@code spec.failover[2].with.ttl}; empty for the document
 * @param text   the error as {@code baran lint} prints it: {@code file:line:column path: message}
 */
public record RunbookErrorView(int line, int column, String path, String message, String text) {

    public static RunbookErrorView of(RunbookError error) {
        return new RunbookErrorView(error.line(), error.column(), error.path(), error.message(), error.toString());
    }
}
