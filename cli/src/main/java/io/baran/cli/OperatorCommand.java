package io.baran.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's commands on the orchestrator's REST API: {@code apply}, {@code drill}, {@code plan}, {@code failover},
 * {@code list},
 * {@code status}, {@code watch}, {@code approve}, {@code reject}, {@code failback}, {@code abort} and {@code readiness}. They call exactly the endpoints the README lists, with the
 * caller's bearer token, so the API's roles and the two-person rule apply as they do to any client.
 */
final class OperatorCommand {

    static final String USAGE = """
                   baran apply FILE...
                                      stores each runbook file (PUT /api/runbooks/NAME, NAME its metadata.name):
                                      a new version when its text changed; every error with its line otherwise;
                                      exit 1 when any file was refused
                   baran runbooks     the runbooks served (name, version, what each protects, where it came
                                      from) and every runbook file refused at start, with its errors; exit 1
                                      when any file was refused
                   baran drill RUNBOOK [--hold 30s] [--param NAME=VALUE]... [--watch [watch's options]]
                                      starts a drill (fail over, hold, fail back); prints the execution id,
                                      then with --watch follows it as baran watch does
                   baran plan RUNBOOK [--scope SCOPE] [--param NAME=VALUE]...
                                      what each step would change now; nothing is changed
                                      (--param: a whole number or true/false is sent as one, as a number or
                                      boolean default needs; in double quotes, "30", it is text)
                   baran failover RUNBOOK --confirm RUNBOOK [--reason TEXT] [--param NAME=VALUE]...
                                      starts a real failover by hand (it stays failed over until its failback:
                                      follow it with baran watch ID --exit-when-waiting, or status);
                                      --confirm repeats the runbook's name, or nothing starts
                   baran list [--mode plan|drill|failover] [--phase PHASE] [--runbook RUNBOOK] [--service SERVICE]
                                      executions, newest first (at most the API's limit, 200); e.g.
                                      --mode failover --phase failed-over: failovers holding on the standby
                                      (awaiting-stability and awaiting-failback-approval are failed over too)
                   baran status ID    where an execution stands: phase, what it waits for, every step
                   baran watch ID [--timeout 24h] [--every 1s] [--exit-when-waiting]
                                      follows an execution until it ends (live view on a terminal, one line per
                                      change otherwise); exit 0 when it completed, 1 when it ended otherwise,
                                      4 with --exit-when-waiting once it waits for a person, 5 on --timeout
                   baran approve ID [--step STEP] [--reason TEXT]
                   baran reject ID [--step STEP] [--reason TEXT]
                                      decide what the execution waits for
                   baran approve-incident INCIDENT [--reason TEXT]
                                      approves the start of every execution of that outage that waits for it
                                      (e.g. held by the blast-radius guard); each decides on its own: exit 1
                                      when any refused the approval, or none took it
                   baran failback ID [--reason TEXT]
                                      fails a failed-over execution back now (by its runbook's rules: a failback
                                      that needs approval then waits for its approvers)
                   baran abort ID [--reason TEXT]
                                      aborts an execution: what it changed is undone (not a live failover that
                                      is failed over: its undoing is its failback)
                   baran readiness [RUNBOOK]
                                      the readiness verdicts (every runbook, or one)
                     Every operator command takes --url URL (BARAN_URL, default http://127.0.0.1:8080), --json (the
                     API's answer as JSON, control characters escaped), --token-file FILE; or the token in BARAN_TOKEN, or BARAN_TOKEN_COMMAND,
                     a command printing a fresh one (e.g. "bin/local-stack token operator"), run again when it
                     expires; without any of them, the token baran login kept. Exit status: 0 done, 1 refused
                     by the API (its problem printed), 2 usage, 3 the API unreachable or failing.
            """;

