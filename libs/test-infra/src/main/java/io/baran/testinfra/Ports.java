package io.baran.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1, so tests never collide with a running local stack.
 *
 * <p>Taken below the kernel's ephemeral range (Linux: 32768 to 60999), where outgoing connections take their source
 * ports: a port the system handed out as free (bind to 0) could be taken by the next outgoing connection before the
 * server started for it binds it (a Temporal dev server failed to start so, "address already in use"). A port is
 * handed out once per JVM.
 */
public final class Ports {

    private static final int LOWEST = 20_000;
    private static final int TRIES = 200;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private Ports() {}

    public static int free() {
        int highest = Math.min(ephemeralLow(), 32_768);
        for (int i = 0; i < TRIES && highest > LOWEST; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest);
            if (GIVEN.add(port) && bindable(port)) {
                return port;
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            GIVEN.add(s.getLocalPort());
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range; Linux's default where it cannot be read. */
    static int ephemeralLow() {
        // Read line by line: Files.readString of this procfs file (size 0) returned only its first byte.
        try (var lines = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = lines.readLine().trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }
}
