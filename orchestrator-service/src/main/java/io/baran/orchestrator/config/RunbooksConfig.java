package io.baran.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where runbooks come from. */
@ConfigMapping(prefix = "baran.runbooks")
public interface RunbooksConfig {

    /** Folder whose *.yaml runbooks are loaded at start. */
    @WithDefault("runbooks")
    String dir();
}
