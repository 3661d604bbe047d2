package dev.parley.chat.bus.redis;

import dev.parley.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of the test's own: masters only (redis-server with {@code --cluster-enabled yes},
 * without persistence) on free loopback ports, joined by {@code redis-cli --cluster create}, each stopped by
 * its PID.
 */
public final class RedisClusterProcess implements AutoCloseable {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    private final Path dir;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private RedisClusterProcess(Path dir) {
        this.dir = dir;
    }

    public static RedisClusterProcess start(int masters) throws IOException, InterruptedException {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < masters) {
            int port = clusterPort();
            if (!ports.contains(port)) {
                ports.add(port);
            }
        }
        RedisClusterProcess cluster = new RedisClusterProcess(
                Files.createDirectories(Path.of("target", "redis-cluster-" + ports.get(0)).toAbsolutePath()));
        try {
            for (int port : ports) {
                cluster.launch(port);
            }
            cluster.create();
            cluster.awaitOk();
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** A free port whose cluster bus port (itself + 10000) is free too, both below the ephemeral range. */
    private static int clusterPort() throws IOException {
        for (int tries = 0; tries < 100; tries++) {
            int port = FreePorts.candidate(10_000, FreePorts.ephemeralFrom() - 10_000);
            if (FreePorts.isFree(port) && FreePorts.isFree(port + 10_000)) {
                return port;
            }
        }
        throw new IOException("no free pair of loopback ports for a cluster node");
    }

    private void launch(int port) throws IOException, InterruptedException {
        Path node = Files.createDirectories(dir.resolve("node-" + port));
        Files.deleteIfExists(node.resolve("nodes.conf")); // a node that finds one joins the cluster it remembers
        List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", node.toString(), "--cluster-enabled", "yes",
                "--cluster-config-file", node.resolve("nodes.conf").toString(), "--cluster-node-timeout", "5000");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(node.resolve("redis.log").toFile())).start();
        ports.add(port);
        processes.add(process);
        Instant deadline = Instant.now().plus(WITHIN);
        while (!"PONG".equals(tryCommand(port, "PING"))) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + "; see " + node);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("redis-server on port " + port + " did not answer PING within " + WITHIN);
            }
            Thread.sleep(50);
        }
    }

    private void create() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        ports.forEach(port -> command.add("127.0.0.1:" + port));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Path log = dir.resolve("create.log");
        Process create = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        if (!create.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            create.destroyForcibly();
            throw new IOException("redis-cli --cluster create did not finish within " + WITHIN + "; see " + log);
        }
        if (create.exitValue() != 0) {
            throw new IOException("redis-cli --cluster create failed: " + Files.readString(log));
        }
    }

    /** Until every node says the cluster is ok, knows every node, and sees every slot where the others do. */
    private void awaitOk() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        while (!isOk()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("the cluster was not ok within " + WITHIN + ": " + command(ports.get(0), "CLUSTER", "INFO"));
            }
            Thread.sleep(100);
        }
    }

    private boolean isOk() throws IOException {
        String slots = null;
        for (int port : ports) {
            String info = (String) command(port, "CLUSTER", "INFO");
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:16384")
                    || !info.contains("cluster_known_nodes:" + ports.size())) {
                return false;
            }
            String seen = slotOwners(port);
            if (slots != null && !slots.equals(seen)) {
                return false;
            }
            slots = seen;
        }
        return true;
    }

    /** The nodes' seeds, as {@code parley.redis.uri} takes them. */
    public String uri() {
        return RedisLink.CLUSTER + "://" + ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    public int slotOf(String key) throws IOException {
        return ((Long) command(ports.get(0), "CLUSTER", "KEYSLOT", key)).intValue();
    }

    /** The port of the master that serves the key's slot. */
    public int ownerOf(String key) throws IOException {
        return ownerOf(slotOf(key));
    }

    public int ownerOf(int slot) throws IOException {
        for (Object range : (List<?>) command(ports.get(0), "CLUSTER", "SLOTS")) {
            List<?> r = (List<?>) range;
            if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                return ((Long) ((List<?>) r.get(2)).get(1)).intValue();
            }
        }
        throw new IOException("no node serves slot " + slot);
    }

    /** How many subscribers the sharded channel has on the master of its slot. */
    public long shardSubscribers(String channel) throws IOException {
        return RedisProcess.shardSubscribers(ownerOf(channel), channel);
    }

    public Object command(int port, String... args) throws IOException {
        return RedisProcess.command(port, args);
    }

    /**
     * Moves a slot, with its keys, to the master on {@code port}, as resharding does: importing and
     * migrating, MIGRATE of its keys, then the new owner told to every node (itself first).
     */
    public void moveSlot(int slot, int port) throws IOException, InterruptedException {
        int source = ownerOf(slot);
        String sourceId = (String) command(source, "CLUSTER", "MYID");
        String targetId = (String) command(port, "CLUSTER", "MYID");
        String s = Integer.toString(slot);
        command(port, "CLUSTER", "SETSLOT", s, "IMPORTING", sourceId);
        command(source, "CLUSTER", "SETSLOT", s, "MIGRATING", targetId);
        while (true) {
            List<?> keys = (List<?>) command(source, "CLUSTER", "GETKEYSINSLOT", s, "100");
            if (keys.isEmpty()) {
                break;
            }
            List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(port), "", "0", "5000",
                    "KEYS"));
            keys.forEach(key -> migrate.add((String) key));
            command(source, migrate.toArray(String[]::new));
        }
        command(port, "CLUSTER", "SETSLOT", s, "NODE", targetId);
        command(source, "CLUSTER", "SETSLOT", s, "NODE", targetId);
        for (int other : ports) {
            if (other != port && other != source) {
                command(other, "CLUSTER", "SETSLOT", s, "NODE", targetId);
            }
        }
        awaitOk();
    }

    /** Each slot range with its master's port, as one node sees them. */
    private static String slotOwners(int port) throws IOException {
        return ((List<?>) RedisProcess.command(port, "CLUSTER", "SLOTS")).stream().map(range -> (List<?>) range)
                .map(r -> r.get(0) + "-" + r.get(1) + "@" + ((List<?>) r.get(2)).get(1)).sorted()
                .collect(Collectors.joining(","));
    }

    private static Object tryCommand(int port, String... args) {
        try {
            return RedisProcess.command(port, args);
        } catch (IOException notYet) {
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes) {
            process.destroy(); // SIGTERM to its PID
        }
        for (Process process : processes) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
