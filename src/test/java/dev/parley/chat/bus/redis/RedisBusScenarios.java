package dev.parley.chat.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.bus.Appended;
import dev.parley.chat.bus.Draft;
import dev.parley.chat.bus.Epochs;
import dev.parley.chat.bus.HistoryLimits;
import dev.parley.chat.bus.Names;
import dev.parley.chat.bus.Recovery;
import dev.parley.chat.bus.Slice;
import dev.parley.chat.bus.Stored;
import dev.parley.chat.bus.Stream;
import dev.parley.chat.bus.StreamListener;
import dev.parley.chat.protocol.v2.Position;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis bus against a real Redis, with two buses on it standing for two nodes: what must hold on a
 * single Redis ({@link RedisBusTest}) and on a Redis Cluster ({@link RedisClusterBusTest}) alike.
 */
abstract class RedisBusScenarios {

    static final HistoryLimits LIMITS = new HistoryLimits(100, Duration.ofHours(1), 1 << 20, Duration.ofMinutes(5));

    RedisBus a;
    RedisBus b;
    Stream room;
    private final List<RedisBus> more = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    /** Where the Redis is, as {@code parley.redis.uri} takes it. */
    abstract String uri();

    /** How many subscribers (one per node) the sharded channel has. */
    abstract long shardSubscribers(String channel) throws Exception;

    /** Kills the pub/sub connections that carry the channel; how many. */
    abstract long cutSubscriptions(String channel) throws Exception;

    /** Another room whose channel goes over the same pub/sub connection as the room's (on a cluster, another slot). */
    abstract Stream neighbourOf(Stream room) throws Exception;

    @BeforeEach
    void connect(TestInfo test) {
        // a timeout far above any answer's time: on this shared machine a starved JVM once took over 2 s
        a = RedisBus.connect(uri(), Duration.ofSeconds(15), LIMITS);
        b = RedisBus.connect(uri(), Duration.ofSeconds(15), LIMITS);
        room = Stream.room(test.getDisplayName()); // a room of its own for each test
    }

    @AfterEach
    void disconnect() {
        scheduler.shutdownNow();
        a.close();
        b.close();
        more.forEach(RedisBus::close);
    }

