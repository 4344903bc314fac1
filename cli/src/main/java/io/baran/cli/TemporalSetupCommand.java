package io.baran.cli;

import io.baran.workflow.TemporalClients;
import io.baran.workflow.temporal.TemporalConnection;
import io.baran.workflow.temporal.TemporalSetup;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code baran temporal setup}: the one-shot set-up of a Temporal namespace for Baran, run once per namespace before
 * the services start (bin/local-stack does; in Kubernetes, a Job), with operator rights the services do not hold:
 * registers Baran's search attributes. {@code --check} only reports what is missing. It connects as the services do
 * (TemporalClients), from the same environment variables, so one set of TLS settings serves both.
 */
final class TemporalSetupCommand {

    /** Exit status when Temporal cannot be reached or refuses (no operator rights). */
    static final int UNREACHABLE = 3;

    /** How long the command waits for Temporal to answer queries by the attributes it registered (its cache's minute). */
    static final Duration USABLE_WITHIN = Duration.ofSeconds(90);

    static final String USAGE = """
                   baran temporal setup [--target HOST:PORT] [--namespace NAME] [--check]
                     Registers Baran's search attributes (BaranRunbook, BaranService, BaranMode, BaranPhase:
                     Keyword; BaranIncidents: KeywordList) in the Temporal namespace, once, before the services
                     start; needs operator rights on it; returns once Temporal answers queries by them (at most
                     90 s).
                     --check only lists the missing ones (exit 1 when one is).
                     Connection as the services': BARAN_TEMPORAL_TARGET (default 127.0.0.1:7233),
                     BARAN_TEMPORAL_NAMESPACE (default default), BARAN_TEMPORAL_TLS_ENABLED, _TLS_CERT,
                     _TLS_KEY, _TLS_CA, _TLS_SERVER_NAME (PEM files), BARAN_TEMPORAL_API_KEY.
                     Exit status: 0 done, 1 missing (--check), 2 on a usage error, 3 when Temporal cannot be
                     reached or refuses.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    TemporalSetupCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    int run(List<String> args) {
        String target = env.getOrDefault("BARAN_TEMPORAL_TARGET", "127.0.0.1:7233");
        String namespace = env.getOrDefault("BARAN_TEMPORAL_NAMESPACE", "default");
        boolean check = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--check" -> check = true;
                case "--target", "--namespace" -> {
                    if (i + 1 >= args.size()) {
                        return usage(arg + " needs a value");
                    }
                    if (arg.equals("--target")) {
                        target = args.get(++i);
                    } else {
                        namespace = args.get(++i);
                    }
                }
                default -> {
                    return usage("unknown option " + arg);
                }
            }
        }
        TemporalConnection connection;
        try {
            Optional<String> apiKey = value("BARAN_TEMPORAL_API_KEY");
            Optional<Path> cert = value("BARAN_TEMPORAL_TLS_CERT").map(Path::of);
            Optional<Path> ca = value("BARAN_TEMPORAL_TLS_CA").map(Path::of);
            boolean tls = value("BARAN_TEMPORAL_TLS_ENABLED")
                            .map(Boolean::parseBoolean)
                            .orElse(false)
                    || cert.isPresent()
                    || ca.isPresent()
                    || apiKey.isPresent();
            connection = new TemporalConnection(
                    target,
                    namespace,
                    new TemporalConnection.Tls(
                            tls,
                            cert,
                            value("BARAN_TEMPORAL_TLS_KEY").map(Path::of),
                            ca,
                            value("BARAN_TEMPORAL_TLS_SERVER_NAME")),
                    apiKey);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        OperatorServiceStubs operator;
        try {
            operator = TemporalClients.operatorStubs(connection);
        } catch (RuntimeException e) {
            err.println("baran: " + e.getMessage());
            return UNREACHABLE;
        }
        try {
            if (check) {
                List<String> missing = TemporalSetup.missing(operator, namespace);
                out.println(
                        missing.isEmpty()
                                ? "namespace " + namespace + " has Baran's search attributes"
                                : "namespace " + namespace + " lacks Baran's search attributes " + missing);
                return missing.isEmpty() ? Baran.OK : Baran.INVALID;
            }
            List<String> registered = TemporalSetup.register(operator, namespace);
            // Also when they were there already: a run after one that gave up waiting checks again.
            List<String> all = TemporalSetup.attributeNames();
            if (!awaitUsable(connection, namespace, all)) {
                err.println("baran: Temporal " + connection.describe() + " has search attributes " + all
                        + " in namespace " + namespace + " but does not answer queries by them after "
                        + USABLE_WITHIN.toSeconds() + " s; run this command again before the services start");
                return UNREACHABLE;
            }
            out.println(
                    registered.isEmpty()
                            ? "namespace " + namespace + " already has Baran's search attributes "
                                    + TemporalSetup.attributeNames()
                            : "registered search attributes " + registered + " in namespace " + namespace);
            return Baran.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("baran: interrupted");
            return UNREACHABLE;
        } catch (RuntimeException e) {
            err.println("baran: Temporal " + connection.describe() + " did not answer or refused: " + e.getMessage());
            return UNREACHABLE;
        } finally {
            operator.shutdownNow();
        }
    }

    /**
     * Waits (at most {@link #USABLE_WITHIN}) until Temporal answers queries by these attributes, so the services
     * started next are not refused one just registered while the server's cache still lacks it.
     */
    private static boolean awaitUsable(TemporalConnection connection, String namespace, List<String> names)
            throws InterruptedException {
        WorkflowServiceStubs workflows = TemporalClients.stubs(connection);
        try {
            return TemporalSetup.awaitUsable(workflows, namespace, names, USABLE_WITHIN);
        } finally {
            workflows.shutdownNow();
        }
    }

    private Optional<String> value(String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private int usage(String problem) {
        err.println("baran: " + problem);
        err.print(USAGE);
        return Baran.USAGE;
    }
}
