package io.baran.worker.provider.aws;

import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A moto server started through {@code moto_rds_promote_as_aws.py}: moto itself, with its promotion of
 * read replicas corrected to clear the replica's source as RDS does (see the script).
 */
final class MotoWithRdsPromotion implements AutoCloseable {

    private final int port;
    private final LocalProcess process;

    private MotoWithRdsPromotion(int port, LocalProcess process) {
        this.port = port;
        this.process = process;
    }

    static MotoWithRdsPromotion start(Path dir) {
        try (InputStream script = MotoWithRdsPromotion.class.getResourceAsStream("/moto_rds_promote_as_aws.py")) {
            Files.createDirectories(dir);
            Path launcher = dir.resolve("moto_rds_promote_as_aws.py");
            Files.copy(script, launcher, StandardCopyOption.REPLACE_EXISTING);
            Path python = Tools.find("python3", "BARAN_PYTHON_BIN", "install Python 3 with moto: pip install \"moto[server]\"");
            int port = Ports.free();
            LocalProcess process = LocalProcess.start("moto-rds", List.of(python.toString(), launcher.toString(),
                    "-H", "127.0.0.1", "-p", String.valueOf(port)), dir, Map.of());
            process.awaitPort(port, Duration.ofSeconds(60));
            return new MotoWithRdsPromotion(port, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.close();
    }
}
