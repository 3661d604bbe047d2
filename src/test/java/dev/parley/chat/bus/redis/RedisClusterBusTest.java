package dev.parley.chat.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.bus.Appended;
import dev.parley.chat.bus.Recovery;
import dev.parley.chat.bus.Stream;
import dev.parley.chat.protocol.v2.Position;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis bus's scenarios on a real Redis Cluster of three masters, and what only a cluster has: rooms
 * spread over the masters, a script cache per master, slots that move.
 */
class RedisClusterBusTest extends RedisBusScenarios {

    private static RedisClusterProcess cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisClusterProcess.start(3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    @Override
    String uri() {
        return cluster.uri();
    }

    @Override
    long shardSubscribers(String channel) throws Exception {
        return cluster.shardSubscribers(channel);
    }

    @Override
    long cutSubscriptions(String channel) throws Exception {
        return (Long) cluster.command(cluster.ownerOf(channel), "CLIENT", "KILL", "TYPE", "pubsub");
    }

    /** A room on the same master as {@code room}, in another slot: Lettuce's one SSUBSCRIBE for both would be refused. */
    @Override
    Stream neighbourOf(Stream room) throws Exception {
        String key = RedisKeys.of(room).meta();
        for (int i = 0; i < 1000; i++) {
            Stream candidate = Stream.room(room.name() + " next door " + i);
            String other = RedisKeys.of(candidate).meta();
            if (cluster.ownerOf(other) == cluster.ownerOf(key) && cluster.slotOf(other) != cluster.slotOf(key)) {
                return candidate;
            }
        }
        throw new AssertionError("no room next door to " + room);
    }

    /** The first rooms, by name, that land one on each master. */
    private Map<Integer, Stream> oneRoomPerMaster(String prefix) throws Exception {
        Map<Integer, Stream> rooms = new LinkedHashMap<>();
        for (int i = 0; rooms.size() < cluster.ports().size(); i++) {
            Stream candidate = Stream.room(prefix + i);
            rooms.putIfAbsent(cluster.ownerOf(RedisKeys.of(candidate).meta()), candidate);
        }
        return rooms;
    }

    @Test
    void roomsOnEveryMasterAreEachNumberedInOrderForBothNodes() throws Exception {
        Map<Integer, Stream> rooms = oneRoomPerMaster("spread-");
        assertEquals(Set.copyOf(cluster.ports()), rooms.keySet(), "a room on each of the three masters");
        Map<Stream, Heard> onA = new LinkedHashMap<>();
        Map<Stream, Heard> onB = new LinkedHashMap<>();
        for (Stream r : rooms.values()) {
            onA.put(r, new Heard());
            onB.put(r, new Heard());
            a.subscribe(r, onA.get(r));
            b.subscribe(r, onB.get(r));
            done(a.recover(r, Optional.empty(), 0)); // each waits for its own node's subscription
            done(b.recover(r, Optional.empty(), 0));
            done(a.announceJoin(r, session(a, "alice"), ""));
            done(b.announceJoin(r, session(b, "bob"), ""));
        }
        List<CompletionStage<Appended>> sends = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            for (Stream r : rooms.values()) {
                sends.add((i % 2 == 0 ? a : b).append(r, draft(i % 2 == 0 ? "alice" : "bob", "m" + i, "c" + i)));
            }
        }
        for (CompletionStage<Appended> send : sends) {
            done(send);
        }
        Set<String> epochs = new HashSet<>();
        for (Map.Entry<Integer, Stream> on : rooms.entrySet()) {
            RedisKeys keys = RedisKeys.of(on.getValue());
            assertEquals(1L, cluster.command(on.getKey(), "EXISTS", keys.log()), "the log is on its slot's master");
            for (Heard heard : List.of(onA.get(on.getValue()), onB.get(on.getValue()))) {
                heard.awaitMessages(60);
                assertEquals(LongRange.of(1, 60), heard.seqs(), "seq order with no gap and no duplicate");
                assertEquals(List.of("join alice", "join bob"), heard.membership());
                epochs.addAll(heard.epochs());
            }
        }
        assertEquals(rooms.size(), epochs.size(), "one numbering per room, the same for both nodes");
    }

    /** Each master has a script cache of its own: one that lost it (a restart) is sent the script again. */
    @Test
    void aMasterThatLostItsScriptsIsSentThemAgain() throws Exception {
        Map<Integer, Stream> rooms = oneRoomPerMaster("scripts-");
        Map<Stream, String> epochs = new LinkedHashMap<>();
        for (Stream r : rooms.values()) {
            epochs.put(r, done(a.append(r, draft("alice", "before", "s1"))).epoch());
        }
        for (int port : cluster.ports()) {
            cluster.command(port, "SCRIPT", "FLUSH");
        }
        for (Stream r : rooms.values()) {
            Appended after = done(b.append(r, draft("alice", "after", "s2")));
            assertEquals(2, after.seq());
            assertTrue(done(a.append(r, draft("alice", "before", "s1"))).dup(), "a retry is still a duplicate");
            Recovery recovery = done(a.recover(r, Optional.of(new Position(epochs.get(r), 0)), 0));
            assertTrue(recovery.recovered());
            assertEquals(List.of(1L, 2L), seqs(recovery.messages()));
        }
    }

    /**
     * A slot that moves to another master (resharding; a failover looks the same to the nodes) takes its
     * channel along: the old master unsubscribes the nodes, they subscribe where it lives now, and catch up
     * from the log.
     */
    @Test
    void aRoomWhoseSlotMovesIsHeardWhereItLivesNow() throws Exception {
        Heard onA = new Heard();
        a.subscribe(room, onA);
        b.subscribe(room, new Heard());
        done(a.announceJoin(room, session(a, "alice"), ""));
        done(b.announceJoin(room, session(b, "bob"), ""));
        for (int i = 1; i <= 5; i++) {
            done(b.append(room, draft("bob", "before " + i, null)));
        }
        onA.awaitMessages(5);
        String channel = RedisKeys.of(room).channel();
        int from = cluster.ownerOf(channel);
        int to = cluster.ports().stream().filter(port -> port != from).findFirst().orElseThrow();
        cluster.moveSlot(cluster.slotOf(channel), to);
        assertEquals(to, cluster.ownerOf(channel));
        assertNotEquals(from, cluster.ownerOf(RedisKeys.of(room).log()));
        for (int i = 6; i <= 10; i++) {
            done(b.append(room, draft("bob", "after " + i, null))); // redirected to the new master
        }
        awaitShardSubscribers(channel, 2);
        onA.awaitMessages(10);
        done(b.append(room, draft("bob", "live", null)));
        onA.awaitMessages(11);
        Thread.sleep(200);
        assertEquals(LongRange.of(1, 11), onA.seqs());
        assertEquals(List.of("join alice", "join bob"), onA.membership());
        assertFalse(onA.epochs().size() > 1, "the log moved with its slot: one numbering");
    }
}
