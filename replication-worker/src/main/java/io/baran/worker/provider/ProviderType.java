package io.baran.worker.provider;

/** One kind of provider ({@code aws}, {@code rfc2136}…): what it declares, and how it connects. */
public interface ProviderType {

    /** The value of {@code baran.providers."<name>".type}. */
    String type();

    Capabilities capabilities();

    /** Connects one configured provider; fails (IllegalStateException naming the key) on bad settings. */
    ConfiguredProvider connect(ProviderSettings settings, ProviderContext context);
}
