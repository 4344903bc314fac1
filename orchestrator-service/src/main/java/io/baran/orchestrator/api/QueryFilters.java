package io.baran.orchestrator.api;

import io.baran.orchestrator.workflow.ExecutionFilter;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * The query parameters a listing takes. JAX-RS drops a parameter no method names, so a mistyped filter ({@code
 * ?execution=} for {@code ?target=}) would answer with everything, looking like an answer to what was asked: such a
 * parameter is refused instead, named with the ones the listing knows. So is a filter given twice ({@code
 * ?mode=drill&mode=failover}), of which JAX-RS would take the first alone.
 */
final class QueryFilters {

    private QueryFilters() {}

    /**
     * @throws ProblemException 400 with {@code title}, naming every parameter of the request that is not in {@code
     *                          known}, or every one given more than once
     */
    static void refuseUnknown(UriInfo uri, List<String> known, String title) {
        List<String> twice = uri.getQueryParameters().entrySet().stream()
                .filter(e -> known.contains(e.getKey()) && e.getValue().size() > 1)
                .map(e -> e.getKey())
                .sorted()
                .toList();
        if (!twice.isEmpty()) {
            throw new ProblemException(
                    400, title, "each filter is given once, not " + String.join(", ", twice) + " twice or more");
        }
        List<String> unknown = uri.getQueryParameters().keySet().stream()
                .filter(name -> !known.contains(name))
                .sorted()
                .map(name -> "\"" + ExecutionFilter.printable(name) + "\"")
                .toList();
        if (!unknown.isEmpty()) {
            throw new ProblemException(
                    400,
                    title,
                    "not a filter of this list: " + String.join(", ", unknown) + " (its filters are "
                            + String.join(", ", known) + ")");
        }
    }
}
