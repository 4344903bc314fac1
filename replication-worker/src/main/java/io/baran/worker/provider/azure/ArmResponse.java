package io.baran.worker.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.net.http.HttpHeaders;

/** One answer of Azure Resource Manager: its status, headers and JSON body (a missing node when empty). */
record ArmResponse(int status, HttpHeaders headers, JsonNode body) {

    ArmResponse {
        body = body == null ? MissingNode.getInstance() : body;
    }

    boolean ok() {
        return status >= 200 && status < 300;
    }

    String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    /** ARM's error body: {@code {"error": {"code": "...", "message": "..."}}}. */
    String errorCode() {
        return text(body.path("error").path("code"));
    }

    String errorMessage() {
        return text(body.path("error").path("message"));
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
