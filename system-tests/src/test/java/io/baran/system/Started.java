package io.baran.system;

import java.util.ArrayList;
import java.util.List;

/** What a test class started, stopped in reverse order (the services before what they use), each whatever the others do. */
final class Started implements AutoCloseable {

    private final List<AutoCloseable> running = new ArrayList<>();

    <T extends AutoCloseable> T keep(T resource) {
        running.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                System.err.println("stopping " + running.get(i) + ": " + e);
            }
        }
        running.clear();
    }
}
