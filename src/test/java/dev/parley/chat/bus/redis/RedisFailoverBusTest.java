package dev.parley.chat.bus.redis;

import static dev.parley.chat.bus.redis.RedisBusScenarios.LIMITS;
import static dev.parley.chat.bus.redis.RedisBusScenarios.done;
import static dev.parley.chat.bus.redis.RedisBusScenarios.draft;
import static dev.parley.chat.bus.redis.RedisBusScenarios.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.bus.Appended;
import dev.parley.chat.bus.Recovery;
import dev.parley.chat.bus.Stored;
import dev.parley.chat.bus.Stream;
import dev.parley.chat.bus.StreamListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis with a replica, watched by a real Sentinel that promotes the replica when the master is killed
 * with SIGKILL. Redis replicates asynchronously, and the replica's link goes through a proxy that the
 * test holds, so the replica surely lacks the master's last writes when it is promoted: what was
 * acknowledged without waiting for it is lost, and its seqs are numbered again.
 */
class RedisFailoverBusTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Duration FAILOVER = Duration.ofSeconds(30);

    private final Stream room = Stream.room("failover");
    private final List<RedisBus> buses = new ArrayList<>();
    private RedisProcess master;
    private TcpProxy replicaLink;
    private RedisProcess replica;
    private SentinelProcess sentinel;

    @BeforeEach
    void startMasterReplicaAndSentinel() throws Exception {
        master = RedisProcess.start();
        master.command("CONFIG", "SET", "repl-diskless-sync-delay", "0"); // else the first sync waits 5 s for more replicas
        replicaLink = TcpProxy.to(master);
        replica = RedisProcess.replicaOf(replicaLink.port());
        awaitReplicaInSync();
        sentinel = SentinelProcess.watching(master.port, Duration.ofSeconds(1));
        sentinel.awaitReplica(replica.port, Duration.ofSeconds(30));
    }

    @AfterEach
    void stopAll() throws Exception {
        buses.forEach(RedisBus::close);
        if (sentinel != null) {
            sentinel.close();
        }
        for (AutoCloseable process : new AutoCloseable[] {replica, replicaLink, master}) {
            if (process != null) {
                process.close();
            }
        }
    }

    /**
     * Both nodes delivered seqs 4 and 5, which the promoted replica never got; the replica numbers the next
     * message 4 again. Taken for a duplicate, it would reach nobody. Instead the nodes find the log went
     * back, the stream is numbered anew under a new epoch (whose clients are told "not recovered"), and the
     * message reaches both nodes' members once.
     */
    @Test
    void aMessageNumberedAgainAfterAFailoverIsDeliveredUnderANewEpoch() throws Exception {
        RedisBus a = bus(0);
        RedisBus b = bus(0);
        Texts onA = new Texts();
        Texts onB = new Texts();
        a.subscribe(room, onA);
        b.subscribe(room, onB);
        done(a.recover(room, Optional.empty(), 0));
        done(b.recover(room, Optional.empty(), 0));
        done(a.announceJoin(room, session(a, "alice"), ""));
        done(b.announceJoin(room, session(b, "bob"), ""));
        for (int i = 1; i <= 3; i++) {
            done(a.append(room, draft("alice", "kept " + i, "k" + i)));
        }
        awaitReplicaHolds(3);
        replicaLink.blackhole();
        done(a.append(room, draft("alice", "lost 4", "l4")));
        done(a.append(room, draft("alice", "lost 5", "l5")));
        onA.await("lost 5");
        onB.await("lost 5");
        String before = onA.epochOf("lost 5");

        master.kill();
        sentinel.awaitMaster(replica.port, FAILOVER);
        Appended after = untilDone(() -> b.append(room, draft("bob", "after", "a1")));

        assertEquals(4, after.seq(), "the replica numbers from what it holds");
        List<String> expected = List.of("kept 1", "kept 2", "kept 3", "lost 4", "lost 5", "after");
        for (Texts heard : List.of(onA, onB)) {
            heard.await("after");
            assertEquals(expected, heard.texts(), "each message once");
            assertNotEquals(before, heard.epochOf("after"), "a new epoch, so that clients are told of the loss");
        }
    }

    /**
     * With {@code parley.redis.replicas=1} a send is acknowledged only once the replica has it: one the
     * replica cannot get fails, and every one acknowledged is on the replica when it is promoted.
     */
    @Test
    void withAReplicaToWaitForNoAcknowledgedMessageIsLostInAFailover() throws Exception {
        RedisBus a = bus(1);
        List<String> acked = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            done(a.append(room, draft("alice", "replicated " + i, "r" + i)));
            acked.add("replicated " + i);
        }
        replicaLink.blackhole();
        for (int i = 4; i <= 5; i++) {
            CompletionStage<Appended> held = a.append(room, draft("alice", "held " + i, "h" + i));
            try {
                held.toCompletableFuture().get(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
                acked.add("held " + i);
            } catch (ExecutionException refused) {
                // the replica did not get it in time: not acknowledged, the sender may retry
            }
        }
        assertEquals(3, acked.size(), "nothing the replica could not get was acknowledged: " + acked);

        master.kill();
        sentinel.awaitMaster(replica.port, FAILOVER);
        Recovery log = untilDone(() -> a.recover(room, Optional.empty(), 100));
        List<String> held = log.messages().stream().map(Stored::text).toList();
        assertTrue(held.containsAll(acked), "every acknowledged message outlived the failover: " + held);
    }

    /**
     * A wait for the replica that spans a reconnect fails, and says so. Redis closed the connection (as on a
     * restart, or here CLIENT KILL) and Lettuce sends the round's commands again on the new one. Here, to
     * the same master, the wait would merely time out; after a failover they go to the new master, where
     * they count its replicas of its own writes, not of the send's.
     */
    @Test
    void aWaitForTheReplicaThatSpansAReconnectFails() throws Exception {
        RedisBus a = RedisBus.connect(new ClusterSettings(master.uri(), "node-cut", Duration.ofSeconds(15), TIMEOUT, 1),
                LIMITS, () -> {
                });
        buses.add(a);
        done(a.append(room, draft("alice", "replicated", "r1")));
        replicaLink.blackhole();
        CompletableFuture<Appended> held = a.append(room, draft("alice", "held", "h1")).toCompletableFuture();
        Thread.sleep(500); // its WAIT is out, held by the master until the replica has the write
        assertFalse(held.isDone());
        master.command("CLIENT", "KILL", "TYPE", "normal"); // the node's connections, not the replica's
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> held.get(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS), "acknowledged without the replica");
        assertTrue(refused.getCause().getMessage().contains("made anew"), "refused for the reconnect: " + refused);
        assertEquals(1L, replica.command("XLEN", RedisKeys.of(room).log()), "the replica never got it");
    }

    private RedisBus bus(int replicas) {
        RedisBus bus = RedisBus.connect(new ClusterSettings(sentinel.uri(), "node-" + buses.size(), Duration.ofSeconds(15),
                TIMEOUT, replicas), LIMITS, () -> {
                });
        buses.add(bus);
        return bus;
    }

    private void awaitReplicaInSync() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!((String) replica.command("INFO", "replication")).contains("master_link_status:up")) {
            assertTrue(System.nanoTime() < deadline, "the replica never synced");
            Thread.sleep(20);
        }
    }

    private void awaitReplicaHolds(long entries) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Long.valueOf(entries).equals(replica.command("XLEN", RedisKeys.of(room).log()))) {
            assertTrue(System.nanoTime() < deadline, "the replica never caught up");
            Thread.sleep(20);
        }
    }

    /** Tries again while the nodes find the new master (a command sent meanwhile may time out). */
    private static <T> T untilDone(Callable<CompletionStage<T>> call) throws Exception {
        long deadline = System.nanoTime() + FAILOVER.toNanos();
        while (true) {
            try {
                return done(call.call());
            } catch (ExecutionException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(100);
            }
        }
    }

    /** The texts a node's members were given, in order, with the epoch of each. */
    private static final class Texts implements StreamListener {
        private final List<String> texts = new ArrayList<>();
        private final List<String> epochs = new ArrayList<>();

        @Override
        public synchronized void posted(String epoch, Stored message) {
            texts.add(message.text());
            epochs.add(epoch);
            notifyAll();
        }

        synchronized void await(String text) throws InterruptedException {
            long deadline = System.currentTimeMillis() + FAILOVER.toMillis();
            while (!texts.contains(text)) {
                if (System.currentTimeMillis() > deadline) {
                    fail("never heard '" + text + "'; heard " + texts);
                }
                wait(100);
            }
        }

        synchronized List<String> texts() {
            return List.copyOf(texts);
        }

        synchronized String epochOf(String text) {
            return epochs.get(texts.indexOf(text));
        }
    }
}
