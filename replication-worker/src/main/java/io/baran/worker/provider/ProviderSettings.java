package io.baran.worker.provider;

import java.net.URI;
import java.util.Optional;

/**
 * One provider as the worker's configuration names it. Never holds credentials: those come from the
 * environment through each SDK's default chain.
 *
 * @param name     the name runbooks use, e.g. {@code aws-main}
 * @param type     what kind of provider it is, e.g. {@code aws}
 * @param region   the provider's region
 * @param endpoint an endpoint override (an emulator such as moto), or empty for the provider's own
 */
public record ProviderSettings(String name, String type, String region, Optional<URI> endpoint) {
}
