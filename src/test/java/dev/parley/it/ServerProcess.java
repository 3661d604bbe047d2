package dev.parley.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The test server's process, found through Linux's /proc by the port it listens on. */
final class ServerProcess {

    private final long pid;
    private final Set<Long> sockets;

    private ServerProcess(long pid, Set<Long> sockets) {
        this.pid = pid;
        this.sockets = sockets;
    }

    /** The process that listens on {@code port}. */
    static ServerProcess listeningOn(int port) throws IOException {
        long inode = listeningSocketsByInode().entrySet().stream().filter(e -> e.getValue() == port)
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("nothing listens on " + port));
        String wanted = "socket:[" + inode + "]";
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                Set<Long> sockets = socketsOf(process);
                if (sockets.contains(inode)) {
                    return new ServerProcess(Long.parseLong(process.getFileName().toString()), sockets);
                }
            }
        }
        throw new AssertionError("no process holds " + wanted);
    }

    /** The ports this process listens on. */
    Set<Integer> listeningPorts() throws IOException {
        Set<Integer> ports = new TreeSet<>();
        listeningSocketsByInode().forEach((inode, port) -> {
            if (sockets.contains(inode)) {
                ports.add(port);
            }
        });
        return ports;
    }

    /** Heap in use after a full collection, in bytes, read with {@code jcmd}. */
    long heapUsedAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new AssertionError("no heap figure in: " + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("jcmd " + command + " failed: " + output);
        }
        return output;
    }

    /** Listening TCP sockets, IPv4 and IPv6: inode to port. */
    private static Map<Long, Integer> listeningSocketsByInode() throws IOException {
        Map<Long, Integer> listening = new TreeMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals("0A")) { // TCP_LISTEN
                    String local = fields[1];
                    listening.put(Long.parseLong(fields[9]), Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
                }
            }
        }
        return listening;
    }

    private static Set<Long> socketsOf(Path process) {
        Set<Long> sockets = new HashSet<>();
        try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        sockets.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while we looked
                }
            }
        } catch (IOException | SecurityException notOurs) {
            return Set.of();
        }
        return sockets;
    }
}
