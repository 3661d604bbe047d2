package dev.parley.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for the servers the tests start (Redis, nodes, nginx, proxies), drawn below the range the
 * kernel takes outgoing connections' source ports from. A port of that range, free when probed, can be
 * taken by any outgoing connection before the server binds it, or while a restarted server is down; and a
 * client polling such a port before anything listens there can even connect to itself.
 */
public final class FreePorts {

    /** Above the fixed ports of the tests' own servers (18210, 18280, 18289) and the benchmark's (18480-18483). */
    private static final int FROM = 20_000;

    private FreePorts() {
    }

    /** The first port of the kernel's ephemeral range (Linux's {@code ip_local_port_range}; else the usual 32768). */
    public static int ephemeralFrom() {
        try {
            // read by lines: a /proc file claims size 0, and readString took only its first byte
            int from = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0).trim().split("\\s+")[0]);
            return from > FROM + 1_000 ? from : 32_768; // an odd range: keep to the usual one
        } catch (IOException | RuntimeException notLinux) {
            return 32_768;
        }
    }

    /** A port in {@code [from, to)} drawn at random, not probed: for a caller that binds it itself and retries. */
    public static int candidate(int from, int to) {
        return ThreadLocalRandom.current().nextInt(from, to);
    }

    /** A random port below the ephemeral range, not probed. */
    public static int candidate() {
        return candidate(FROM, ephemeralFrom());
    }

    /** A port below the ephemeral range that was free on loopback a moment ago. */
    public static int next() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = candidate();
            if (isFree(port)) {
                return port;
            }
        }
        throw new IOException("no free loopback port below " + ephemeralFrom());
    }

    public static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
