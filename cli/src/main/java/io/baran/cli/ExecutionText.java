package io.baran.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** How the operator commands print what the API answers: an execution's view, its changes, readiness verdicts. */
final class ExecutionText {

    private ExecutionText() {}

    /** An execution as a block of lines: what it is, where it stands, what it waits for, and every step. */
    static String block(JsonNode e) {
        StringBuilder b = new StringBuilder();
        b.append(e.path("executionId").asText())
                .append("  ")
                .append(e.path("mode").asText("?"))
                .append(" of ")
                .append(e.path("runbook").asText("?"));
        if (e.path("runbookVersion").asInt() > 0) {
            b.append(" (version ").append(e.path("runbookVersion").asInt()).append(')');
        }
        b.append('\n')
                .append("  status ")
                .append(e.path("status").asText("?"))
                .append(", phase ")
                .append(text(e, "phase"));
        String step = text(e, "currentStep");
        if (!step.isEmpty()) {
            b.append(", at step ").append(step);
        }
        b.append('\n');
        JsonNode by = e.path("startedBy");
        if (by.isObject()) {
            b.append("  started by ").append(by.path("name").asText("?")).append('\n');
        }
        String scope = text(e, "scope");
        if (!scope.isEmpty()) {
            b.append("  outage ").append(scope);
            String incident = text(e, "incidentId");
            b.append(incident.isEmpty() ? "" : " (incident " + incident + ")").append('\n');
        }
        String awaiting = text(e, "awaiting");
        if (!awaiting.isEmpty()) {
            b.append("  waiting for: ").append(awaiting);
            int needed = e.path("approvalsNeeded").asInt();
            b.append(needed > 0 ? " (" + needed + (needed == 1 ? " approval" : " approvals") + " needed)" : "")
                    .append('\n');
        }
        for (JsonNode d : e.path("decisions")) {
            b.append("  ")
                    .append("reject".equals(d.path("verdict").asText()) ? "rejected" : "approved")
                    .append(" by ")
                    .append(d.path("by").asText())
                    .append(d.path("breakGlass").asBoolean() ? " (break-glass)" : "")
                    .append(" on ")
                    .append(d.path("on").asText())
                    .append('\n');
        }
        JsonNode steps = e.path("steps");
        if (steps.isArray() && !steps.isEmpty()) {
            int width = 4;
            for (JsonNode s : steps) {
                width = Math.max(width, s.path("name").asText().length());
            }
            b.append("  steps:\n");
            for (JsonNode s : steps) {
                b.append("    ")
                        .append(pad(s.path("name").asText(), width))
                        .append("  ")
                        .append(pad(text(s, "state"), 11))
                        .append(' ')
                        .append(text(s, "summary"));
                String error = text(s, "error");
                b.append(error.isEmpty() ? "" : " — error: " + error).append('\n');
            }
        }
        String error = text(e, "error");
        if (!error.isEmpty()) {
            b.append("  error: ").append(error).append('\n');
        }
        return b.toString();
    }

    /**
     * The facts of an execution a watcher is told about once each, in order: its status, phase, what it waits for and
     * each step's state. A fact that changes is a new line.
     */
    static List<String> facts(JsonNode e) {
        List<String> facts = new ArrayList<>();
        facts.add("status " + e.path("status").asText("?"));
        facts.add("phase " + text(e, "phase"));
        String awaiting = text(e, "awaiting");
        if (!awaiting.isEmpty()) {
            facts.add("waiting for: " + awaiting);
        }
        for (JsonNode s : e.path("steps")) {
            String state = text(s, "state");
            if (!state.isEmpty() && !"pending".equals(state)) {
                String summary = text(s, "summary");
                String error = text(s, "error");
                facts.add("step " + s.path("name").asText() + " " + state + (summary.isEmpty() ? "" : ": " + summary)
                        + (error.isEmpty() ? "" : " — error: " + error));
            }
        }
        String error = text(e, "error");
        if (!error.isEmpty()) {
            facts.add("error: " + error);
        }
        return facts;
    }

