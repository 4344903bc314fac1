package io.baran.worker.provider.gcp;

import io.baran.worker.provider.Providers;
import io.baran.worker.provider.TestResources;
import java.time.Duration;

/**
 * What every Google Cloud integration test of the worker sets up: {@link GoogleCloudFake}, and the worker's
 * providers connected to it ({@link GcpFakes#PROVIDER} and {@link GcpFakes#UNREACHABLE}). Held in a
 * {@code @RegisterExtension static} field, it closes the providers, then the fake, after the test class.
 */
final class GcpFixture extends TestResources {

    private final GoogleCloudFake fake = keep(new GoogleCloudFake());

    GoogleCloudFake fake() {
        return fake;
    }

    /** The providers on the fake with a DNS sync timeout of 10 s; closed with the fixture. */
    Providers connect() {
        return keep(GcpFakes.connect(fake, Duration.ofSeconds(10)));
    }
}
