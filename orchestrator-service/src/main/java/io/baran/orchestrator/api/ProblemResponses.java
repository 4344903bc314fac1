package io.baran.orchestrator.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Every error the API answers with is a problem document ({@link Problem}, {@code application/problem+json}), so an
 * error response declared with only its code and description (or with that media type but no schema) gets that content
 * in the OpenAPI document here, once, rather than in each of the many {@code @APIResponse} annotations.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {

    static final String PROBLEM_REF = "#/components/schemas/Problem";

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
            return operation;
        }
        operation.getResponses().getAPIResponses().forEach((code, response) -> {
            if (!isError(code) || response.getRef() != null) {
                return;
            }
            if (!hasContent(response)) {
                response.setContent(
                        OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()));
            }
            var problem = response.getContent().getMediaType(Problem.MEDIA_TYPE);
            if (problem != null && problem.getSchema() == null) {
                problem.setSchema(OASFactory.createSchema().ref(PROBLEM_REF));
            }
        });
        return operation;
    }

    private static boolean isError(String code) {
        return code.length() == 3 && (code.charAt(0) == '4' || code.charAt(0) == '5');
    }

    private static boolean hasContent(APIResponse response) {
        return response.getContent() != null
                && response.getContent().getMediaTypes() != null
                && !response.getContent().getMediaTypes().isEmpty();
    }
}
