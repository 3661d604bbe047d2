package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server opens no port beyond what it needs: its HTTP listener, plus WildFly's management port,
 * which deploying needs and which is bound to loopback. Read from Linux's /proc, for the server's process.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExposureIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    @Test
    void theServerListensOnItsHttpPortOnly() throws IOException {
        Map<Long, Integer> listening = listeningSocketsByInode();
        long httpInode = listening.entrySet().stream().filter(e -> e.getValue() == base.getPort())
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("nothing listens on "
                        + base.getPort()));
        Set<Long> serverSockets = socketsOfProcessHolding(httpInode);
        Set<Integer> ports = new TreeSet<>();
        listening.forEach((inode, port) -> {
            if (serverSockets.contains(inode)) {
                ports.add(port);
            }
        });
        Set<Integer> expected = Deployments.onPayara() ? Set.of(base.getPort()) : Set.of(base.getPort(), 18289);
        assertEquals(new TreeSet<>(expected), ports, "ports the server listens on");
    }

    /** Listening TCP sockets (IPv4 and IPv6): inode to port. */
    private static Map<Long, Integer> listeningSocketsByInode() throws IOException {
        Map<Long, Integer> sockets = new TreeMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals("0A")) { // TCP_LISTEN
                    String local = fields[1];
                    int port = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                    sockets.put(Long.parseLong(fields[9]), port);
                }
            }
        }
        return sockets;
    }

    /** The socket inodes of the process that holds {@code inode}. */
    private static Set<Long> socketsOfProcessHolding(long inode) throws IOException {
        String wanted = "socket:[" + inode + "]";
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                Set<Long> sockets = new HashSet<>();
                boolean holds = false;
                try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
                    for (Path fd : fds.toList()) {
                        String target;
                        try {
                            target = Files.readSymbolicLink(fd).toString();
                        } catch (IOException closedMeanwhile) {
                            continue;
                        }
                        if (target.startsWith("socket:[")) {
                            sockets.add(Long.parseLong(target.substring(8, target.length() - 1)));
                            holds |= target.equals(wanted);
                        }
                    }
                } catch (IOException | SecurityException notOurs) {
                    continue;
                }
                if (holds) {
                    return sockets;
                }
            }
        }
        throw new AssertionError("no process holds " + wanted);
    }
}
