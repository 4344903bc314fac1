package io.baran.worker.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One answer of the fake Google APIs: an HTTP status and a JSON body, errors in Google's documented error shape. */
record Answer(int status, JsonNode body) {

    static final ObjectMapper JSON = new ObjectMapper();

    static Answer ok(JsonNode body) {
        return new Answer(200, body);
    }

    /** {@code {"error": {"code": 412, "message": "…", "errors": [{"reason": "conditionNotMet", …}]}}}. */
    static Answer error(int status, String reason, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", status);
        error.put("message", message);
        ObjectNode first = error.putArray("errors").addObject();
        first.put("domain", "global");
        first.put("reason", reason);
        first.put("message", message);
        return new Answer(status, body);
    }

    /** A request that does not have the documented shape: the fake refuses it as Google would, and records why. */
    static Answer invalid(String message) {
        return error(400, "invalid", message);
    }
}
