package io.baran.orchestrator.workflow;

import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the history of a test execution to target/histories. Copy one into
 * src/test/resources/histories when the interpreter changes on purpose, so every later change is replayed
 * against it ({@link HistoryReplayTest}).
 */
final class HistoryFiles {

    private HistoryFiles() {}

    static void save(WorkflowClient client, String workflowId, String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "histories"));
            Files.writeString(
                    dir.resolve(name + ".json"), client.fetchHistory(workflowId).toJson(true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
