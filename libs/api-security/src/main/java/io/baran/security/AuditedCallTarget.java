package io.baran.security;

import jakarta.enterprise.context.RequestScoped;

/**
 * What an {@link AuditedCall} acts on, when its path does not say (a target named in the body): the resource method
 * sets it once it has read the body, and the outcome's row names it.
 */
@RequestScoped
public class AuditedCallTarget {

    private String target;

    public void set(String target) {
        this.target = target;
    }

    String get() {
        return target;
    }
}