    @Test
    void everyNodeHearsEveryMessageOnceInSeqOrder() throws Exception {
        Heard onA = new Heard();
        Heard onB = new Heard();
        a.subscribe(room, onA);
        b.subscribe(room, onB);
        done(a.recover(room, Optional.empty(), 0)); // each waits for its own node's subscription
        done(b.recover(room, Optional.empty(), 0));
        done(a.announceJoin(room, session(a, "alice"), ""));
        done(b.announceJoin(room, session(b, "bob"), ""));
        List<CompletionStage<Appended>> sends = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            sends.add((i % 2 == 0 ? a : b).append(room, draft(i % 2 == 0 ? "alice" : "bob", "m" + i, "c" + i)));
        }
        List<Long> acked = new ArrayList<>();
        for (CompletionStage<Appended> send : sends) {
            acked.add(done(send).seq());
        }
        assertEquals(LongRange.of(1, 200), acked.stream().sorted().toList(), "every send numbered once");
        for (Heard heard : List.of(onA, onB)) {
            heard.awaitMessages(200);
            assertEquals(LongRange.of(1, 200), heard.seqs(), "seq order with no gap and no duplicate");
            assertEquals(List.of("join alice", "join bob"), heard.membership());
        }
        assertEquals(onA.epochs(), onB.epochs(), "one numbering for both nodes");
    }

    @Test
    void aRetryOnAnotherNodeIsStoredOnce() throws Exception {
        Heard onA = new Heard();
        a.subscribe(room, onA);
        done(a.announceJoin(room, session(a, "alice"), ""));
        Appended first = done(a.append(room, draft("alice", "hello", "cid-1")));
        Appended retry = done(b.append(room, draft("alice", "hello", "cid-1")));
        Appended other = done(b.append(room, draft("bob", "hello", "cid-1")));
        assertFalse(first.dup());
        assertTrue(retry.dup());
        assertEquals(first.seq(), retry.seq());
        assertEquals(first.epoch(), retry.epoch());
        assertFalse(other.dup(), "a cid is the sender's own");
        onA.awaitMessages(2);
        Thread.sleep(200);
        assertEquals(List.of(1L, 2L), onA.seqs());
    }

    @Test
    void joinsAndLeavesAreToldOnceInOrderWithMessages() throws Exception {
        Heard onA = new Heard();
        a.subscribe(room, onA);
        done(a.announceJoin(room, session(a, "watcher"), ""));
        Names.Claim bob = session(b, "bob");
        done(b.announceJoin(room, bob, "hi"));
        done(b.append(room, draft("bob", "one", "1")));
        done(b.announceLeave(room, bob, "bye"));
        done(a.announceLeave(room, bob, "bye")); // a second leave of the same session tells nothing
        done(b.append(room, draft("watcher", "two", "2")));
        onA.awaitMessages(2);
        assertEquals(List.of("join watcher", "join bob", "message 1 bob", "leave bob", "message 2 watcher"),
                onA.all());
    }

    @Test
    void recoveryIsExactOrTheLatest() throws Exception {
        String epoch = null;
        for (int i = 1; i <= 10; i++) {
            epoch = done(a.append(room, draft("alice", "m" + i, "c" + i))).epoch();
        }
        Recovery exact = done(b.recover(room, Optional.of(new Position(epoch, 7)), 3));
        assertTrue(exact.recovered());
        assertEquals(10, exact.seq());
        assertEquals(List.of(8L, 9L, 10L), seqs(exact.messages()));
        Recovery upToDate = done(b.recover(room, Optional.of(new Position(epoch, 10)), 3));
        assertTrue(upToDate.recovered());
        assertEquals(List.of(), upToDate.messages());
        Recovery otherEpoch = done(b.recover(room, Optional.of(new Position("elsewhere", 7)), 4));
        assertFalse(otherEpoch.recovered());
        assertEquals(List.of(7L, 8L, 9L, 10L), seqs(otherEpoch.messages()), "the latest, oldest first");
        assertEquals("m7", otherEpoch.messages().get(0).text());
        Recovery newcomer = done(b.recover(room, Optional.empty(), 2));
        assertEquals(List.of(9L, 10L), seqs(newcomer.messages()));
    }

    @Test
    void historyPagesBackwards() throws Exception {
        for (int i = 1; i <= 10; i++) {
            done(a.append(room, draft("alice", "m" + i, "c" + i)));
        }
        Slice newest = done(b.before(room, Long.MAX_VALUE, 4, 1 << 20));
        assertEquals(List.of(7L, 8L, 9L, 10L), seqs(newest.messages()));
        assertTrue(newest.more());
        Slice oldest = done(b.before(room, 4, 4, 1 << 20));
        assertEquals(List.of(1L, 2L, 3L), seqs(oldest.messages()));
        assertFalse(oldest.more());
        Stored sample = oldest.messages().get(0);
        assertEquals("alice", sample.from());
        assertEquals(Optional.of("c1"), sample.cid());
        assertTrue(Math.abs(sample.timeMillis() - System.currentTimeMillis()) < 60_000, "Redis's clock, in millis");
    }

    @Test
    void historyIsBoundedByCount() throws Exception {
        for (int i = 1; i <= LIMITS.size() + 20; i++) {
            done(a.append(room, draft("alice", "m" + i, null)));
        }
        Slice all = done(a.before(room, Long.MAX_VALUE, 1000, 1 << 30));
        assertEquals(LIMITS.size(), all.messages().size());
        assertEquals(21, all.messages().get(0).seq());
        Recovery tooOld = done(a.recover(room, Optional.of(new Position(all.epoch(), 5)), 2));
        assertFalse(tooOld.recovered(), "never partial");
    }

    @Test
    void aDroppedStreamStartsAfreshUnderANewEpoch() throws Exception {
        String before = done(a.append(room, draft("alice", "m", null))).epoch();
        a.drop(room);
        Recovery after = done(a.recover(room, Optional.of(new Position(before, 1)), 5));
        assertFalse(after.recovered());
        assertEquals(0, after.seq());
        assertNotEquals(before, after.epoch());
    }

    @Test
    void privateMessagesGoToBothInboxes() throws Exception {
        Heard alice = new Heard();
        Heard bob = new Heard();
        a.subscribe(Stream.inbox("alice"), alice);
        b.subscribe(Stream.inbox("bob"), bob);
        done(a.recover(Stream.inbox("alice"), Optional.empty(), 0)); // waits for the subscription
        done(b.recover(Stream.inbox("bob"), Optional.empty(), 0));
        Appended ack = done(a.appendPrivate(new Draft("alice", Optional.of("bob"), "psst", Optional.of("p1"))));
        Appended again = done(b.appendPrivate(new Draft("alice", Optional.of("bob"), "psst", Optional.of("p1"))));
        assertTrue(again.dup());
        assertEquals(ack.seq(), again.seq());
        alice.awaitMessages(1);
        bob.awaitMessages(1);
        Thread.sleep(200);
        assertEquals(List.of("message 1 alice"), alice.all());
        assertEquals(List.of("message 1 alice"), bob.all());
        a.unsubscribe(Stream.inbox("alice"));
        b.unsubscribe(Stream.inbox("bob"));
    }

    /**
     * Pub/sub is at most once: a node whose subscription connection is cut misses what is published
     * before it is back, and must fill the hole from the log once subscribed again; every channel that
     * connection carried is subscribed again (two rooms here, on a cluster in two slots).
     */
    @Test
    void aNodeFillsTheGapAfterItsSubscriptionWasCut() throws Exception {
        Stream other = neighbourOf(room);
        List<Stream> rooms = List.of(room, other);
        List<Heard> onA = new ArrayList<>();
        for (Stream r : rooms) {
            Heard heard = new Heard();
            onA.add(heard);
            a.subscribe(r, heard);
            b.subscribe(r, new Heard());
            done(a.announceJoin(r, session(a, "alice"), ""));
            done(b.announceJoin(r, session(b, "bob"), ""));
            done(b.append(r, draft("bob", "before", null)));
            heard.awaitMessages(1);
            assertEquals(2L, shardSubscribers(RedisKeys.of(r).channel()));
        }
        assertEquals(2L, cutSubscriptions(RedisKeys.of(room).channel()), "cut both nodes' subscriptions");
        for (int i = 0; i < 50; i++) {
            for (Stream r : rooms) {
                done(b.append(r, draft("bob", "while away " + i, null)));
            }
        }
        for (int i = 0; i < rooms.size(); i++) {
            awaitShardSubscribers(RedisKeys.of(rooms.get(i)).channel(), 2); // the nodes subscribe again
            onA.get(i).awaitMessages(51); // nothing was published since: the resubscription itself caught up
        }
        for (int i = 0; i < rooms.size(); i++) {
            done(b.append(rooms.get(i), draft("bob", "after", null)));
            onA.get(i).awaitMessages(52);
        }
        Thread.sleep(200);
        for (Heard heard : onA) {
            assertEquals(LongRange.of(1, 52), heard.seqs());
        }
    }

    /** Issue #13: a user is in a room while any of its sessions is, on any node; only the first and last are told. */
    @Test
    void aUserWithSessionsOnTwoNodesJoinsOnceAndLeavesWithItsLast() throws Exception {
        Heard onA = new Heard();
        a.subscribe(room, onA);
        done(a.recover(room, Optional.empty(), 0));
        Names.Claim phone = session(a, "ivy");
        Names.Claim laptop = session(b, "ivy");
        done(a.announceJoin(room, phone, ""));
        done(b.announceJoin(room, laptop, ""));
        done(a.announceLeave(room, phone, ""));
        done(a.append(room, draft("ivy", "still here", "1")));
        done(b.announceLeave(room, laptop, ""));
        done(b.append(room, draft("zoe", "gone", "2")));
        onA.awaitMessages(2);
        assertEquals(List.of("join ivy", "message 1 ivy", "leave ivy", "message 2 zoe"), onA.all());
    }

    @Test
    void aNameHeldByAsManySessionsAsItsClaimsAllowIsFreedWithItsLast() throws Exception {
        String name = "kim-" + room.name().hashCode();
        Names.Claim first = done(a.names().claim(name, 2)).orElseThrow();
        Names.Claim second = done(b.names().claim(name, 2)).orElseThrow();
        assertEquals(Optional.empty(), done(a.names().claim(name, 2)), "two sessions at most");
        assertEquals(1, done(a.names().list()).stream().filter(name::equals).count(), "listed once");
        done(a.names().release(first));
        done(a.names().release(first)); // a second release of the same claim frees nothing more
        assertTrue(done(b.names().isHeld(name)));
        done(b.names().release(second));
        assertFalse(done(a.names().isHeld(name)));
        assertFalse(done(a.names().list()).contains(name));
    }

    @Test
    void aNameClaimedOnOneNodeIsRefusedOnTheOther() throws Exception {
        String name = "zed-" + room.name().hashCode();
        Optional<Names.Claim> claim = done(a.names().claim(name, 1));
        assertTrue(claim.isPresent());
        assertEquals(Optional.empty(), done(b.names().claim(name, 1)), "one holder cluster-wide");
        assertTrue(done(b.names().isHeld(name)));
        assertTrue(done(b.names().list()).contains(name));
        done(b.names().release(new Names.Claim(name, "someone-else/1"))); // not the claim's token: nothing freed
        assertTrue(done(a.names().isHeld(name)));
        done(a.names().release(claim.get()));
        assertFalse(done(b.names().isHeld(name)));
        assertTrue(done(b.names().claim(name, 1)).isPresent(), "free again, for any node");
    }

    /**
     * A node that stops renewing its lease (it died) has its members evicted by the others, in every room it
     * had members in, each leave told once however many nodes reap, and its names freed.
     */
    @Test
    void aHaltedNodesMembersAreEvictedOnceByTheOthers() throws Exception {
        RedisBus doomed = node("doomed");
        RedisBus reaper = node("reaper");
        RedisBus another = node("another");
        Stream second = neighbourOf(room);
        Heard inRoom = new Heard();
        Heard inSecond = new Heard();
        reaper.subscribe(room, inRoom);
        another.subscribe(second, inSecond);
        done(reaper.recover(room, Optional.empty(), 0)); // each waits for its own node's subscription
        done(another.recover(second, Optional.empty(), 0));
        for (Stream r : List.of(room, second)) {
            doomed.subscribe(r, new Heard());
            done(doomed.announceJoin(r, session(doomed, "erin"), ""));
            done(doomed.announceJoin(r, session(doomed, "frank"), ""));
        }
        Names.Claim otherDevice = session(another, "erin"); // erin is in the room on another node too
        done(another.announceJoin(room, otherDevice, ""));
        String name = "erin-" + room.name().hashCode();
        assertTrue(done(doomed.names().claim(name, 1)).isPresent());
        doomed.close(); // stops renewing, without leaving: what a node that dies does
        List<String> told = List.of("join erin", "join frank", "leave erin", "leave frank");
        List<String> toldInRoom = List.of("join erin", "join frank", "leave frank");
        inRoom.awaitEvents(toldInRoom);
        inSecond.awaitEvents(told);
        assertTrue(awaitFree(reaper, name), "the dead node's names are freed");
        Thread.sleep(1500); // a few more reaper rounds, on both nodes
        assertEquals(toldInRoom, inRoom.all(), "each leave told once, whichever node reaped; erin is still in");
        assertEquals(told, inSecond.all(), "each leave told once, whichever node reaped");
        done(another.announceLeave(room, otherDevice, ""));
        inRoom.awaitEvents(List.of("join erin", "join frank", "leave frank", "leave erin"));
    }

    // ---- helpers

    /** One more session of {@code user}, claimed on {@code node}: what a room's membership is counted by. */
    static Names.Claim session(RedisBus node, String user) throws Exception {
        return done(node.names().claim(user, Integer.MAX_VALUE)).orElseThrow();
    }

    /** A started node with a short TTL and timeout (the reapers' grace), so that its death is seen within seconds. */
    private RedisBus node(String id) {
        RedisBus bus = RedisBus.connect(new ClusterSettings(uri(), id + "-" + Epochs.next(), Duration.ofSeconds(2),
                Duration.ofSeconds(3)), LIMITS, () -> {
                });
        more.add(bus);
        bus.start(scheduler);
        return bus;
    }

    private static boolean awaitFree(RedisBus on, String name) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (done(on.names().isHeld(name))) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    void awaitShardSubscribers(String channel, long count) throws Exception {
        awaitShardSubscribers(channel, subscribers -> subscribers >= count);
    }

    void awaitShardSubscribers(String channel, LongPredicate wanted) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!wanted.test(shardSubscribers(channel))) {
            assertTrue(System.currentTimeMillis() < deadline, "the subscribers of " + channel + " never changed as awaited");
            Thread.sleep(50);
        }
    }

    static Draft draft(String from, String text, String cid) {
        return new Draft(from, Optional.empty(), text, Optional.ofNullable(cid));
    }

    static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static List<Long> seqs(List<Stored> messages) {
        return messages.stream().map(Stored::seq).toList();
    }

    static final class LongRange {
        static List<Long> of(long from, long to) {
            return IntStream.rangeClosed((int) from, (int) to).mapToObj(i -> (long) i).toList();
        }
    }

    /** What one node's listener heard, in order. */
    static final class Heard implements StreamListener {
        private final List<String> events = new ArrayList<>();
        private final List<Long> seqs = new ArrayList<>();
        private final List<String> epochs = new ArrayList<>();

        @Override
        public synchronized void posted(String epoch, Stored message) {
            events.add("message " + message.seq() + " " + message.from());
            seqs.add(message.seq());
            if (!epochs.contains(epoch)) {
                epochs.add(epoch);
            }
            notifyAll();
        }

        @Override
        public synchronized void joined(String user, String content) {
            events.add("join " + user);
            notifyAll();
        }

        @Override
        public synchronized void left(String user, String content) {
            events.add("leave " + user);
            notifyAll();
        }

        /** Waits until at least these events were heard; the first that many must be these. */
        synchronized void awaitEvents(List<String> expected) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 20_000;
            while (events.size() < expected.size() && System.currentTimeMillis() < deadline) {
                wait(100);
            }
            assertEquals(expected, events.subList(0, Math.min(events.size(), expected.size())), "heard " + events);
        }

        synchronized void awaitMessages(int count) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (seqs.size() < count && System.currentTimeMillis() < deadline) {
                wait(100);
            }
            assertTrue(seqs.size() >= count, "heard " + seqs.size() + " of " + count + " messages: " + events);
        }

        synchronized List<Long> seqs() {
            return List.copyOf(seqs);
        }

        synchronized List<String> epochs() {
            return List.copyOf(epochs);
        }

        synchronized List<String> all() {
            return List.copyOf(events);
        }

        synchronized List<String> membership() {
            return events.stream().filter(e -> !e.startsWith("message")).toList();
        }
    }

}
