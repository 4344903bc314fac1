package io.baran.worker.provider.azure;

import io.baran.worker.provider.Providers;
import io.baran.worker.provider.TestResources;
import java.util.Map;

/**
 * What every Azure integration test of the worker sets up: the ARM fake, and the worker's providers
 * connected to it (each with {@link AzureProviders#UNREACHABLE} beside it). Held in a
 * {@code @RegisterExtension static} field, it closes the providers, then the fake, after the test class.
 */
final class ArmFixture extends TestResources {

    private final FakeArm arm = keep(FakeArm.run());

    FakeArm arm() {
        return arm;
    }

    /** The provider {@code name} on the fake with {@code options}; closed with the fixture. */
    Providers connect(String name, Map<String, String> options) {
        return keep(AzureProviders.connect(arm, name, options));
    }
}
