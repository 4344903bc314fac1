package io.baran.detector.probe;

import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;
import io.baran.testinfra.WorkDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A real BIND9 ({@code named}) on 127.0.0.1 and a free port, authoritative for one zone written by the test. */
final class Bind9 implements AutoCloseable {

    private final int port;
    private final LocalProcess process;

    private Bind9(int port, LocalProcess process) {
        this.port = port;
        this.process = process;
    }

    /** @param zone the zone file's records, after the SOA and NS records this writes */
    static Bind9 serve(String origin, String zone) {
        Path named = Tools.onPath("named")
                .or(() -> Files.isExecutable(Path.of("/usr/sbin/named"))
                        ? java.util.Optional.of(Path.of("/usr/sbin/named"))
                        : java.util.Optional.empty())
                .orElseThrow(
                        () -> new IllegalStateException("named is not installed: apt-get install -y bind9 dnsutils"));
        Path dir = WorkDirs.create("bind9").toAbsolutePath();
        int port = Ports.free();
        try {
            Files.writeString(
                    dir.resolve("zone.db"),
                    String.join(
                            "\n",
                            "$TTL 60",
                            "@ IN SOA ns." + origin + ". admin." + origin + ". 1 60 60 600 60",
                            "@ IN NS ns." + origin + ".",
                            "ns IN A 127.0.0.1",
                            zone,
                            ""));
            Files.writeString(
                    dir.resolve("named.conf"),
                    String.join(
                            "\n",
                            "options {",
                            "  directory \"" + dir + "\";",
                            "  listen-on port " + port + " { 127.0.0.1; };",
                            "  listen-on-v6 { none; };",
                            "  pid-file \"" + dir.resolve("named.pid") + "\";",
                            "  session-keyfile \"" + dir.resolve("session.key") + "\";",
                            "  recursion no;",
                            "  allow-query { any; };",
                            "  dnssec-validation no;",
                            "};",
                            "controls { };",
                            "zone \"" + origin + "\" { type primary; file \"" + dir.resolve("zone.db") + "\"; };",
                            ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalProcess process = LocalProcess.start(
                "named",
                List.of(named.toString(), "-g", "-c", dir.resolve("named.conf").toString()),
                dir,
                Map.of());
        process.awaitPort(port, Duration.ofSeconds(30));
        return new Bind9(port, process);
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        process.close();
    }
}
