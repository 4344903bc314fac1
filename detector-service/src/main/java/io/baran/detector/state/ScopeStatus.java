package io.baran.detector.state;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A scope as the REST API shows it.
 *
 * @param incidentId the current outage, only while DOWN
 * @param since      when the scope entered its state, absent while UNKNOWN
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScopeStatus(String scope, Health state, String incidentId, Instant since) {
}
