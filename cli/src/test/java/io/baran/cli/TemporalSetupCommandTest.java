package io.baran.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.Ports;
import io.baran.testinfra.TemporalDevServer;
import io.baran.testinfra.WorkDirs;
import io.baran.workflow.SearchAttributes;
import io.baran.workflow.TemporalClients;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code baran temporal setup} against the real dev server, started as a fresh cluster without Baran's attributes. */
class TemporalSetupCommandTest {

    private static TemporalDevServer temporal;

    private record Result(int status, String out, String err) {}

    @BeforeAll
    static void start() {
        temporal = TemporalDevServer.startWithoutSearchAttributes(WorkDirs.create("temporal-setup"));
    }

    @AfterAll
    static void stop() {
        if (temporal != null) {
            temporal.close();
        }
    }

    @Test
    void registersTheMissingSearchAttributesOnceAndChecksThem() {
        Map<String, String> env = Map.of("BARAN_TEMPORAL_TARGET", temporal.target());
        Result before = run(env, "--check");
        assertEquals(1, before.status(), before.toString());
        assertEquals(
                "namespace default lacks Baran's search attributes [BaranRunbook, BaranService, BaranMode, BaranPhase, BaranIncidents]\n",
                before.out());

        Result setup = run(env);
        assertEquals(0, setup.status(), setup.toString());
        assertEquals(
                "registered search attributes [BaranRunbook, BaranService, BaranMode, BaranPhase, BaranIncidents] in namespace default\n",
                setup.out());

        // Set-up returned: a start that sets every attribute at once is taken (the server reads them from a cache;
        // without the command's wait for them, this start came within the cache's lag and was refused).
        assertStartsWithEveryAttribute();

        Result again = run(Map.of(), "--target", temporal.target());
        assertEquals(0, again.status(), again.toString());
        assertTrue(again.out().startsWith("namespace default already has Baran's search attributes"), again.out());
        assertEquals(0, run(env, "--check").status());
    }

    @Test
    void aTemporalThatDoesNotAnswerIsReportedAsSuch() {
        Result down = run(Map.of("BARAN_TEMPORAL_TARGET", "127.0.0.1:" + Ports.free()), "--check");
        assertEquals(TemporalSetupCommand.UNREACHABLE, down.status(), down.toString());
        assertTrue(down.err().contains("did not answer or refused"), down.err());
    }

    @Test
    void anApiKeyWithoutTlsIsNeverSentAndBadOptionsAreUsageErrors() {
        assertEquals(Baran.USAGE, run(Map.of(), "--bogus").status());
        Result key = run(Map.of("BARAN_TEMPORAL_API_KEY", "k", "BARAN_TEMPORAL_TLS_CERT", "/nope.pem"), "--check");
        assertEquals(Baran.USAGE, key.status(), key.toString());
        assertTrue(key.err().contains("go together"), key.err());
    }

    private static void assertStartsWithEveryAttribute() {
        WorkflowServiceStubs stubs = TemporalClients.stubs(temporal.target());
        try {
            WorkflowClient client = TemporalClients.client(stubs, "default");
            WorkflowStub probe = client.newUntypedWorkflowStub(
                    "SetupProbe",
                    WorkflowOptions.newBuilder()
                            .setWorkflowId("setup-probe")
                            .setTaskQueue("nobody-polls-this")
                            .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
                                    .set(SearchAttributes.RUNBOOK, "r")
                                    .set(SearchAttributes.SERVICE, "s")
                                    .set(SearchAttributes.MODE, "failover")
                                    .set(SearchAttributes.PHASE, "started")
                                    .set(SearchAttributes.INCIDENTS, List.of("i"))
                                    .build())
                            .build());
            assertEquals("setup-probe", probe.start().getWorkflowId());
            probe.terminate("set-up probe");
        } finally {
            stubs.shutdownNow();
        }
    }

    private static Result run(Map<String, String> env, String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "temporal";
        args[1] = "setup";
        System.arraycopy(options, 0, args, 2, options.length);
        BaranRun r = BaranRun.of(env, args);
        return new Result(r.status(), r.out(), r.err());
    }
}