    static final int UNREACHABLE = 3;
    static final int WAITING = 4;
    static final int TIMED_OUT = 5;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The commands that follow an execution: watch, and drill with --watch. */
    private static final List<String> WATCHING = List.of("watch", "drill");
    /** The commands that take --reason. */
    private static final List<String> REASONED =
            List.of("approve", "reject", "approve-incident", "failback", "abort", "failover");

    private static final List<String> ENDED = List.of("completed", "failed", "canceled", "terminated", "timed_out");

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final boolean terminal;

    OperatorCommand(PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.terminal = terminal;
    }

    /** The options every operator command reads, and its positional arguments. */
    private static final class Options {
        final List<String> positional = new ArrayList<>();
        final Map<String, String> parameters = new LinkedHashMap<>();
        String url;
        Path tokenFile;
        boolean json;
        boolean watch;
        boolean exitWhenWaiting;
        String hold;
        String scope;
        String step;
        String reason;
        String confirm;
        /** The filters of {@code list}, by query parameter, in the order given. */
        final Map<String, String> filters = new LinkedHashMap<>();

        Duration timeout = Duration.ofHours(24);
        Duration every = Duration.ofSeconds(1);
    }

    int run(String command, List<String> args) {
        Options o;
        try {
            o = parse(command, args);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        try {
            ApiClient api = new ApiClient(
                    ApiClient.base(o.url != null ? o.url : env.getOrDefault("BARAN_URL", "http://127.0.0.1:8080")),
                    env,
                    Optional.ofNullable(o.tokenFile),
                    Duration.ofSeconds(30));
            return switch (command) {
                case "apply" -> apply(api, o);
                case "runbooks" -> runbooks(api, o);
                case "drill" -> drill(api, o);
                case "failover" -> failover(api, o);
                case "failback" -> failback(api, o);
                case "approve-incident" -> approveIncident(api, o);
                case "abort" -> abort(api, o);
                case "plan" -> plan(api, o);
                case "list" -> list(api, o);
                case "status" -> status(api, o);
                case "watch" -> watch(api, ApiClient.pathPart("the execution id", one(o, "an execution id")), o);
                case "approve", "reject" -> decide(api, command, o);
                case "readiness" -> readiness(api, o);
                default -> usage("unknown command \"" + command + "\"");
            };
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (ApiClient.Unreachable e) {
            err.println("baran: " + e.getMessage());
            return UNREACHABLE;
        }
    }

    private static Options parse(String command, List<String> args) {
        Options o = new Options();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--json" -> o.json = true;
                case "--watch" -> o.watch = only(command, arg, "drill", true);
                case "--exit-when-waiting" -> o.exitWhenWaiting = only(command, arg, WATCHING, true);
                case "--url",
                        "--token-file",
                        "--hold",
                        "--scope",
                        "--step",
                        "--reason",
                        "--confirm",
                        "--param",
                        "--timeout",
                        "--every",
                        "--mode",
                        "--phase",
                        "--runbook",
                        "--service" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    String value = args.get(++i);
                    switch (arg) {
                        case "--url" -> o.url = value;
                        case "--token-file" -> o.tokenFile = Path.of(value);
                        case "--hold" -> o.hold = only(command, arg, "drill", value);
                        case "--scope" -> o.scope = only(command, arg, "plan", value);
                        case "--step" -> o.step = only(command, arg, List.of("approve", "reject"), value);
                        case "--reason" -> o.reason = only(command, arg, REASONED, value);
                        case "--confirm" -> o.confirm = only(command, arg, "failover", value);
                        case "--timeout" -> o.timeout = duration(arg, only(command, arg, WATCHING, value));
                        case "--every" -> o.every = duration(arg, only(command, arg, WATCHING, value));
                        case "--mode", "--phase", "--runbook", "--service" -> {
                            if (o.filters.put(arg.substring(2), only(command, arg, "list", value)) != null) {
                                throw new IllegalArgumentException(arg + " is given once");
                            }
                        }
                        default -> {
                            only(command, arg, List.of("drill", "plan", "failover"), value);
                            int eq = value.indexOf('=');
                            if (eq < 1) {
                                throw new IllegalArgumentException("--param takes NAME=VALUE, not \"" + value + "\"");
                            }
                            o.parameters.put(value.substring(0, eq), value.substring(eq + 1));
                        }
                    }
                }
                default -> {
                    if (arg.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + arg + " for baran " + command);
                    }
                    o.positional.add(arg);
                }
            }
        }
        return o;
    }

    private static <T> T only(String command, String option, String allowed, T value) {
        return only(command, option, List.of(allowed), value);
    }

    private static <T> T only(String command, String option, List<String> allowed, T value) {
        if (!allowed.contains(command)) {
            throw new IllegalArgumentException(option + " is an option of baran " + String.join(" and baran ", allowed)
                    + ", not of baran " + command);
        }
        return value;
    }

    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    /** 500ms, 30s, 10m, 24h. */
    static Duration duration(String option, String value) {
        java.util.regex.Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    option + " takes a duration like 500ms, 30s, 10m or 24h, not \"" + value + "\"");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException(option + " must be longer than zero, not " + value);
        }
        return d;
    }

    private static String one(Options o, String what) {
        if (o.positional.size() != 1) {
            throw new IllegalArgumentException(
                    "this command takes " + what + (o.positional.isEmpty() ? "" : ", and only one"));
        }
        return o.positional.get(0);
    }

    private int drill(ApiClient api, Options o) throws ApiClient.Unreachable {
        ObjectNode body = drillRequest(o, "drill", "hold", o.hold);
        ApiClient.Answer answer = api.post("/api/drills", body);
        if (!answer.ok()) {
            return refused("the drill of " + body.get("runbook").asText() + " did not start", answer);
        }
        String id = ExecutionText.printable(answer.body().path("executionId").asText());
        if (o.json) {
            out.println(ExecutionText.json(answer.body()));
        } else {
            out.println(id);
            err.println("drill of " + body.get("runbook").asText() + " started: follow it with baran watch " + id);
        }
        out.flush();
        return o.watch ? watch(api, ApiClient.pathPart("the execution id", id), o) : Baran.OK;
    }

    /** {@code GET /api/runbooks}: the runbooks served, and the files refused with their errors. */
    private int runbooks(ApiClient api, Options o) throws ApiClient.Unreachable {
        if (!o.positional.isEmpty()) {
            throw new IllegalArgumentException("runbooks takes no argument (one runbook: baran plan RUNBOOK)");
        }
        ApiClient.Answer answer = api.get("/api/runbooks");
        if (!answer.ok()) {
            return refused("no list of runbooks", answer);
        }
        out.print(o.json ? ExecutionText.json(answer.body()) + "\n" : ExecutionText.runbooks(answer.body()));
        out.flush();
        return answer.body().path("refused").isEmpty() ? Baran.OK : Baran.INVALID;
    }

    /** The most a runbook file may hold: the API's own limit. */
    private static final long RUNBOOK_MAX_BYTES = 256 * 1024;

    /**
     * {@code PUT /api/runbooks/{name}} for each file, named by its {@code metadata.name}; the API validates it and
     * answers every error with its line. Goes on after a refused file; exit 1 if any was.
     */
    private int apply(ApiClient api, Options o) throws ApiClient.Unreachable {
        if (o.positional.isEmpty()) {
            throw new IllegalArgumentException(
                    "apply needs the runbook files, e.g. baran apply runbooks/demo-web.yaml");
        }
        int status = Baran.OK;
        for (String file : o.positional) {
            String text;
            String name;
            try {
                byte[] bytes;
                try (java.io.InputStream in = java.nio.file.Files.newInputStream(Path.of(file))) {
                    bytes = in.readNBytes((int) RUNBOOK_MAX_BYTES + 1); // bounded, a pipe or a growing file too
                }
                if (bytes.length > RUNBOOK_MAX_BYTES) {
                    err.println("baran: " + file + ": over 256 KiB, more than the API takes; nothing sent");
                    status = Baran.INVALID;
                    continue;
                }
                try {
                    text = java.nio.charset.StandardCharsets.UTF_8
                            .newDecoder()
                            .decode(java.nio.ByteBuffer.wrap(bytes))
                            .toString();
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new IllegalArgumentException("not UTF-8 text");
                }
                name = runbookName(text);
            } catch (java.io.IOException e) {
                err.println("baran: cannot read " + file + ": " + e.getMessage());
                status = Baran.INVALID;
                continue;
            } catch (IllegalArgumentException e) {
                err.println("baran: " + file + ": " + e.getMessage() + "; nothing sent");
                status = Baran.INVALID;
                continue;
            }
            ApiClient.Answer answer = api.putText("/api/runbooks/" + name, text, "application/yaml");
            if (!answer.ok()) {
                status = refused(file + ": runbook " + name + " not stored", answer);
                continue;
            }
            if (o.json) {
                out.println(ExecutionText.json(answer.body()));
            } else {
                JsonNode saved = answer.body();
                out.println(file + ": runbook " + name + " "
                        + switch (saved.path("outcome").asText()) {
                            case "created" ->
                                "created, version " + saved.path("version").asInt();
                            case "unchanged" ->
                                "unchanged (version " + saved.path("version").asInt() + ")";
                            default -> "version " + saved.path("version").asInt();
                        });
            }
            out.flush();
        }
        return status;
    }

    /**
     * The runbook's {@code metadata.name}, which the API stores it under, read from the YAML alone (the API checks the
     * rest, every error with its line).
     */
    static String runbookName(String yaml) {
        org.yaml.snakeyaml.nodes.Node document;
        try {
            // Composed, not constructed: no alias is expanded, no tag resolved to a type; the API reads the rest.
            document = new org.yaml.snakeyaml.Yaml().compose(new java.io.StringReader(yaml));
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            org.yaml.snakeyaml.error.Mark at = e.getProblemMark();
            throw new IllegalArgumentException("not YAML that reads"
                    + (at == null ? "" : " at line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1))
                    + ": " + ExecutionText.printable(String.valueOf(e.getProblem())));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "not YAML that reads: " + ExecutionText.printable(String.valueOf(e.getMessage())));
        }
        org.yaml.snakeyaml.nodes.Node name = value(value(document, "metadata"), "name");
        if (!(name instanceof org.yaml.snakeyaml.nodes.ScalarNode scalar)) {
            throw new IllegalArgumentException("no metadata.name, the name the runbook is stored under");
        }
        return ApiClient.pathPart("metadata.name", scalar.getValue());
    }

    /** The value of {@code key} in a mapping node; null when it is no mapping or has no such key. */
    private static org.yaml.snakeyaml.nodes.Node value(org.yaml.snakeyaml.nodes.Node node, String key) {
        if (!(node instanceof org.yaml.snakeyaml.nodes.MappingNode mapping)) {
            return null;
        }
        for (org.yaml.snakeyaml.nodes.NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode k
                    && k.getValue().equals(key)) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    /**
     * {@code POST /api/failovers}: a real failover, started by hand. {@code --confirm} is passed as it is given: the API
     * starts nothing unless it repeats the runbook's name.
     */
    private int failover(ApiClient api, Options o) throws ApiClient.Unreachable {
        String runbook = ApiClient.pathPart("the runbook", one(o, "a runbook"));
        if (o.confirm == null) {
            throw new IllegalArgumentException("a real failover starts only with --confirm repeating the runbook's"
                    + " name: baran failover " + runbook + " --confirm " + runbook);
        }
        ObjectNode body = JSON.createObjectNode().put("runbook", runbook).put("confirm", o.confirm);
        if (o.reason != null) {
            body.put("reason", o.reason);
        }
        putParameters(body, o);
        ApiClient.Answer answer = api.post("/api/failovers", body);
        if (!answer.ok()) {
            return refused("the failover of " + runbook + " did not start", answer);
        }
        String id = ExecutionText.printable(answer.body().path("executionId").asText());
        if (o.json) {
            out.println(ExecutionText.json(answer.body()));
        } else {
            out.println(id);
            err.println("failover of " + runbook + " started: follow it with baran watch " + id);
        }
        out.flush();
        return Baran.OK;
    }

    /** {@code POST /api/executions/{id}/failback}. */
    private int failback(ApiClient api, Options o) throws ApiClient.Unreachable {
        return onExecution(api, o, "failback", (id, answer) -> {
            JsonNode f = answer.path("failback");
            String by = ExecutionText.printable(f.path("by").asText("you"));
            return "AWAITING_APPROVAL".equals(f.path("next").asText())
                    ? "failback asked by " + by + "; it waits for "
                            + f.path("approvalsNeeded").asInt() + " approval(s) (baran approve " + id + ")"
                    : "failing back, asked by " + by;
        });
    }

    /**
     * {@code POST /api/executions/approve-incident}: one approval for every execution of the outage waiting at its
     * start; what each made of it, one line each.
     */
    private int approveIncident(ApiClient api, Options o) throws ApiClient.Unreachable {
        ObjectNode body = reason(o).put("incident", one(o, "an incident id (e.g. aws/us-east-1@1764871200000)"));
        ApiClient.Answer answer = api.post("/api/executions/approve-incident", body);
        if (!answer.ok()) {
            return refused(
                    "approval of incident "
                            + ExecutionText.printable(body.get("incident").asText()) + " refused",
                    answer);
        }
        JsonNode a = answer.body();
        if (o.json) {
            out.println(ExecutionText.json(a));
        } else {
            out.print(ExecutionText.incidentApproval(a));
        }
        out.flush();
        if (a.path("approved").isEmpty()
                && a.path("refused").isEmpty()
                && a.path("skipped").isEmpty()) {
            err.println("baran: no running execution answers incident "
                    + ExecutionText.printable(body.get("incident").asText()) + ": nothing approved (is it the id the"
                    + " executions name, e.g. in baran status?)");
            return Baran.INVALID;
        }
        if (a.path("approved").isEmpty()) {
            err.println("baran: nothing approved: no execution of incident "
                    + ExecutionText.printable(body.get("incident").asText()) + " waits for it now");
            return Baran.INVALID;
        }
        return a.path("refused").isEmpty() ? Baran.OK : Baran.INVALID;
    }

    /** {@code POST /api/executions/{id}/abort}. */
    private int abort(ApiClient api, Options o) throws ApiClient.Unreachable {
        return onExecution(
                api,
                o,
                "abort",
                (id, answer) -> "aborted; it undoes what it changed (follow it with baran watch " + id + ")");
    }

    /**
     * {@code POST /api/executions/{id}/ACTION} with the reason given: the answer as it is with {@code --json}, else
     * the execution's id and what {@code line} makes of the answer.
     */
    private int onExecution(
            ApiClient api, Options o, String action, java.util.function.BiFunction<String, JsonNode, String> line)
            throws ApiClient.Unreachable {
        String id = ApiClient.pathPart("the execution id", one(o, "an execution id"));
        ApiClient.Answer answer = api.post("/api/executions/" + id + "/" + action, reason(o));
        if (!answer.ok()) {
            return refused(action + " of " + id + " refused", answer);
        }
        out.println(o.json ? ExecutionText.json(answer.body()) : id + ": " + line.apply(id, answer.body()));
        out.flush();
        return Baran.OK;
    }

    /** A body with the reason given, or none. */
    private static ObjectNode reason(Options o) {
        ObjectNode body = JSON.createObjectNode();
        if (o.reason != null) {
            body.put("reason", o.reason);
        }
        return body;
    }

    private int plan(ApiClient api, Options o) throws ApiClient.Unreachable {
        ObjectNode body = drillRequest(o, "plan", "scope", o.scope);
        ApiClient.Answer answer = api.post("/api/drills", body);
        if (!answer.ok()) {
            return refused("the plan of " + body.get("runbook").asText() + " failed", answer);
        }
        out.println(
                o.json
                        ? ExecutionText.json(answer.body())
                        : ExecutionText.printableLines(
                                answer.body().path("text").asText()));
        out.flush();
        return Baran.OK;
    }

    /** {@code GET /api/executions} with the filters given (the API checks their values and names a bad one). */
    private int list(ApiClient api, Options o) throws ApiClient.Unreachable {
        if (!o.positional.isEmpty()) {
            throw new IllegalArgumentException(
                    "list takes filters (--mode, --phase, --runbook, --service), not \"" + o.positional.get(0) + "\"");
        }
        StringBuilder path = new StringBuilder("/api/executions");
        o.filters.forEach((name, value) -> path.append(path.indexOf("?") < 0 ? '?' : '&')
                .append(name)
                .append('=')
                .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)));
        ApiClient.Answer answer = api.get(path.toString());
        if (!answer.ok()) {
            return refused("no list of executions", answer);
        }
        out.print(o.json ? ExecutionText.json(answer.body()) + "\n" : ExecutionText.list(answer.body()));
        out.flush();
        return Baran.OK;
    }

    /** The body of {@code POST /api/drills}: the runbook, the mode, one optional field, the parameters. */
    private static ObjectNode drillRequest(Options o, String mode, String field, String value) {
        ObjectNode body =
                JSON.createObjectNode().put("runbook", ApiClient.pathPart("the runbook", one(o, "a runbook")));
        body.put("mode", mode);
        if (value != null) {
            body.put(field, value);
        }
        putParameters(body, o);
        return body;
    }

    /** The {@code --param} values, if any, as the body's {@code parameters}. */
    private static void putParameters(ObjectNode body, Options o) {
        if (!o.parameters.isEmpty()) {
            ObjectNode p = body.putObject("parameters");
            o.parameters.forEach((name, text) -> p.set(name, parameterValue(text)));
        }
    }

    /**
     * A {@code --param} value as the API takes it, of the kind of the parameter's default: a whole number and {@code
     * true}/{@code false} are sent as such (parameters take no other numbers); anything else, or a value in double
     * quotes ({@code "30"}, the quotes dropped), as text.
     */
    static com.fasterxml.jackson.databind.JsonNode parameterValue(String text) {
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return JSON.getNodeFactory().textNode(text.substring(1, text.length() - 1));
        }
        if (text.equals("true") || text.equals("false")) {
            return JSON.getNodeFactory().booleanNode(Boolean.parseBoolean(text));
        }
        if (text.matches("-?(0|[1-9][0-9]{0,17})")) {
            return JSON.getNodeFactory().numberNode(Long.parseLong(text));
        }
        return JSON.getNodeFactory().textNode(text);
    }

    private int status(ApiClient api, Options o) throws ApiClient.Unreachable {
        String id = ApiClient.pathPart("the execution id", one(o, "an execution id"));
        ApiClient.Answer answer = api.get("/api/executions/" + id);
        if (!answer.ok()) {
            return refused("no status of " + id, answer);
        }
        out.print(o.json ? ExecutionText.json(answer.body()) + "\n" : ExecutionText.block(answer.body()));
        out.flush();
        return Baran.OK;
    }

    /**
     * Polls the execution every {@code --every} until it ends, waits for a person ({@code --exit-when-waiting}), or
     * {@code --timeout} passes. On a terminal the view is redrawn in place; otherwise each change is one line.
     */
    private int watch(ApiClient api, String id, Options o) throws ApiClient.Unreachable {
        long started = System.nanoTime();
        long deadline = started + o.timeout.toNanos();
        List<String> seen = List.of();
        while (true) {
            ApiClient.Answer answer = api.get("/api/executions/" + id);
            if (!answer.ok()) {
                return refused("cannot watch " + id, answer);
            }
            JsonNode execution = answer.body();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            if (terminal && !o.json) {
                out.print("\033[H\033[2J" + ExecutionText.block(execution) + "\nwatching for "
                        + ExecutionText.duration(elapsed) + " (Ctrl-C stops watching, not the execution)\n");
            } else {
                List<String> now = ExecutionText.facts(execution);
                for (String fact : now) {
                    if (!seen.contains(fact)) {
                        out.println("+" + ExecutionText.duration(elapsed) + " " + fact);
                    }
                }
                seen = now;
            }
            out.flush();
            String status = execution.path("status").asText();
            if (ENDED.contains(status)) {
                if (o.json) {
                    out.println(ExecutionText.json(execution));
                }
                return "completed".equals(status) ? Baran.OK : Baran.INVALID;
            }
            if (o.exitWhenWaiting
                    && !execution.path("awaiting").isNull()
                    && !execution.path("awaiting").asText().isEmpty()
                    && !"queued".equals(execution.path("phase").asText())) {
                return WAITING;
            }
            if (System.nanoTime() >= deadline || !pause(Math.min(deadline, System.nanoTime() + o.every.toNanos()))) {
                err.println("baran: " + id + " has not ended after " + ExecutionText.duration(o.timeout)
                        + " (--timeout); it goes on");
                return TIMED_OUT;
            }
        }
    }

    /** Sleeps until {@code nanos} ({@link System#nanoTime()}); false when interrupted. */
    private static boolean pause(long nanos) {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            try {
                Thread.sleep(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private int decide(ApiClient api, String verdict, Options o) throws ApiClient.Unreachable {
        String id = ApiClient.pathPart("the execution id", one(o, "an execution id"));
        ObjectNode body = JSON.createObjectNode();
        if (o.step != null) {
            body.put("step", o.step);
        }
        if (o.reason != null) {
            body.put("reason", o.reason);
        }
        ApiClient.Answer answer = api.post("/api/executions/" + id + "/" + verdict, body);
        if (!answer.ok()) {
            return refused(verdict + " of " + id + " refused", answer);
        }
        if (o.json) {
            out.println(ExecutionText.json(answer.body()));
        } else {
            JsonNode d = answer.body().path("decision");
            out.println(id + ": "
                    + ExecutionText.printable(d.path("outcome").asText(verdict)).toLowerCase() + " by "
                    + ExecutionText.printable(d.path("by").asText("you"))
                    + (d.has("approvalsNeeded")
                            ? " (" + d.path("approvals").asInt() + " of "
                                    + d.path("approvalsNeeded").asInt() + " approvals)"
                            : ""));
        }
        out.flush();
        return Baran.OK;
    }

    private int readiness(ApiClient api, Options o) throws ApiClient.Unreachable {
        if (o.positional.size() > 1) {
            throw new IllegalArgumentException("readiness takes at most one runbook");
        }
        String path = o.positional.isEmpty()
                ? "/api/readiness"
                : "/api/readiness/" + ApiClient.pathPart("the runbook", o.positional.get(0));
        ApiClient.Answer answer = api.get(path);
        if (!answer.ok()) {
            return refused("no readiness", answer);
        }
        out.print(o.json ? ExecutionText.json(answer.body()) + "\n" : ExecutionText.readiness(answer.body()));
        out.flush();
        return Baran.OK;
    }

    private int refused(String what, ApiClient.Answer answer) {
        err.println("baran: " + what + ": " + answer.problem());
        JsonNode errors = answer.body().path("errors");
        if (errors.isArray()) {
            for (JsonNode e : errors) {
                err.println("  " + (e.has("line") ? "line " + e.path("line").asInt() + " " : "")
                        + ExecutionText.printable(e.path("path").asText("")) + ": "
                        + ExecutionText.printable(e.path("message").asText(e.toString())));
            }
        }
        return Baran.INVALID;
    }

    private int usage(String problem) {
        err.println("baran: " + problem);
        err.print(USAGE);
        return Baran.USAGE;
    }
}
