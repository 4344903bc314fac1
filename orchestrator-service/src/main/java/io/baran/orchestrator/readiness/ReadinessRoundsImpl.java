package io.baran.orchestrator.readiness;

import io.baran.orchestrator.config.SigningConfig;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.runbook.ActionCatalog;
import io.baran.runbook.Runbook;
import io.baran.workflow.StepCommand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/** {@link ReadinessRounds}: the runbooks to check, and their verdicts stored, exported and published. */
@ApplicationScoped
public class ReadinessRoundsImpl implements ReadinessRounds {

    private static final Logger LOG = Logger.getLogger(ReadinessRoundsImpl.class);
    private static final ActionCatalog CATALOG = ActionCatalog.standard();

    @Inject
    RunbookCatalog catalog;

    @Inject
    RunbookHistories histories;

    @Inject
    ReadinessStore store;

    @Inject
    ReadinessPublisher publisher;

    @Inject
    ReadinessGauges gauges;

    @Inject
    ReadinessConfig config;

    @Inject
    SigningConfig signing;

    @Override
    public List<ReadinessTarget> targets() {
        return catalog.all().stream().map(ReadinessRoundsImpl::target).toList();
    }

    /** The steps the interpreter runs itself (wait, approval) call nothing and are left out. */
    static ReadinessTarget target(Runbook runbook) {
        List<StepCommand> commands = runbook.actionSteps().stream()
                .filter(s -> !CATALOG.find(s.action())
                        .map(spec -> spec.controlFlow())
                        .orElse(false))
                .map(s -> new StepCommand("readiness-" + runbook.name(), s.name(), s.action(), s.with()))
                .toList();
        return new ReadinessTarget(runbook.name(), runbook.version(), commands);
    }

    @Override
    public String record(RunbookChecks checks) {
        Optional<Runbook> runbook = catalog.find(checks.runbook());
        if (runbook.isEmpty()) {
            return "gone";
        }
        ReadinessView view = ReadinessRules.evaluate(
                runbook.get(), checks.checks(), histories.predict(runbook.get()), limits(), Instant.now());
        Optional<String> previous = store.save(view);
        gauges.show(view);
        if (previous.isEmpty() || !previous.get().equals(view.verdict())) {
            LOG.infof(
                    "runbook %s is %s (was %s)%s",
                    view.runbook(),
                    view.verdict(),
                    previous.orElse("not evaluated"),
                    view.reasons().isEmpty() ? "" : ": " + view.reasons());
            publisher.changed(view, previous.orElse(null));
        }
        return view.verdict();
    }

    ReadinessRules.Limits limits() {
        int vantages = (int) signing.roster().values().stream()
                .map(SigningConfig.RosterKey::vantage)
                .distinct()
                .count();
        return new ReadinessRules.Limits(
                config.maxTtl(),
                vantages,
                config.minVantages(),
                config.temporalScope(),
                config.kafkaScope(),
                config.quotaDegradedPercent(),
                config.quotaNotReadyPercent());
    }
}
