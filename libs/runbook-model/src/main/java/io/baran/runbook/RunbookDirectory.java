package io.baran.runbook;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads every {@code *.yaml} / {@code *.yml} runbook of a folder. A file with errors is left out and
 * its errors returned; it stops nothing else from loading.
 */
public final class RunbookDirectory {

    private final RunbookParser parser;

    public RunbookDirectory(RunbookParser parser) {
        this.parser = parser;
    }

    public record Loaded(List<Runbook> runbooks, List<RunbookError> errors) {
    }

    public Loaded load(Path dir) {
        List<Runbook> runbooks = new ArrayList<>();
        List<RunbookError> errors = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            errors.add(new RunbookError(dir.toString(), 0, 0, "", "is not a folder of runbooks"));
            return new Loaded(runbooks, errors);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            errors.add(new RunbookError(dir.toString(), 0, 0, "", "cannot be listed: " + e.getMessage()));
            return new Loaded(runbooks, errors);
        }
        Map<String, String> seen = new HashMap<>();
        for (Path file : files) {
            String display = file.toString();
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            } catch (CharacterCodingException e) {
                errors.add(new RunbookError(display, 0, 0, "", "is not UTF-8 text"));
                continue;
            } catch (IOException e) {
                errors.add(new RunbookError(display, 0, 0, "", "cannot be read: " + e.getMessage()));
                continue;
            }
            try {
                Runbook runbook = parser.parse(display, text);
                String other = seen.putIfAbsent(runbook.name(), display);
                if (other != null) {
                    errors.add(new RunbookError(display, 0, 0, "metadata.name",
                            "\"" + runbook.name() + "\" is already the name of the runbook in " + other));
                    continue;
                }
                runbooks.add(runbook);
            } catch (RunbookInvalidException e) {
                errors.addAll(e.errors());
            }
        }
        return new Loaded(List.copyOf(runbooks), List.copyOf(errors));
    }
}
