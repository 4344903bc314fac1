package io.baran.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.testinfra.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands' checks before any request: the cases here point at a closed port on 127.0.0.1 (a request
 * sent would end in exit 3, "cannot connect"), and each test asserts a different outcome; {@code list} also against a
 * server of the test's own on 127.0.0.1, for what it sends and prints. What they do
 * against a running orchestrator is tested from the packaged services ({@code FailoverChainIT} in system-tests).
 */
class OperatorCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String closed = "http://127.0.0.1:" + Ports.free();

    private record Result(int status, String out, String err) {}

    private Result baran(Map<String, String> env, String... args) {
        BaranRun r = BaranRun.of(env, args);
        return new Result(r.status(), r.out(), r.err());
    }

    private Result baran(String... args) {
        return baran(Map.of("BARAN_URL", closed, "BARAN_TOKEN", "t0ken"), args);
    }

    @Test
    void anIdThatIsNotANameIsRefusedBeforeAnyRequest() {
        for (String id : List.of("../q/metrics", "a/b", "x?y=1", "id with spaces", "-rf", "")) {
            Result r = baran("status", id);
            assertEquals(Baran.USAGE, r.status(), id + ": " + r.err());
        }
        Result r = baran("approve", "exec%2F1");
        assertEquals(Baran.USAGE, r.status(), r.err());
        assertTrue(r.err().contains("the execution id \"exec%2F1\" is not a name"), r.err());
    }

    @Test
    void aGoodIdReachesTheNetworkAndAClosedPortIsNamed() {
        Result r = baran("status", "drill-demo-web-1a2b3c4d");
        assertEquals(OperatorCommand.UNREACHABLE, r.status(), r.err());
        assertTrue(r.err().contains("cannot connect to " + closed), r.err());
    }

    @Test
    void optionsAreCheckedPerCommand() {
        assertUsage(baran("status", "x", "--hold", "1s"), "--hold is an option of baran drill, not of baran status");
        assertUsage(baran("watch", "x", "--timeout", "soon"), "--timeout takes a duration like");
        assertUsage(baran("watch", "x", "--every", "0s"), "--every must be longer than zero");
        assertUsage(baran("drill", "web", "--param", "novalue"), "--param takes NAME=VALUE");
        assertUsage(baran("drill"), "this command takes a runbook");
        assertUsage(baran("status", "a", "b"), "this command takes an execution id, and only one");
        assertUsage(baran("plan", "web", "--frobnicate"), "unknown option --frobnicate for baran plan");
        assertUsage(baran("readiness", "a", "b"), "readiness takes at most one runbook");
    }

    @Test
    void theApiUrlMustBeHttpWithoutCredentialsOrQuery() {
        for (String url : List.of("ftp://127.0.0.1", "127.0.0.1:8080", "http://u:p@127.0.0.1:8080", "http://h/?a=1")) {
            Result r = baran(Map.of("BARAN_TOKEN", "t"), "status", "x", "--url", url);
            assertEquals(Baran.USAGE, r.status(), url + ": " + r.err());
            assertTrue(r.err().contains("the API URL"), r.err());
        }
    }

    @Test
    void withoutATokenNothingIsSentAndTheWaysToGiveOneAreNamed(@TempDir Path dir) throws Exception {
        // No token given and no login kept (baran login's folder is the test's own, and empty).
        Result none = baran(Map.of("BARAN_URL", closed, "BARAN_CONFIG_DIR", dir.toString()), "status", "x");
        assertEquals(OperatorCommand.UNREACHABLE, none.status());
        assertTrue(
                none.err().contains("not logged in: baran login --issuer URL (or set BARAN_TOKEN_COMMAND, e.g."),
                none.err());

        Result twoLines = baran(Map.of("BARAN_URL", closed, "BARAN_TOKEN", "a\nb"), "status", "x");
        assertTrue(twoLines.err().contains("no bearer token"), twoLines.err());

        Result failing = baran(Map.of("BARAN_URL", closed, "BARAN_TOKEN_COMMAND", "exit 7"), "status", "x");
        assertTrue(failing.err().contains("BARAN_TOKEN_COMMAND exited with 7"), failing.err());

        Path file = Files.writeString(dir.resolve("token"), "from-the-file\n");
        Result fromFile = baran(Map.of("BARAN_URL", closed), "status", "x", "--token-file", file.toString());
        assertTrue(fromFile.err().contains("cannot connect"), "the file's token was taken: " + fromFile.err());
        assertFalse(fromFile.err().contains("from-the-file"), "the token is never printed: " + fromFile.err());
    }

    @Test
    void aWatcherIsToldOfEachChangeOnce() throws Exception {
        JsonNode running = JSON.readTree("""
                {"executionId":"drill-web-1","status":"running","mode":"drill","runbook":"web","phase":"failing-over",
                 "awaiting":null,"steps":[{"name":"move","state":"applied","summary":"www -> standby"},
                                          {"name":"check","state":"pending","summary":null}]}""");
        JsonNode done = JSON.readTree("""
                {"executionId":"drill-web-1","status":"completed","mode":"drill","runbook":"web","phase":"done",
                 "steps":[{"name":"move","state":"undone","summary":"www restored"},
                          {"name":"check","state":"passed","summary":"200 in 3 ms"}]}""");

        List<String> before = ExecutionText.facts(running);
        List<String> after = ExecutionText.facts(done);

        assertEquals(List.of("status running", "phase failing-over", "step move applied: www -> standby"), before);
        assertEquals(
                List.of(
                        "status completed",
                        "phase done",
                        "step move undone: www restored",
                        "step check passed: 200 in 3 ms"),
                after);
        String block = ExecutionText.block(done);
        assertTrue(block.startsWith("drill-web-1  drill of web\n  status completed, phase done\n"), block);
        assertTrue(block.contains("    move   undone      www restored\n"), block);
    }

    @Test
    void readinessShowsEachVerdictWithItsReasons() throws Exception {
        JsonNode list = JSON.readTree("""
                {"runbooks":[{"runbook":"web","verdict":"degraded","evaluatedAt":"2026-12-05T00:00:00Z",
                  "reasons":[{"code":"ttl-too-long","severity":"degraded","step":"move-traffic",
                              "message":"www TTL is 86400 s"}]}],
                 "notEvaluated":["db"]}""");

        String text = ExecutionText.readiness(list);

        assertEquals(
                "web                       degraded  (evaluated 2026-12-05T00:00:00Z)\n"
                        + "    - degraded: ttl-too-long (move-traffic): www TTL is 86400 s\n"
                        + "db                        not evaluated yet\n",
                text);
    }

    /** baran list: the filters go as query parameters, encoded; each execution one line; a refusal is the API's. */
    @Test
    void listSendsItsFiltersAndPrintsOneLinePerExecution() throws Exception {
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer server = serve("/api/executions", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            asked.add(String.valueOf(query));
            if (query != null && query.contains("mode=live")) {
                Answers.json(exchange, 400, """
                        {"title":"Bad execution filter","detail":"mode \\"live\\" is not one of plan, drill, failover"}""");
                return;
            }
            Answers.json(exchange, 200, """
                    {"executions":[{"executionId":"failover-web-aws_us-east-1@1","status":"running","runbook":"web",
                      "service":"web","mode":"failover","phase":"failed-over","startedAt":"2026-12-07T09:26:35Z",
                      "closedAt":null}],"limit":1}""");
        });
        try {
            Map<String, String> env = apiAt(server);

            Result r = baran(env, "list", "--mode", "failover", "--phase", "failed-over", "--runbook", "a b&c");

            assertEquals(Baran.OK, r.status(), r.err());
            assertEquals(List.of("mode=failover&phase=failed-over&runbook=a+b%26c"), asked);
            List<String> lines = r.out().lines().toList();
            assertEquals(3, lines.size(), r.out());
            assertTrue(lines.get(0).startsWith("EXECUTION"), r.out());
            assertTrue(
                    lines.get(1)
                            .matches(
                                    "failover-web-aws_us-east-1@1 +failover +failed-over +running +2026-12-07T09:26:35Z"),
                    r.out());
            assertTrue(lines.get(2).startsWith("1 execution, the newest 1 (the API's limit)"), r.out());

            Result refused = baran(env, "list", "--mode", "live");
            assertEquals(Baran.INVALID, refused.status(), refused.err());
            assertTrue(refused.err().contains("mode \"live\" is not one of plan, drill, failover"), refused.err());
        } finally {
            server.stop(0);
        }
        assertUsage(baran("list", "--mode", "drill", "--mode", "failover"), "--mode is given once");
        assertUsage(baran("list", "failed-over"), "list takes filters");
        assertUsage(baran("status", "x", "--phase", "done"), "--phase is an option of baran list, not of baran status");
        assertEquals("no execution matches\n", ExecutionText.list(JSON.readTree("{\"executions\":[],\"limit\":200}")));
    }

    /**
     * failover, failback, abort and approve-incident: what each sends, what it prints; a failover without --confirm sends nothing, and the
     * confirmation is the person's, passed as typed (the API refuses one that does not repeat the runbook's name).
     */
    @Test
    void failoverFailbackAbortAndApproveIncidentSendWhatThePersonTyped() throws Exception {
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer server = serve("/api/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            asked.add(exchange.getRequestMethod() + " " + path + " " + body);
            switch (path) {
                case "/api/failovers" -> {
                    if (!JSON.readTree(body).path("confirm").asText().equals("web")) {
                        Answers.json(exchange, 400, """
                                {"title":"Not confirmed","detail":"repeat the runbook's name in confirm"}""");
                    } else {
                        Answers.json(exchange, 202, """
                                {"executionId":"failover-web-by-hand-1","runbook":"web","mode":"failover"}""");
                    }
                }
                case "/api/executions/failover-web-1/failback" -> Answers.json(exchange, 202, """
                        {"executionId":"failover-web-1","failback":{"next":"AWAITING_APPROVAL","by":"fiona",
                         "approvalsNeeded":2}}""");
                case "/api/executions/drill-web-1/abort" -> Answers.json(exchange, 202, """
                        {"executionId":"drill-web-1","requested":"abort"}""");
                case "/api/executions/approve-incident" ->
                    Answers.json(
                            exchange,
                            200,
                            body.contains("@99")
                                    ? "{\"incident\":\"aws/us-east-1@99\",\"approved\":[],\"refused\":{},\"skipped\":[]}"
                                    : """
                        {"incident":"aws/us-east-1@17","approved":[{"executionId":"failover-web-aws_us-east-1@17",
                          "decision":{"outcome":"APPROVED","by":"ada","approvals":1,"approvalsNeeded":2}}],
                         "refused":{"failover-db-aws_us-east-1@17":"ada may not approve it"},
                         "skipped":["failover-cdn-aws_us-east-1@17"]}""");
                default ->
                    Answers.json(
                            exchange, 404, "{\"title\":\"Not found\",\"detail\":\"no \\u001b[2J\\u202eexecution\"}");
            }
        });
        try {
            Map<String, String> env = apiAt(server);

            assertUsage(baran(env, "failover", "web"), "--confirm repeating the runbook's name");
            assertEquals(List.of(), asked, "nothing is sent without --confirm");

            Result wrong = baran(env, "failover", "web", "--confirm", "wbe");
            assertEquals(Baran.INVALID, wrong.status(), wrong.err());
            assertTrue(wrong.err().contains("the failover of web did not start"), wrong.err());
            assertTrue(asked.get(0).contains("\"confirm\":\"wbe\""), "passed as typed: " + asked);

            Result started = baran(env, "failover", "web", "--confirm", "web", "--reason", "eu-west-1 is down");
            assertEquals(Baran.OK, started.status(), started.err());
            assertEquals("failover-web-by-hand-1\n", started.out());
            assertEquals(
                    "POST /api/failovers {\"runbook\":\"web\",\"confirm\":\"web\",\"reason\":\"eu-west-1 is down\"}",
                    asked.get(1));

            Result failback = baran(env, "failback", "failover-web-1", "--reason", "primary healthy");
            assertEquals(Baran.OK, failback.status(), failback.err());
            assertEquals("POST /api/executions/failover-web-1/failback {\"reason\":\"primary healthy\"}", asked.get(2));
            assertTrue(failback.out().contains("it waits for 2 approval(s)"), failback.out());

            Result abort = baran(env, "abort", "drill-web-1");
            assertEquals(Baran.OK, abort.status(), abort.err());
            assertEquals("POST /api/executions/drill-web-1/abort {}", asked.get(3));
            assertTrue(abort.out().startsWith("drill-web-1: aborted"), abort.out());

            Result unknown = baran(env, "abort", "nope-1");
            assertEquals(Baran.INVALID, unknown.status(), unknown.err());
            assertTrue(unknown.err().contains("404 Not found: no ?[2J?execution"), "printed inert: " + unknown.err());

            Result incident = baran(env, "approve-incident", "aws/us-east-1@17", "--reason", "region confirmed down");
            assertEquals(
                    "POST /api/executions/approve-incident {\"reason\":\"region confirmed down\","
                            + "\"incident\":\"aws/us-east-1@17\"}",
                    asked.get(5));
            assertEquals(Baran.INVALID, incident.status(), "one execution refused the approval: " + incident.out());
            assertEquals(
                    List.of(
                            "incident aws/us-east-1@17: 1 approved, 1 refused, 1 not waiting for it",
                            "  approved  failover-web-aws_us-east-1@17 (1 of 2 approvals)",
                            "  refused   failover-db-aws_us-east-1@17: ada may not approve it",
                            "  skipped   failover-cdn-aws_us-east-1@17"),
                    incident.out().lines().toList());

            Result none = baran(env, "approve-incident", "aws/us-east-1@99");
            assertEquals(Baran.INVALID, none.status(), "a mistyped incident approves nothing: " + none.out());
            assertTrue(none.err().contains("no running execution answers incident aws/us-east-1@99"), none.err());
        } finally {
            server.stop(0);
        }
        assertUsage(baran("abort", "x", "--confirm", "x"), "--confirm is an option of baran failover");
        assertUsage(baran("failback", "x", "--step", "go"), "--step is an option of baran approve");
    }

    /** baran apply: each file stored under its metadata.name as YAML; the API's errors printed with their lines. */
    @Test
    void applyStoresEachFileUnderItsNameAndPrintsTheApisErrors(@TempDir Path dir) throws Exception {
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer server = serve("/api/runbooks/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            asked.add(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                            + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body.length());
            if (body.contains("action: dns.swtich")) {
                Answers.json(exchange, 422, """
                        {"title":"Invalid runbook","detail":"1 error","errors":[{"line":7,"column":15,
                          "path":"spec.failover[0].action","message":"unknown action dns.swtich"}]}""");
            } else {
                Answers.json(exchange, 201, """
                        {"name":"web","version":3,"outcome":"new-version"}""");
            }
        });
        try {
            Map<String, String> env = apiAt(server);
            String good = "apiVersion: baran.io/v1\nkind: Runbook\nmetadata: { name: web }\nspec:\n  protects: web\n"
                    + "  failover:\n    - { name: move, action: dns.switch }\n";
            Path web = Files.writeString(dir.resolve("web.yaml"), good);
            Path typo = Files.writeString(
                    dir.resolve("api.yaml"),
                    good.replace("name: web }", "name: api }").replace("dns.switch", "dns.swtich"));
            Path nameless = Files.writeString(dir.resolve("nameless.yaml"), "kind: Runbook\nspec: {}\n");
            Path broken = Files.writeString(dir.resolve("broken.yaml"), "metadata: [unclosed\n");

            Result r = baran(env, "apply", web.toString(), typo.toString(), nameless.toString(), broken.toString());

            assertEquals(Baran.INVALID, r.status(), "two files refused: " + r.err());
            assertEquals(
                    List.of(
                            "PUT /api/runbooks/web application/yaml; charset=utf-8 " + good.length(),
                            "PUT /api/runbooks/api application/yaml; charset=utf-8 " + good.length()),
                    asked,
                    "a file without a name, or that does not read, is not sent");
            assertEquals(web + ": runbook web version 3\n", r.out());
            assertTrue(r.err().contains(typo + ": runbook api not stored"), r.err());
            assertTrue(r.err().contains("line 7 spec.failover[0].action: unknown action dns.swtich"), r.err());
            assertTrue(r.err().contains(nameless + ": no metadata.name"), r.err());
            assertTrue(r.err().contains(broken + ": not YAML that reads at line 2"), r.err());
        } finally {
            server.stop(0);
        }
        assertUsage(baran("apply"), "apply needs the runbook files");
        assertEquals("demo-web", OperatorCommand.runbookName("metadata:\n  name: demo-web\n"));
        Result evil = baran(
                "apply",
                Files.writeString(dir.resolve("evil.yaml"), "metadata: { name: ../q/metrics }\n")
                        .toString());
        assertEquals(Baran.INVALID, evil.status(), evil.err());
        assertTrue(evil.err().contains("metadata.name \"../q/metrics\" is not a name"), evil.err());
        assertTrue(evil.err().contains("nothing sent"), "no request to the closed port: " + evil.err());
    }

    /** baran runbooks: one line per runbook served, each refused file's error as the API names it; exit 1 then. */
    @Test
    void runbooksListsThoseServedAndTheFilesRefused() throws Exception {
        com.sun.net.httpserver.HttpServer server = serve("/api/runbooks", exchange -> Answers.json(exchange, 200, """
                {"runbooks":[{"name":"demo-web","protects":"demo-web","version":3,"source":"runbooks/demo-web.yaml"}],
                 "refused":["runbooks/shop.yaml:12:15 spec.failover[0].action: unknown action \\u001b[31mdns.swtich"]}"""));
        try {
            Result r = baran(apiAt(server), "runbooks");

            assertEquals(Baran.INVALID, r.status(), "a file was refused: " + r.out());
            assertEquals(
                    List.of(
                            "RUNBOOK   VERSION  PROTECTS                  SOURCE",
                            "demo-web  3        demo-web                  runbooks/demo-web.yaml",
                            "1 runbook file refused:",
                            "  runbooks/shop.yaml:12:15 spec.failover[0].action: unknown action ?[31mdns.swtich"),
                    r.out().lines().toList());
        } finally {
            server.stop(0);
        }
        assertUsage(baran("runbooks", "demo-web"), "runbooks takes no argument");
        assertEquals("no runbook served\n", ExecutionText.runbooks(JSON.readTree("{\"runbooks\":[],\"refused\":[]}")));
    }

    /** With --json the answer is the API's JSON, its control and format characters written as escapes. */
    @Test
    void jsonOutputEscapesWhatATerminalWouldActOnAndReadsBackTheSame() throws Exception {
        com.sun.net.httpserver.HttpServer server = serve("/api/runbooks", exchange -> Answers.json(exchange, 200, """
                {"runbooks":[],"refused":["a \\u001b[2J b \\u009b31m c \\u202egnp.exe d \\u007f e Łukasz"]}"""));
        try {
            Result r = baran(apiAt(server), "runbooks", "--json");
            for (int c : new int[] {0x1b, 0x9b, 0x202e, 0x7f}) {
                assertFalse(
                        r.out().contains(Character.toString(c)), "raw U+" + Integer.toHexString(c) + ": " + r.out());
            }
            assertTrue(r.out().contains("\\u001B[2J") && r.out().contains("\\u009B31m"), r.out());
            assertTrue(r.out().contains("\\u202Egnp.exe") && r.out().contains("\\u007F"), r.out());
            assertTrue(r.out().contains("Łukasz"), "other text as it is: " + r.out());
            assertEquals(
                    "a \u001b[2J b \u009b31m c \u202egnp.exe d \u007f e Łukasz",
                    JSON.readTree(r.out()).path("refused").get(0).asText(),
                    "the JSON reads back as the API sent it");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertEquals(Duration.ofMillis(200), OperatorCommand.duration("--every", "200ms"));
        assertEquals(Duration.ofSeconds(30), OperatorCommand.duration("--every", "30s"));
        assertEquals(Duration.ofMinutes(10), OperatorCommand.duration("--timeout", "10m"));
        assertEquals(Duration.ofHours(24), OperatorCommand.duration("--timeout", "24h"));
        assertEquals("1.2s", ExecutionText.duration(Duration.ofMillis(1234)));
        assertEquals("3m04s", ExecutionText.duration(Duration.ofSeconds(184)));
        assertEquals("2h05m", ExecutionText.duration(Duration.ofMinutes(125)));
    }

    /** A parameter's value goes as the kind its default has: the API refuses a number default set to text. */
    @Test
    void parameterValuesGoAsNumbersBooleansOrText() {
        assertEquals(30L, OperatorCommand.parameterValue("30").longValue());
        assertTrue(OperatorCommand.parameterValue("30").isIntegralNumber());
        assertEquals("1.5", OperatorCommand.parameterValue("1.5").textValue(), "parameters take whole numbers only");
        assertTrue(OperatorCommand.parameterValue("true").isBoolean());
        assertEquals("30", OperatorCommand.parameterValue("\"30\"").textValue());
        assertEquals(
                "shop.gcp.example.net",
                OperatorCommand.parameterValue("shop.gcp.example.net").textValue());
        assertEquals("007", OperatorCommand.parameterValue("007").textValue());
        assertEquals("1e3", OperatorCommand.parameterValue("1e3").textValue());
        assertEquals("", OperatorCommand.parameterValue("").textValue());
    }

    /** A server of the test's own on 127.0.0.1, answering under {@code path}; started. */
    private static com.sun.net.httpserver.HttpServer serve(String path, com.sun.net.httpserver.HttpHandler handler)
            throws java.io.IOException {
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(path, handler);
        server.start();
        return server;
    }

    /** The environment that points the commands at the server, with a token. */
    private static Map<String, String> apiAt(com.sun.net.httpserver.HttpServer server) {
        return Map.of("BARAN_URL", "http://127.0.0.1:" + server.getAddress().getPort(), "BARAN_TOKEN", "t0ken");
    }

    private static void assertUsage(Result r, String expected) {
        assertEquals(Baran.USAGE, r.status(), r.err());
        assertTrue(r.err().contains(expected), "expected \"" + expected + "\" in: " + r.err());
    }
}
