package io.baran.orchestrator.runbook;

import io.baran.orchestrator.config.RunbooksConfig;
import io.baran.runbook.Runbook;
import io.baran.runbook.RunbookDirectory;
import io.baran.runbook.RunbookError;
import io.baran.runbook.RunbookParser;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runbooks this orchestrator knows, loaded from the runbooks folder at start. A file with errors is
 * logged with every error and left out; the valid ones are served.
 */
@Startup
@ApplicationScoped
public class RunbookCatalog {

    private static final Logger LOG = Logger.getLogger(RunbookCatalog.class);

    private final Map<String, Runbook> runbooks = new ConcurrentHashMap<>();
    private volatile List<RunbookError> loadErrors = List.of();

    @Inject
    RunbooksConfig runbooksConfig;

    @PostConstruct
    void load() {
        Path dir = Path.of(runbooksConfig.dir()).toAbsolutePath().normalize();
        var loaded = new RunbookDirectory(new RunbookParser()).load(dir);
        loadErrors = loaded.errors();
        for (RunbookError error : loaded.errors()) {
            LOG.errorf("runbook refused: %s", error);
        }
        loaded.runbooks().forEach(r -> runbooks.put(r.name(), r));
        LOG.infof("loaded %d runbook(s) from %s: %s", runbooks.size(), dir, String.join(", ", new TreeMap<>(runbooks).keySet()));
    }

    public Optional<Runbook> find(String name) {
        return Optional.ofNullable(name).map(runbooks::get);
    }

    public Collection<Runbook> all() {
        return new TreeMap<>(runbooks).values();
    }

    /** Runbooks whose outage trigger concerns the scope. */
    public List<Runbook> triggeredBy(String scope) {
        return all().stream().filter(r -> r.trigger() != null && r.trigger().matches(scope)).toList();
    }

    public List<RunbookError> loadErrors() {
        return loadErrors;
    }
}
