package io.baran.cli;

import io.baran.audit.AuditLogReader;
import io.baran.audit.Verification;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code baran audit verify}: reads the orchestrator's audit trail straight from PostgreSQL and recomputes its hash
 * chain with the orchestrator's own code (libs/audit-chain), so the check does not depend on the service it checks.
 * Read access is all it needs: run it as a role with SELECT on audit_log.
 */
final class AuditVerifyCommand {

    static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/baran";
    static final String DEFAULT_USER = "baran";
    /** Exit status when the trail cannot be read (connection refused, wrong password, no such table). */
    static final int UNREADABLE = 3;

    static final String USAGE = """
                   baran audit verify [--jdbc-url URL] [--user NAME]
                     Reads the audit trail from PostgreSQL and recomputes its hash chain: prints
                     "audit chain intact: N rows" (and its head, worth keeping elsewhere: the chain alone cannot
                     show rows removed from its end) or "audit chain broken at row ID: why".
                     --jdbc-url URL  default jdbc:postgresql://127.0.0.1:5432/baran (the local stack's)
                     --user NAME     default baran; the password from BARAN_AUDIT_PASSWORD, else PGPASSWORD
                     Exit status: 0 intact, 1 broken, 2 on a usage error, 3 when the trail cannot be read.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    AuditVerifyCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    int run(List<String> args) {
        String url = DEFAULT_JDBC_URL;
        String user = DEFAULT_USER;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--jdbc-url") || arg.equals("--user")) {
                if (i + 1 >= args.size()) {
                    return usage(arg + " needs a value");
                }
                String value = args.get(++i);
                if (arg.equals("--jdbc-url")) {
                    url = value;
                } else {
                    user = value;
                }
            } else {
                return usage("unknown option " + arg
                        + (arg.startsWith("--api") || arg.startsWith("--token")
                                ? " (only the database can be verified directly for now: --jdbc-url)"
                                : ""));
            }
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            return usage("--jdbc-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), not "
                    + shown(url));
        }
        Properties properties = new Properties();
        properties.setProperty("user", user);
        String password = firstSet("BARAN_AUDIT_PASSWORD", "PGPASSWORD");
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("readOnly", "true");
        properties.setProperty("ApplicationName", "baran audit verify");
        Verification verification;
        try (Connection c = DriverManager.getConnection(url, properties)) {
            verification = AuditLogReader.verify(c);
        } catch (SQLException e) {
            err.println("baran: cannot read the audit trail at " + shown(url) + " as " + user + ": " + e.getMessage());
            return UNREADABLE;
        }
        out.println(verification.summary());
        if (verification.headId() != null) {
            out.println((verification.intact() ? "head: row " : "last intact row: ") + verification.headId() + " "
                    + verification.head());
        }
        out.flush();
        return verification.intact() ? Baran.OK : Baran.INVALID;
    }

    /**
     * The URL as messages show it: without its query or fragment, where a password or token may be ({@code
     * ?password=...}; the PostgreSQL driver takes it there), and without anything before an {@code @} of its authority.
     */
    static String shown(String url) {
        String shown = url.replaceFirst("[?#].*", "...");
        return shown.replaceFirst("//[^/@]*@", "//...@");
    }

    private String firstSet(String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }

    private int usage(String problem) {
        err.println("baran: " + problem);
        err.print(USAGE);
        return Baran.USAGE;
    }
}
