package io.baran.cli;

import io.baran.runbook.ActionCatalog;
import io.baran.runbook.ProviderCatalog;
import io.baran.runbook.RunbookDirectory;
import io.baran.runbook.RunbookError;
import io.baran.runbook.RunbookParser;
import io.baran.runbook.RunbookReference;
import io.baran.runbook.RunbookSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The {@code baran} command line. {@code baran lint runbooks/} checks runbooks with the orchestrator's own
 * parser and prints every error as {@code file:line:column path: message}; it exits 1 when there is one,
 * so a user's CI fails on a runbook the orchestrator would refuse. {@code baran audit verify} checks the
 * orchestrator's audit trail in PostgreSQL ({@link AuditVerifyCommand}); {@code baran temporal setup} prepares a
 * Temporal namespace ({@link TemporalSetupCommand}); {@code baran drill|plan|status|watch|approve|reject|readiness} call the
 * orchestrator's REST API ({@link OperatorCommand}) with the token {@code baran login} keeps ({@link LoginCommand}).
 */
public final class Baran {

    static final int OK = 0;
    static final int INVALID = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: baran lint [--providers FILE]... [--profile NAME] [--format text|github] PATH...
                     Checks the runbooks in the files and folders (*.yaml, *.yml, sub-folders included) as the
                     orchestrator does, printing every error as file:line:column path: message.
                     --providers FILE  properties naming the providers runbooks may use, as the services'
                                       application.properties do: baran.providers."aws-main".type=aws
                                       (without it, or when it names none, provider names are not checked)
                     --profile NAME    also read the keys of that profile (%NAME.baran.providers...), as the
                                       orchestrator run with QUARKUS_PROFILE=NAME does
                     --format github   errors as GitHub Actions annotations
                     Exit status: 0 when every runbook is valid, 1 when one is not, 2 on a usage error.
                   baran schema       prints the runbooks' JSON Schema (runbooks/runbook.schema.json)
                   baran reference    prints the runbook reference (docs/runbook-reference.md)
            """ + AuditVerifyCommand.USAGE + EvidenceVerifyCommand.USAGE
            + TemporalSetupCommand.USAGE + OperatorCommand.USAGE
            + LoginCommand.USAGE;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    /** Standard output is a terminal: {@code baran watch} redraws its view in place. */
    private final boolean terminal;
    /** Who logs in: this machine's browser, or a person a test plays. */
    private final LoginCommand.Person person;

    private final java.time.Clock clock;

    Baran(PrintStream out, PrintStream err) {
        this(out, err, System.getenv());
    }

    Baran(PrintStream out, PrintStream err, Map<String, String> env) {
        this(out, err, env, false);
    }

    Baran(PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {
        this(out, err, env, terminal, LoginCommand.desktop(env), java.time.Clock.systemUTC());
    }

    Baran(
            PrintStream out,
            PrintStream err,
            Map<String, String> env,
            boolean terminal,
            LoginCommand.Person person,
            java.time.Clock clock) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.terminal = terminal;
        this.person = person;
        this.clock = clock;
    }

    public static void main(String[] args) {
        // baran login's listener: a connection that starts a request and stalls is closed after 30 s (the JDK's server
        // reads each request on a thread of its own; this bounds how long one holds it).
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "30");
        }
        System.exit(new Baran(System.out, System.err, System.getenv(), System.console() != null).run(args));
    }

    int run(String... args) {
        if (args.length == 0 || List.of("help", "-h", "--help").contains(args[0])) {
            out.print(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        return switch (args[0]) {
            case "lint" -> lint(List.of(args).subList(1, args.length));
            case "schema" -> print(RunbookSchema.text(ActionCatalog.standard()));
            case "reference" -> print(RunbookReference.markdown(ActionCatalog.standard()));
            case "audit" ->
                args.length > 1 && args[1].equals("verify")
                        ? new AuditVerifyCommand(out, err, env)
                                .run(List.of(args).subList(2, args.length))
                        : usage("audit takes one command: baran audit verify");
            case "evidence" ->
                args.length > 1 && args[1].equals("verify")
                        ? new EvidenceVerifyCommand(out, err).run(List.of(args).subList(2, args.length))
                        : usage("evidence takes one command: baran evidence verify");
            case "temporal" ->
                args.length > 1 && args[1].equals("setup")
                        ? new TemporalSetupCommand(out, err, env)
                                .run(List.of(args).subList(2, args.length))
                        : usage("temporal takes one command: baran temporal setup");
            case "apply",
                    "runbooks",
                    "drill",
                    "plan",
                    "failover",
                    "list",
                    "status",
                    "watch",
                    "approve",
                    "reject",
                    "approve-incident",
                    "failback",
                    "abort",
                    "readiness" ->
                new OperatorCommand(out, err, env, terminal)
                        .run(args[0], List.of(args).subList(1, args.length));
            case "login", "logout", "whoami" ->
                new LoginCommand(out, err, env, clock, person)
                        .run(args[0], List.of(args).subList(1, args.length));
            default -> usage("unknown command \"" + args[0] + "\"");
        };
    }

    private int print(String text) {
        out.print(text);
        out.flush();
        return OK;
    }

    private int lint(List<String> args) {
        List<Path> paths = new ArrayList<>();
        List<Path> providerFiles = new ArrayList<>();
        String profile = null;
        boolean github = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--providers") || arg.equals("--format") || arg.equals("--profile")) {
                if (i + 1 >= args.size()) {
                    return usage(arg + " needs a value");
                }
                String value = args.get(++i);
                if (arg.equals("--providers")) {
                    providerFiles.add(Path.of(value));
                } else if (arg.equals("--profile")) {
                    profile = value;
                } else if (value.equals("github") || value.equals("text")) {
                    github = value.equals("github");
                } else {
                    return usage("--format is text or github, not \"" + value + "\"");
                }
            } else if (arg.startsWith("-")) {
                return usage("unknown option " + arg);
            } else {
                paths.add(Path.of(arg));
            }
        }
        if (paths.isEmpty()) {
            return usage("lint needs the runbook files or folders to check, e.g. baran lint runbooks/");
        }
        ProviderCatalog providers;
        try {
            providers = providers(providerFiles, profile);
        } catch (IOException e) {
            err.println("baran: cannot read the --providers file " + e.getMessage());
            return USAGE;
        } catch (IllegalArgumentException e) {
            err.println("baran: --providers: " + e.getMessage());
            return USAGE;
        }
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile)
                            .filter(RunbookDirectory::isYaml)
                            .sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    err.println("baran: cannot read " + path + ": " + e.getMessage());
                    return USAGE;
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                return usage(path + " is neither a file nor a folder");
            }
        }
        RunbookParser parser = new RunbookParser(ActionCatalog.standard(), providers);
        var loaded = new RunbookDirectory(parser).load(files);
        for (RunbookError error : loaded.errors()) {
            out.println(github ? annotation(error) : error.toString());
        }
        long badFiles =
                loaded.errors().stream().map(RunbookError::file).distinct().count();
        err.println(files.size() + (files.size() == 1 ? " file" : " files") + " checked"
                + (providers.checked()
                        ? ""
                        : providerFiles.isEmpty()
                                ? " (provider names not checked: no --providers)"
                                : " (provider names not checked: the --providers files name none"
                                        + (profile == null ? ", without --profile" : " for profile " + profile)
                                        + ")")
                + ": "
                + (loaded.errors().isEmpty()
                        ? "every runbook is valid"
                        : loaded.errors().size() + (loaded.errors().size() == 1 ? " error" : " errors") + " in "
                                + badFiles + (badFiles == 1 ? " file" : " files")));
        out.flush();
        return loaded.errors().isEmpty() ? OK : INVALID;
    }

    /**
     * The providers the files name, read as the orchestrator reads its configuration: a key of {@code profile}
     * ({@code %local.baran.providers...}) over the same key without one, other profiles' keys ignored; none named
     * means provider names are not checked, as in the orchestrator.
     */
    static ProviderCatalog providers(List<Path> files, String profile) throws IOException {
        if (files.isEmpty()) {
            return ProviderCatalog.UNCHECKED;
        }
        Properties read = new Properties();
        for (Path file : files) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                read.load(in);
            }
        }
        Properties properties = new Properties();
        for (String key : read.stringPropertyNames()) {
            if (!key.startsWith("%")) {
                properties.setProperty(key, read.getProperty(key));
            }
        }
        String prefix = profile == null ? null : "%" + profile + ".";
        for (String key : read.stringPropertyNames()) {
            if (prefix != null && key.startsWith(prefix)) {
                properties.setProperty(key.substring(prefix.length()), read.getProperty(key));
            }
        }
        ProviderCatalog catalog = ProviderCatalog.fromProperties(properties);
        return catalog.all().isEmpty() ? ProviderCatalog.UNCHECKED : catalog;
    }

    /** An error as a GitHub Actions workflow command, which shows it on the line of the pull request's diff. */
    private static String annotation(RunbookError error) {
        StringBuilder out = new StringBuilder("::error file=").append(error.file());
        if (error.line() > 0) {
            out.append(",line=").append(error.line()).append(",col=").append(error.column());
        }
        String message = (error.path() == null || error.path().isEmpty() ? "" : error.path() + ": ") + error.message();
        return out.append("::")
                .append(message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
                .toString();
    }

    private int usage(String problem) {
        err.println("baran: " + problem);
        err.print(USAGE_TEXT);
        return USAGE;
    }
}
