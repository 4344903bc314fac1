package io.baran.worker.config;

import io.baran.egress.EgressPolicy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import org.jboss.logging.Logger;

/** The worker's one egress policy, from {@code baran.egress.allow}; an entry it cannot read stops the start. */
@Singleton
public class EgressBeans {

    private static final Logger LOG = Logger.getLogger(EgressBeans.class);

    @Produces
    @Singleton
    EgressPolicy egressPolicy(EgressConfig config) {
        EgressPolicy policy;
        try {
            policy = EgressPolicy.defaults().allowing(config.allow().orElse(List.of()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("baran.egress.allow: " + e.getMessage(), e);
        }
        LOG.infof("egress policy: %s", policy.describe());
        return policy;
    }
}
