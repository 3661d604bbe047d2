package dev.parley.chat.bus.redis;

import dev.parley.chat.bus.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Redis bus's scenarios on a single Redis. */
class RedisBusTest extends RedisBusScenarios {

    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Override
    String uri() {
        return redis.uri();
    }

    @Override
    long shardSubscribers(String channel) throws Exception {
        return redis.shardSubscribers(channel);
    }

    @Override
    long cutSubscriptions(String channel) throws Exception {
        return (Long) redis.command("CLIENT", "KILL", "TYPE", "pubsub");
    }

    @Override
    Stream neighbourOf(Stream room) {
        return Stream.room(room.name() + " next door");
    }
}
