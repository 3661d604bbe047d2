package dev.parley.chat.bus.redis;

import dev.parley.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Sentinel of the test's own, alone (quorum 1), watching one master on loopback, stopped by its
 * PID. {@code parley.redis.uri} reaches the master through it as {@link #uri()}.
 */
final class SentinelProcess implements AutoCloseable {

    static final String MASTER = "parley";

    final int port;
    private final Process process;

    private SentinelProcess(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** Watching the Redis on {@code masterPort}; it says the master is down after {@code downAfter}, and fails over. */
    static SentinelProcess watching(int masterPort, Duration downAfter) throws Exception {
        int port = FreePorts.next();
        Path dir = Files.createDirectories(Path.of("target", "sentinel-" + port).toAbsolutePath());
        Path config = dir.resolve("sentinel.conf"); // a sentinel rewrites its own configuration file
        List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir,
                "sentinel monitor " + MASTER + " 127.0.0.1 " + masterPort + " 1",
                "sentinel down-after-milliseconds " + MASTER + " " + downAfter.toMillis(),
                "sentinel failover-timeout " + MASTER + " 10000", ""));
        Files.writeString(config, String.join("\n", lines));
        Process process = new ProcessBuilder(List.of("redis-server", config.toString(), "--sentinel"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start();
        SentinelProcess sentinel = new SentinelProcess(port, process);
        sentinel.awaitMaster(masterPort, Duration.ofSeconds(10));
        return sentinel;
    }

    String uri() {
        return "redis-sentinel://127.0.0.1:" + port + "/0#" + MASTER;
    }

    /** The port of the master the sentinel names; -1 while it answers nothing yet. */
    int masterPort() throws IOException {
        try {
            if (RedisProcess.command(port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER) instanceof List<?> address) {
                return Integer.parseInt((String) address.get(1));
            }
        } catch (IOException notYet) {
            // not listening yet
        }
        return -1;
    }

    /** Until the sentinel names the master on {@code masterPort}: it answers once it has read its configuration, and names the new one once it failed over. */
    void awaitMaster(int masterPort, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (masterPort() != masterPort) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the sentinel on port " + port + " never named the master on " + masterPort
                        + " (it names " + masterPort() + ")");
            }
            Thread.sleep(50);
        }
    }

    /** Until the sentinel knows a replica it could promote: it learns of them from the master's INFO, every 10 s at first. */
    void awaitReplica(int replicaPort, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!knowsReplica(replicaPort)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the sentinel on port " + port + " never knew the replica on " + replicaPort);
            }
            Thread.sleep(100);
        }
    }

    private boolean knowsReplica(int replicaPort) throws IOException {
        for (Object replica : (List<?>) RedisProcess.command(port, "SENTINEL", "REPLICAS", MASTER)) {
            List<?> fields = (List<?>) replica;
            String flags = (String) fields.get(fields.indexOf("flags") + 1);
            if (fields.get(fields.indexOf("port") + 1).equals(Integer.toString(replicaPort)) && flags.equals("slave")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
