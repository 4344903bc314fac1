package io.baran.worker.action;

import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.quarkus.arc.All;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every action this worker hosts, by name. Two actions claiming one name stop the worker at start-up. */
@Singleton
public class ActionRegistry {

    private final Map<String, Action> byName = new TreeMap<>();

    @Inject
    public ActionRegistry(@All List<Action> actions) {
        for (Action action : actions) {
            Action earlier = byName.putIfAbsent(action.name(), action);
            if (earlier != null) {
                throw new IllegalStateException("action " + action.name() + " is defined twice: by "
                        + earlier.getClass().getName() + " and by "
                        + action.getClass().getName());
            }
        }
    }

    /** The action a step names; fails (InvalidInput) naming the step, the action and what is hosted. */
    public Action find(StepCommand command) {
        Action action = command.action() == null ? null : byName.get(command.action());
        if (action == null) {
            throw Failures.of(
                    FailureTypes.INVALID_INPUT,
                    "step " + command.step() + ": action " + command.action()
                            + " is not hosted by this replication-worker (it hosts: "
                            + String.join(", ", byName.keySet()) + ")");
        }
        return action;
    }

    public Collection<String> names() {
        return byName.keySet();
    }
}
