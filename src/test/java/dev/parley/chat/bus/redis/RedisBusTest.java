package dev.parley.chat.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.bus.Appended;
import dev.parley.chat.bus.Draft;
import dev.parley.chat.bus.Names;
import dev.parley.chat.bus.Slice;
import dev.parley.chat.bus.Stream;
import io.lettuce.core.RedisCommandTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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

    /**
     * A claim whose answer comes too late (held by a partition) failed for its session, which therefore never
     * releases it; yet Redis ran it once the bytes flowed. The bus undoes it: a name left held under a live
     * lease would refuse its user for as long as the node lives (a failover's storm left 44 such clients).
     */
    @Test
    void aClaimWhoseAnswerCameTooLateIsUndone() throws Exception {
        String name = "late-" + room.name();
        try (TcpProxy proxy = TcpProxy.to(redis);
                RedisBus late = RedisBus.connect(proxy.redisUri(), Duration.ofMillis(300), LIMITS)) {
            done(late.names().isHeld(name)); // connected
            proxy.blackhole();
            CompletableFuture<?> claim = late.names().claim(name, 1).toCompletableFuture();
            ExecutionException failed = assertThrows(ExecutionException.class, () -> claim.get(5, TimeUnit.SECONDS));
            assertInstanceOf(RedisCommandTimeoutException.class, failed.getCause());
            assertFalse(done(b.names().isHeld(name)), "not yet run: its bytes wait in the proxy");
            proxy.heal(); // Redis runs the claim now, then its undo
            done(late.names().isHeld(name)); // answered after both, on the same connection
            assertFalse(done(b.names().isHeld(name)), "the late claim still holds '" + name + "'");
            assertTrue(done(b.names().claim(name, 1)).isPresent(), "the name is free for its user again");
        }
    }

    /** A release that fails is tried again in the background until it is made. */
    @Test
    void aReleaseThatTimedOutIsMadeLater() throws Exception {
        String name = "leaving-" + room.name();
        try (TcpProxy proxy = TcpProxy.to(redis);
                RedisBus slow = RedisBus.connect(proxy.redisUri(), Duration.ofMillis(300), LIMITS)) {
            Names.Claim held = done(slow.names().claim(name, 1)).orElseThrow();
            proxy.cut(); // the release's bytes are lost, not late
            CompletableFuture<Void> released = slow.names().release(held).toCompletableFuture();
            assertThrows(ExecutionException.class, () -> released.get(5, TimeUnit.SECONDS), "the first try fails");
            Thread.sleep(1500); // so do some more
            assertTrue(done(b.names().isHeld(name)));
            proxy.heal();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (done(b.names().isHeld(name))) {
                assertTrue(System.nanoTime() < deadline, "the release was never made");
                Thread.sleep(50);
            }
        }
    }

    /**
     * A node retires an inbox (its user went) with a drop that reaches Redis late (held by a partition),
     * after the name's next holder, on another node, started the inbox afresh: only the epoch it heard goes.
     */
    @Test
    void aLateRetireDropsOnlyTheEpochItsNodeHeard() throws Exception {
        Stream inbox = Stream.inbox("retiree-" + room.name());
        try (TcpProxy proxy = TcpProxy.to(redis);
                RedisBus late = RedisBus.connect(proxy.redisUri(), Duration.ofSeconds(5), LIMITS)) {
            late.subscribe(inbox, new Heard());
            String heard = done(late.recover(inbox, Optional.empty(), 0)).epoch(); // waits for the subscription
            proxy.blackhole();
            late.retire(inbox); // its drop waits in the proxy
            b.drop(inbox); // the name's next holder, on b, starts the inbox afresh
            Appended kept = done(b.append(inbox, new Draft("x", Optional.of("retiree"), "for the new holder",
                    Optional.of("n1"))));
            assertNotEquals(heard, kept.epoch());
            proxy.heal();
            done(late.before(inbox, Long.MAX_VALUE, 1, 1 << 20)); // after its drop: one connection, in order
            Slice now = done(b.before(inbox, Long.MAX_VALUE, 10, 1 << 20));
            assertEquals(kept.epoch(), now.epoch(), "the new holder's inbox stays");
            assertEquals(List.of(kept.seq()), seqs(now.messages()));
        }
        b.subscribe(inbox, new Heard());
        done(b.recover(inbox, Optional.empty(), 0));
        String epoch = done(b.before(inbox, Long.MAX_VALUE, 10, 1 << 20)).epoch();
        b.retire(inbox);
        Slice gone = done(b.before(inbox, Long.MAX_VALUE, 10, 1 << 20));
        assertNotEquals(epoch, gone.epoch(), "what a node heard, it drops");
        assertEquals(List.of(), gone.messages());
    }

    /**
     * A log that went back (a replica promoted without its master's last writes: {@link RedisFailoverBusTest}
     * does it for real) numbers those seqs again. Here another node's message takes seq 4 again, and a node
     * that delivered the lost 4 and 5 drops it on hearing it, as a duplicate. Its read after the reconnect finds
     * another message at the seq it delivered last: the stream is numbered anew from the newest message no
     * later than that one, and the node delivers the new seq 4 under the new epoch.
     */
    @Test
    void aSeqNumberedAgainBeforeANodeReadsTheStreamIsDeliveredOnceItDoes() throws Exception {
        Heard onA = new Heard();
        a.subscribe(room, onA);
        done(a.recover(room, Optional.empty(), 0));
        for (int i = 1; i <= 5; i++) {
            done(a.append(room, draft("alice", "m" + i, "c" + i)));
        }
        onA.awaitMessages(5);
        keepOnly(RedisKeys.of(room), 3); // what the promoted replica had
        Thread.sleep(2); // Redis's clock tells the lost seq 5 from the new seq 4: a millisecond apart at least

        Appended again = done(b.append(room, draft("bob", "again", "d4")));
        assertEquals(4, again.seq());
        cutSubscriptions(RedisKeys.of(room).channel()); // the failover's reconnect
        onA.awaitMessages(6);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 4L), onA.seqs());
        assertEquals("message 4 bob", onA.all().get(onA.all().size() - 1));
        assertEquals(2, onA.epochs().size(), "under a new epoch, which tells clients they were not recovered");
    }

    /** The stream as a replica that got only its first {@code seqs} messages holds it. */
    private static void keepOnly(RedisKeys keys, long seqs) throws Exception {
        List<?> kept = (List<?>) redis.command("XRANGE", keys.log(), "-", seqs + "-1");
        redis.command("DEL", keys.log());
        for (Object held : kept) {
            List<?> entry = (List<?>) held;
            List<String> add = new ArrayList<>(List.of("XADD", keys.log(), (String) entry.get(0)));
            ((List<?>) entry.get(1)).forEach(field -> add.add((String) field));
            redis.command(add.toArray(String[]::new));
        }
        redis.command("HSET", keys.meta(), "seq", Long.toString(seqs));
    }
}
