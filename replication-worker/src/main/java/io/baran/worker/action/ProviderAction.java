package io.baran.worker.action;

import io.baran.runbook.ActionType;
import io.baran.worker.provider.Providers;

/** An action whose steps name a configured provider: the model's definition of it, and the providers it looks them up in. */
abstract class ProviderAction implements Action {

    private final ActionType type;
    protected final Providers providers;

    protected ProviderAction(String name, Providers providers) {
        this.type = StepInput.definition(name);
        this.providers = providers;
    }

    @Override
    public final ActionType type() {
        return type;
    }
}
