package io.baran.runbook;

/**
 * One thing wrong with a runbook, where it is and what to do about it. Prints as
 * {@code runbooks/storefront.yaml:14:9 spec.failover[2].with.ttl: "24hours" is not a duration (use 24h)}.
 *
 * @param line   1-based, 0 when the error concerns the whole document
 * @param column 1-based, 0 when the error concerns the whole document
 * @param path   the field, e.g. {@code spec.failover[2].with.ttl}; empty for the document
 */
public record RunbookError(String file, int line, int column, String path, String message) {

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(file);
        if (line > 0) {
            out.append(':').append(line).append(':').append(column);
        }
        out.append(' ');
        if (path != null && !path.isEmpty()) {
            out.append(path).append(": ");
        }
        return out.append(message).toString();
    }
}
