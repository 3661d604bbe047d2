package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.bus.redis.RedisProcess;
import dev.parley.chat.bus.redis.TcpProxy;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.v2.Event;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code parley.redis.replicas=1} on a real WildFly node whose Redis has a replica, reached through a proxy
 * that the test holds: while the replica cannot get a message, its send is answered {@code unavailable}
 * with its cid (within the Redis timeout) rather than acknowledged; once the replica is back, the retry
 * with the same cid is acknowledged as the message stored the first time, and the room holds it once.
 */
class ClusterReplicaIT {

    private static RedisProcess master;
    private static TcpProxy replicaLink;
    private static RedisProcess replica;
    private static ParleyNode node;

    @BeforeAll
    static void start() throws Exception {
        master = RedisProcess.start();
        master.command("CONFIG", "SET", "repl-diskless-sync-delay", "0"); // else the first sync waits 5 s
        replicaLink = TcpProxy.to(master);
        replica = RedisProcess.replicaOf(replicaLink.port());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!((String) replica.command("INFO", "replication")).contains("master_link_status:up")) {
            assertTrue(System.nanoTime() < deadline, "the replica never synced");
            Thread.sleep(20);
        }
        node = ParleyNode.wildFly("replicas", Map.of("parley.redis.uri", master.uri(), "parley.redis.replicas", "1",
                "parley.redis.timeout-millis", "1000")).awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] {node, replica, replicaLink, master}) {
            if (started != null) {
                started.close();
            }
        }
    }

    @Test
    void aSendTheReplicaCannotGetIsUnavailableAndItsRetryIsStoredOnce() throws Exception {
        URI chat = node.ws("chat");
        try (V2User ann = V2User.hello(chat, "ann"); V2User bea = V2User.hello(chat, "bea")) {
            ann.join("room");
            bea.join("room");
            ann.say("room", "one", "c1");
            assertEquals(1, ann.acked().seq());

            replicaLink.blackhole();
            ann.say("room", "two", "c2");
            Event.Error refused = answerTo(ann, "two", Event.Error.class);
            assertEquals(ErrorCode.UNAVAILABLE, refused.code(), "not acknowledged: " + refused);
            assertEquals(Optional.of("c2"), refused.cid());

            replicaLink.heal();
            ann.say("room", "two", "c2");
            Event.Ack retried = answerTo(ann, "two", Event.Ack.class);
            assertTrue(retried.dup(), "the first send was stored: the retry is told its seq");
            assertEquals(2, retried.seq());
            ann.say("room", "three", "c3");
            assertEquals(3, ann.acked().seq());

            for (String text : List.of("one", "two", "three")) {
                assertEquals(text, bea.nextIgnoringPresence(Event.Message.class).text(), "each once, in order");
            }
            ann.history("room", OptionalLong.empty(), 10);
            assertEquals(List.of("one", "two", "three"), ann.nextIgnoringPresence(Event.History.class).messages().stream()
                    .map(Event.Message::text).toList());
        }
    }

    /**
     * The answer to a send, of {@code type}. The message is stored and told before the replica is waited
     * for, so its own copy may come first (once: a retry found stored is not told again).
     */
    private static <T extends Event> T answerTo(V2User sender, String text, Class<T> type) {
        Event event = sender.nextIgnoringPresence();
        if (event instanceof Event.Message copy) {
            assertEquals(text, copy.text());
            event = sender.nextIgnoringPresence();
        }
        return assertInstanceOf(type, event);
    }
}
