package dev.parley.chat.bus.redis;

import dev.parley.chat.bus.Stream;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Redis bus's scenarios through a real Redis Sentinel: {@code parley.redis.uri=redis-sentinel://...#master}
 * finds the master by asking the sentinel, as a production set-up with a replica and failover would.
 */
class RedisSentinelBusTest extends RedisBusScenarios {

    private static RedisProcess redis;
    private static SentinelProcess sentinel;

    @BeforeAll
    static void startRedisAndSentinel() throws Exception {
        redis = RedisProcess.start();
        sentinel = SentinelProcess.watching(redis.port, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        if (sentinel != null) {
            sentinel.close();
        }
        redis.close();
    }

    @Override
    String uri() {
        return sentinel.uri();
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
