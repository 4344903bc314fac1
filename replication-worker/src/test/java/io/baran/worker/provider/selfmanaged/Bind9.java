package io.baran.worker.provider.selfmanaged;

import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;
import io.baran.worker.provider.RecordState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real BIND 9 name server for a test: {@code named} in the foreground on 127.0.0.1 and a free port,
 * serving one zone that takes RFC 2136 updates signed with a fresh {@code tsig-keygen} hmac-sha256 key.
 * Records are set and read with BIND's own tools ({@code nsupdate}, {@code dig}), never with Baran's code.
 */
final class Bind9 implements AutoCloseable {

    static final String KEY_NAME = "baran-test";
    private static final Pattern SECRET = Pattern.compile("secret \"([^\"]+)\"");

    private final Path dir;
    private final int port;
    private final String secret;
    private final LocalProcess named;

    private Bind9(Path dir, int port, String secret, LocalProcess named) {
        this.dir = dir;
        this.port = port;
        this.secret = secret;
        this.named = named;
    }

    static Bind9 start(Path dir, String zone) {
        try {
            Files.createDirectories(dir);
            Path keygen = sbin("tsig-keygen");
            String key = run(dir, List.of(keygen.toString(), "-a", "hmac-sha256", KEY_NAME));
            Matcher m = SECRET.matcher(key);
            if (!m.find()) {
                throw new IllegalStateException("tsig-keygen printed no secret: " + key);
            }
            Files.writeString(dir.resolve("key.conf"), key);
            int port = Ports.free();
            Files.writeString(
                    dir.resolve(zone + ".zone"),
                    String.join(
                            "\n",
                            "$TTL 300",
                            "@ IN SOA ns." + zone + ". hostmaster." + zone + ". ( 1 3600 600 86400 60 )",
                            "@ IN NS ns." + zone + ".",
                            "ns IN A 127.0.0.1",
                            ""));
            Files.writeString(
                    dir.resolve("named.conf"),
                    String.join(
                            "\n",
                            "include \"" + dir.resolve("key.conf") + "\";",
                            "options {",
                            "  directory \"" + dir + "\";",
                            "  pid-file \"" + dir.resolve("named.pid") + "\";",
                            "  session-keyfile \"" + dir.resolve("session.key") + "\";",
                            "  listen-on port " + port + " { 127.0.0.1; };",
                            "  listen-on-v6 { none; };",
                            "  recursion no;",
                            "  dnssec-validation no;",
                            "};",
                            "controls { };",
                            "zone \"" + zone + "\" { type primary; file \"" + dir.resolve(zone + ".zone") + "\";"
                                    + " allow-update { key \"" + KEY_NAME + "\"; }; };",
                            ""));
            Path namedBin = sbin("named");
            LocalProcess named = LocalProcess.start(
                    "named",
                    List.of(
                            namedBin.toString(),
                            "-g",
                            "-n",
                            "1",
                            "-c",
                            dir.resolve("named.conf").toString()),
                    dir,
                    Map.of());
            named.awaitPort(port, Duration.ofSeconds(30));
            return new Bind9(dir, port, m.group(1), named);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A BIND program: on PATH, or in /usr/sbin, which is not on every user's PATH. */
    private static Path sbin(String program) {
        return Tools.onPath(program)
                .or(() -> Optional.of(Path.of("/usr/sbin", program)).filter(Files::isExecutable))
                .orElseThrow(() -> new IllegalStateException(program + " is not installed: apt-get install -y bind9"));
    }

    int port() {
        return port;
    }

    /** The base64 TSIG secret, as the worker reads it from its environment. */
    String secret() {
        return secret;
    }

    /** Sets a record set with nsupdate, as an operator would by hand. */
    void set(String fqdn, String type, List<String> values, long ttl) {
        List<String> script =
                new ArrayList<>(List.of("server 127.0.0.1 " + port, "update delete " + fqdn + " " + type));
        values.forEach(v -> script.add("update add " + fqdn + " " + ttl + " " + type + " " + v));
        script.add("send");
        nsupdate(script);
    }

    void delete(String fqdn, String type) {
        nsupdate(List.of("server 127.0.0.1 " + port, "update delete " + fqdn + " " + type, "send"));
    }

    private void nsupdate(List<String> script) {
        try {
            Path file = Files.createTempFile(dir, "nsupdate-", ".txt");
            Files.writeString(file, String.join("\n", script) + "\n");
            Path bin = Tools.find("nsupdate", "BARAN_NSUPDATE_BIN", "apt-get install -y dnsutils");
            run(dir, List.of(bin.toString(), "-v", "-k", dir.resolve("key.conf").toString(), file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code dig} sees: the record set's values and TTL, or absent. */
    RecordState dig(String fqdn, String type) {
        Path bin = Tools.find("dig", "BARAN_DIG_BIN", "apt-get install -y dnsutils");
        String out = run(
                dir,
                List.of(
                        bin.toString(),
                        "@127.0.0.1",
                        "-p",
                        String.valueOf(port),
                        "+tcp",
                        "+norecurse",
                        "+noall",
                        "+answer",
                        fqdn,
                        type));
        List<String> values = new ArrayList<>();
        long ttl = 0;
        for (String line : out.split("\n")) {
            String[] columns = line.trim().split("\\s+", 5);
            if (columns.length == 5 && columns[0].equalsIgnoreCase(fqdn) && columns[3].equals(type)) {
                values.add(columns[4].trim());
                ttl = Long.parseLong(columns[1]);
            }
        }
        return values.isEmpty() ? RecordState.absent() : RecordState.present(values, ttl);
    }

    private static String run(Path dir, List<String> command) {
        try {
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish within 20 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command) + " exited with " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        named.close();
    }
}
