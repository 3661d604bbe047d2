package dev.parley.chat.bus.redis;

import dev.parley.testing.FreePorts;
import dev.parley.chat.bus.Stream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Redis bus's scenarios through a real Redis Sentinel: {@code parley.redis.uri=redis-sentinel://...#master}
 * finds the master by asking the sentinel, as a production set-up with a replica and failover would.
 */
class RedisSentinelBusTest extends RedisBusScenarios {

    private static final String MASTER = "parley";

    private static RedisProcess redis;
    private static Process sentinel;
    private static int sentinelPort;

    @BeforeAll
    static void startRedisAndSentinel() throws Exception {
        redis = RedisProcess.start();
        sentinelPort = FreePorts.next();
        Path dir = Files.createDirectories(Path.of("target", "sentinel-" + sentinelPort).toAbsolutePath());
        Path config = dir.resolve("sentinel.conf"); // a sentinel rewrites its own configuration file
        Files.writeString(config, String.join("\n", "port " + sentinelPort, "bind 127.0.0.1", "dir " + dir,
                "sentinel monitor " + MASTER + " 127.0.0.1 " + redis.port + " 1", ""));
        sentinel = new ProcessBuilder(List.of("redis-server", config.toString(), "--sentinel")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sentinel.log").toFile()).start();
        awaitMaster(Duration.ofSeconds(10));
    }

    /** Until the sentinel names the master: it answers only once it has read its configuration. */
    private static void awaitMaster(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                if (RedisProcess.command(sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER) instanceof List) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the sentinel on port " + sentinelPort + " never named its master");
            }
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (sentinel != null) {
            sentinel.destroy();
            if (!sentinel.waitFor(10, TimeUnit.SECONDS)) {
                sentinel.destroyForcibly();
            }
        }
        redis.close();
    }

    @Override
    String uri() {
        return "redis-sentinel://127.0.0.1:" + sentinelPort + "/0#" + MASTER;
    }

    @Override
    long shardSubscribers(String channel) throws Exception {
        return redis.shardSubscribers(channel);
    }

    /** The nodes' sharded subscriptions only: the sentinel holds a pub/sub connection of its own. */
    @Override
    long cutSubscriptions(String channel) throws Exception {
        long killed = 0;
        for (String client : ((String) redis.command("CLIENT", "LIST")).split("\n")) {
            if (client.matches(".*\\bssub=[1-9].*")) {
                String id = client.replaceAll("^id=(\\d+) .*", "$1").trim();
                killed += (Long) redis.command("CLIENT", "KILL", "ID", id);
            }
        }
        return killed;
    }

    @Override
    Stream neighbourOf(Stream room) {
        return Stream.room(room.name() + " next door");
    }
}