    /**
     * Readiness verdicts, one runbook per line with its reasons under it. Takes one verdict or a list of them (under
     * {@code runbooks}, or an array).
     */
    static String readiness(JsonNode body) {
        List<JsonNode> verdicts = new ArrayList<>();
        JsonNode list = body.isArray() ? body : body.path("runbooks");
        if (list.isArray()) {
            list.forEach(verdicts::add);
        } else {
            verdicts.add(body);
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode v : verdicts) {
            b.append(pad(v.path("runbook").asText("?"), 24))
                    .append("  ")
                    .append(v.path("verdict").asText("?"));
            String at = text(v, "evaluatedAt");
            b.append(at.isEmpty() ? "" : "  (evaluated " + at + ")").append('\n');
            for (JsonNode r : v.path("reasons")) {
                b.append("    - ")
                        .append(r.isTextual() ? r.asText() : reason(r))
                        .append('\n');
            }
        }
        for (JsonNode name : body.path("notEvaluated")) {
            b.append(pad(name.asText(), 24)).append("  not evaluated yet\n");
        }
        return b.toString();
    }

    /** {@code degraded: ttl-too-long (move-traffic): ...}, as {@code GET /api/readiness} gives each reason. */
    private static String reason(JsonNode r) {
        String severity = text(r, "severity");
        String code = text(r, "code");
        String step = text(r, "step");
        String message = r.has("message") ? text(r, "message") : r.toString();
        return (severity.isEmpty() ? "" : severity + ": ")
                + (code.isEmpty() ? "" : code + (step.isEmpty() ? "" : " (" + step + ")") + ": ")
                + message;
    }

