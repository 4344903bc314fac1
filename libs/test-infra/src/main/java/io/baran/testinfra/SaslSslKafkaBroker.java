package io.baran.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real single-node Kafka broker (KRaft, from the jars of {@code infra/kafka-dist}) whose only client listener is
 * SASL_SSL: SCRAM-SHA-512 over TLS with a certificate made for the run (keytool; trusted through
 * {@link #truststore()}), and the StandardAuthorizer enforcing ACLs, nothing allowed without one. Its SCRAM users
 * are written when the storage is formatted; {@value #ADMIN} is the only super user (it creates topics and ACLs).
 * Always a local process: the container path has no such broker.
 *
 * <p>The controller listener (its own port, on the loopback) is PLAINTEXT, and its anonymous principal a super user,
 * which is what the combined broker-controller needs to talk to itself; clients use {@link #bootstrapServers()}.
 */
public final class SaslSslKafkaBroker implements AutoCloseable {

    /** The super user's name. */
    public static final String ADMIN = "admin";

    private final int port;
    private final Path truststore;
    private final String storePassword;
    private final String adminPassword;
    private final LocalProcess process;

    private SaslSslKafkaBroker(
            int port, Path truststore, String storePassword, String adminPassword, LocalProcess process) {
        this.port = port;
        this.truststore = truststore;
        this.storePassword = storePassword;
        this.adminPassword = adminPassword;
        this.process = process;
    }

    /**
     * Starts the broker with these SCRAM-SHA-512 users (name to password) besides {@value #ADMIN}.
     *
     * @param workDir its certificate, configuration, data and log
     */
    public static SaslSslKafkaBroker start(Path workDir, Map<String, String> users) {
        int port = Ports.free();
        int controller = Ports.free();
        String storePassword = secret();
        String adminPassword = secret();
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path keystore = workDir.resolve("broker.p12");
        Path truststore = workDir.resolve("truststore.p12");
        makeCertificate(workDir, keystore, truststore, storePassword);
        List<String> config = List.of(
                "listeners=SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=SASL_SSL://127.0.0.1:" + port,
                "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=SASL_SSL",
                "sasl.enabled.mechanisms=SCRAM-SHA-512",
                "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=" + jaas(ADMIN, adminPassword),
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + keystore,
                "ssl.keystore.password=" + storePassword,
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + truststore,
                "ssl.truststore.password=" + storePassword,
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found=false",
                "super.users=User:" + ADMIN + ";User:ANONYMOUS",
                // Topics are made by the admin (or by a client holding CREATE), never by a mere metadata request.
                "auto.create.topics.enable=false");
        // The SCRAM users are written with the storage, so they exist before the broker takes its first client.
        List<String> scram = new ArrayList<>();
        Map<String, String> all = new LinkedHashMap<>(users);
        all.put(ADMIN, adminPassword);
        all.forEach((name, password) -> {
            scram.add("--add-scram");
            scram.add("SCRAM-SHA-512=[name=" + name + ",password=" + password + "]");
        });
        LocalProcess broker = KafkaBroker.run(workDir, port, controller, config, scram);
        return new SaslSslKafkaBroker(port, truststore, storePassword, adminPassword, broker);
    }

    /** A self-signed certificate for 127.0.0.1 in the broker's keystore, and the same certificate as the clients' trust. */
    private static void makeCertificate(Path workDir, Path keystore, Path truststore, String password) {
        String keytool = Tools.javaExecutable().resolveSibling("keytool").toString();
        Path cert = workDir.resolve("broker.crt");
        run(
                workDir,
                "keytool-genkeypair",
                keytool,
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password,
                "-keypass",
                password);
        run(
                workDir,
                "keytool-export",
                keytool,
                "-exportcert",
                "-rfc",
                "-alias",
                "broker",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password,
                "-file",
                cert.toString());
        run(
                workDir,
                "keytool-import",
                keytool,
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                cert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                truststore.toString(),
                "-storepass",
                password);
    }

    private static void run(Path workDir, String name, String... command) {
        LocalProcess.start(name, List.of(command), workDir, Map.of()).awaitExit(Duration.ofSeconds(60));
    }

    private static String secret() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The PKCS#12 file that holds the broker's certificate, for {@code ssl.truststore.location}. */
    public Path truststore() {
        return truststore;
    }

    /**
     * What a Kafka client needs to connect as this user (without bootstrap servers): SASL_SSL, SCRAM-SHA-512, the
     * JAAS line and the truststore. Prefix each key with {@code kafka.} for a Quarkus service.
     */
    public Map<String, String> clientProperties(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_SSL",
                "sasl.mechanism",
                "SCRAM-SHA-512",
                "sasl.jaas.config",
                jaas(user, password),
                "ssl.truststore.type",
                "PKCS12",
                "ssl.truststore.location",
                truststore.toString(),
                "ssl.truststore.password",
                storePassword);
    }

    /** The super user's client settings: it may create topics and ACLs. */
    public Map<String, String> adminProperties() {
        return clientProperties(ADMIN, adminPassword);
    }

    @Override
    public void close() {
        process.close();
    }
}
