package io.baran.worker.action;

import io.baran.worker.provider.Providers;

/** An action whose steps name a configured provider: its name, and the providers it looks them up in. */
abstract class ProviderAction implements Action {

    private final String name;
    protected final Providers providers;

    protected ProviderAction(String name, Providers providers) {
        this.name = name;
        this.providers = providers;
    }

    @Override
    public final String name() {
        return name;
    }
}