    /** 1.2s, 3m04s, 2h05m. */
    static String duration(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 60) {
            return String.format("%d.%ds", seconds, d.toMillisPart() / 100);
        }
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }

    /**
     * The answer of {@code GET /api/executions}: one line per execution, newest first, and how many; when the API's
     * limit was reached, that more may exist.
     */
    static String list(JsonNode body) {
        JsonNode executions = body.path("executions");
        StringBuilder b = new StringBuilder();
        if (!executions.isArray() || executions.isEmpty()) {
            return "no execution matches\n";
        }
        int idWidth = 9;
        for (JsonNode e : executions) {
            idWidth = Math.max(idWidth, printable(text(e, "executionId")).length());
        }
        b.append(pad("EXECUTION", idWidth))
                .append("  ")
                .append(pad("MODE", 8))
                .append("  ")
                .append(pad("PHASE", 26))
                .append("  ")
                .append(pad("STATUS", 10))
                .append("  STARTED\n");
        for (JsonNode e : executions) {
            b.append(pad(printable(text(e, "executionId")), idWidth))
                    .append("  ")
                    .append(pad(printable(text(e, "mode")), 8))
                    .append("  ")
                    .append(pad(printable(text(e, "phase")), 26))
                    .append("  ")
                    .append(pad(printable(text(e, "status")), 10))
                    .append("  ")
                    .append(printable(text(e, "startedAt")))
                    .append('\n');
        }
        int limit = body.path("limit").asInt(0);
        b.append(executions.size())
                .append(executions.size() == 1 ? " execution" : " executions")
                .append(
                        limit > 0 && executions.size() >= limit
                                ? ", the newest " + limit + " (the API's limit): narrow the list to see older ones\n"
                                : "\n");
        return b.toString();
    }

    /** The answer of {@code GET /api/runbooks}: one line per runbook served, then each refused file's errors. */
    static String runbooks(JsonNode body) {
        StringBuilder b = new StringBuilder();
        JsonNode runbooks = body.path("runbooks");
        if (runbooks.isEmpty()) {
            b.append("no runbook served\n");
        } else {
            int width = 7;
            for (JsonNode r : runbooks) {
                width = Math.max(width, text(r, "name").length());
            }
            b.append(pad("RUNBOOK", width))
                    .append("  VERSION  ")
                    .append(pad("PROTECTS", 24))
                    .append("  SOURCE\n");
            for (JsonNode r : runbooks) {
                b.append(pad(text(r, "name"), width))
                        .append("  ")
                        .append(pad(String.valueOf(r.path("version").asInt()), 7))
                        .append("  ")
                        .append(pad(text(r, "protects"), 24))
                        .append("  ")
                        .append(text(r, "source"))
                        .append('\n');
            }
        }
        JsonNode refused = body.path("refused");
        if (!refused.isEmpty()) {
            b.append(refused.size())
                    .append(refused.size() == 1 ? " runbook file refused:\n" : " runbook files refused:\n");
            for (JsonNode error : refused) {
                b.append("  ").append(printable(error.asText())).append('\n');
            }
        }
        return b.toString();
    }

    /** What {@code POST /api/executions/approve-incident} answered: a count, then one line per execution. */
    static String incidentApproval(JsonNode a) {
        StringBuilder b = new StringBuilder();
        b.append("incident ")
                .append(printable(text(a, "incident")))
                .append(": ")
                .append(a.path("approved").size())
                .append(" approved, ")
                .append(a.path("refused").size())
                .append(" refused, ")
                .append(a.path("skipped").size())
                .append(" not waiting for it\n");
        for (JsonNode d : a.path("approved")) {
            JsonNode decision = d.path("decision");
            b.append("  approved  ")
                    .append(printable(text(d, "executionId")))
                    .append(" (")
                    .append(decision.path("approvals").asInt())
                    .append(" of ")
                    .append(decision.path("approvalsNeeded").asInt())
                    .append(" approvals)\n");
        }
        a.path("refused")
                .fields()
                .forEachRemaining(r -> b.append("  refused   ")
                        .append(printable(r.getKey()))
                        .append(": ")
                        .append(printable(r.getValue().asText()))
                        .append('\n'));
        for (JsonNode id : a.path("skipped")) {
            b.append("  skipped   ").append(printable(id.asText())).append('\n');
        }
        return b.toString();
    }

    /** Text of several lines from the API as it can be printed: control characters but the line breaks replaced. */
    static String printableLines(String text) {
        return String.join("\n", text.lines().map(ExecutionText::printable).toList())
                + (text.endsWith("\n") ? "\n" : "");
    }

    /**
     * The API's answer as {@code --json} prints it: pretty JSON, with every control character (C0, DEL, C1) and every
     * format character (bidirectional overrides, say) written as a {@code \\uXXXX} escape, so the JSON reads back the
     * same while the terminal never receives them.
     */
    static String json(JsonNode answer) {
        try {
            return JSON_OUT.writerWithDefaultPrettyPrinter().writeValueAsString(answer);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the answer cannot be written as JSON", e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON_OUT = jsonOut();

    private static com.fasterxml.jackson.databind.ObjectMapper jsonOut() {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        mapper.getFactory().setCharacterEscapes(new com.fasterxml.jackson.core.io.CharacterEscapes() {
            private final int[] ascii = standardAsciiEscapesForJSON();

            {
                ascii[0x7F] = ESCAPE_STANDARD;
            }

            @Override
            public int[] getEscapeCodesForAscii() {
                return ascii;
            }

            @Override
            public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
                if (unprintable(ch)) {
                    return new com.fasterxml.jackson.core.io.SerializedString(
                            String.format(java.util.Locale.ROOT, "\\u%04X", ch));
                }
                return null;
            }
        });
        return mapper;
    }

    /** What a terminal must not receive from the API: a control character (C0, DEL, C1) or a format character. */
    static boolean unprintable(int c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT;
    }

    /** A value from the API as it can be printed on a terminal: control characters replaced. */
    static String printable(String value) {
        return value.codePoints()
                .map(c -> unprintable(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }

    /** A field of the API's answer as it can be printed (control characters replaced); empty when absent. */
    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? "" : printable(v.asText());
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
