package io.baran.worker.provider;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test class opened and must close after its last test: fakes, emulator clients, the worker's
 * {@link Providers}. Held in a {@code @RegisterExtension static} field, it closes them newest first, so
 * providers go before the fake they talk to, and it goes on when one fails to close, so no server is left
 * running for the next test class. Fixtures of one cloud extend it.
 */
public class TestResources implements AfterAllCallback, AutoCloseable {

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** {@code resource}, closed with the others after the test class. */
    public <T extends AutoCloseable> T keep(T resource) {
        opened.push(resource);
        return resource;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                // Tear-down goes on: a resource that fails to close must not leave the others open.
            }
        }
    }
}
