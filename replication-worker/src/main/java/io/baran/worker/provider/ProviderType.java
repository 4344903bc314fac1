package io.baran.worker.provider;

/** One kind of provider ({@code aws}, {@code rfc2136}…): what it declares, and how it connects. */
public interface ProviderType {

    /** The value of {@code baran.providers."<name>".type}. */
    String type();

    Capabilities capabilities();

    /**
     * The APIs of this type that have a budget ({@code api-budget.<api>.rate} / {@code .burst}), each with its default
     * from the provider's documented quota; none by default.
     */
    default java.util.Map<String, io.baran.worker.budget.Limit> apiBudgets() {
        return java.util.Map.of();
    }

    /** Connects one configured provider; fails (IllegalStateException naming the key) on bad settings. */
    ConfiguredProvider connect(ProviderSettings settings, ProviderContext context);
}
