package io.baran.runbook;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads every {@code *.yaml} / {@code *.yml} runbook of a folder. A file with errors is left out and
 * its errors returned; it stops nothing else from loading. Two files may not hold runbooks of one name.
 */
public final class RunbookDirectory {

    private final RunbookParser parser;

    public RunbookDirectory(RunbookParser parser) {
        this.parser = parser;
    }

    /**
     * @param texts the text each loaded runbook was read from, by runbook name
     */
    public record Loaded(List<Runbook> runbooks, List<RunbookError> errors, Map<String, String> texts) {
        public Loaded(List<Runbook> runbooks, List<RunbookError> errors) {
            this(runbooks, errors, Map.of());
        }
    }

    /** The runbooks directly in the folder (not in its sub-folders). */
    public Loaded load(Path dir) {
        if (!Files.isDirectory(dir)) {
            return new Loaded(
                    List.of(), List.of(new RunbookError(dir.toString(), 0, 0, "", "is not a folder of runbooks")));
        }
        try (Stream<Path> list = Files.list(dir)) {
            return load(list.filter(RunbookDirectory::isYaml).sorted().toList());
        } catch (IOException e) {
            return new Loaded(
                    List.of(),
                    List.of(new RunbookError(dir.toString(), 0, 0, "", "cannot be listed: " + e.getMessage())));
        }
    }

    /** The runbooks in these files, in this order. */
    public Loaded load(List<Path> files) {
        List<Runbook> runbooks = new ArrayList<>();
        List<RunbookError> errors = new ArrayList<>();
        Map<String, String> texts = new LinkedHashMap<>();
        Map<String, String> seen = new HashMap<>();
        for (Path file : files) {
            String display = file.toString();
            String text;
            try {
                text = utf8(Files.readAllBytes(file));
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
                    errors.add(new RunbookError(
                            display,
                            0,
                            0,
                            "metadata.name",
                            "\"" + runbook.name() + "\" is already the name of the runbook in " + other));
                    continue;
                }
                runbooks.add(runbook);
                texts.put(runbook.name(), text);
            } catch (RunbookInvalidException e) {
                errors.addAll(e.errors());
            }
        }
        return new Loaded(List.copyOf(runbooks), List.copyOf(errors), Map.copyOf(texts));
    }

    public static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /**
     * The bytes as UTF-8 text, refusing anything else (a runbook in another encoding would be stored
     * garbled).
     */
    public static String utf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}
