package dev.parley.chat.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.bus.Stream;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    /**
     * Lettuce subscribes again, after a reconnect, to every channel it has not seen unsubscribed; one left
     * while Redis was unreachable timed out unsent, and must not be heard again.
     */
    @Test
    void aStreamLeftWhileRedisWasUnreachableIsNotHeardAgainAfterTheReconnect() throws Exception {
        Stream left = Stream.room(room.name() + "-left");
        String keptChannel = RedisKeys.of(room).channel();
        String leftChannel = RedisKeys.of(left).channel();
        try (TcpProxy proxy = TcpProxy.to(redis);
                RedisBus cutOff = RedisBus.connect(proxy.redisUri(), Duration.ofMillis(300), LIMITS)) {
            cutOff.subscribe(room, new Heard());
            cutOff.subscribe(left, new Heard());
            done(cutOff.recover(room, Optional.empty(), 0)); // each waits for its subscription
            done(cutOff.recover(left, Optional.empty(), 0));
            assertEquals(1L, redis.shardSubscribers(leftChannel));

            proxy.cut();
            awaitShardSubscribers(keptChannel, c -> c == 0); // Redis saw the connection go
            cutOff.unsubscribe(left);
            Thread.sleep(1000); // its unsubscribe times out, unsent
            proxy.heal();
            awaitShardSubscribers(keptChannel, c -> c == 1); // Lettuce is back and subscribed again
            Thread.sleep(1000); // to whatever it subscribes again
            assertEquals(0L, redis.shardSubscribers(leftChannel), "the stream left is not heard again");
            assertEquals(1L, redis.shardSubscribers(keptChannel));
        }
    }
}
