package io.baran.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.TemporalDevServer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/local-stack} runs the Temporal dev server as the tests and the benchmarks that stand for it do
 * ({@link TemporalDevServer#LOCAL_STACK_OPTIONS}: its SQLite settings and its search attribute cache), so the README's
 * figures for the local stack are the local stack's.
 */
class LocalStackTemporalTest {

    @Test
    void theLocalStackStartsTheDevServerWithTheOptionsItsStandInsUse() {
        Matcher command = Pattern.compile(
                        "(?m)^\\s*start_bg temporal temporal server start-dev((?:[^\\n]*\\\\\\n)*[^\\n]*)")
                .matcher(Repo.read("bin/local-stack"));
        assertTrue(command.find(), "bin/local-stack has no `start_bg temporal temporal server start-dev` line");
        List<String> words =
                List.of(command.group(1).replace("\\\n", " ").trim().split("\\s+"));
        List<String> options = TemporalDevServer.LOCAL_STACK_OPTIONS;
        List<String> missing = new ArrayList<>();
        for (int i = 0; i + 1 < options.size(); i += 2) {
            if (!adjacent(words, options.get(i), options.get(i + 1))) {
                missing.add(options.get(i) + " " + options.get(i + 1));
            }
        }
        assertEquals(List.of(), missing, "options the stand-ins use and bin/local-stack does not: " + words);
    }

    private static boolean adjacent(List<String> words, String flag, String value) {
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals(flag) && words.get(i + 1).equals(value)) {
                return true;
            }
        }
        return false;
    }
}
