package dev.parley.chat.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.parley.chat.protocol.v2.Position;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The in-memory bus: numbering, history bounds, dedupe, eviction and recovery. */
class LocalBusTest {

    private static final Stream TEA = Stream.room("tea");
    private static final Stream COFFEE = Stream.room("coffee");
    private static final Stream JUICE = Stream.room("juice");

    private final MovableClock clock = new MovableClock();
    private LocalBus bus = bus(100, Duration.ofHours(1), 1 << 20, Duration.ofMinutes(2));

    @Test
    void aStreamNumbersItsMessagesAndItsListenerHearsThemInOrder() {
        Heard heard = new Heard();
        bus.subscribe(TEA, heard);
        Appended first = done(bus.append(TEA, draft("alice", "one")));
        Appended second = done(bus.append(TEA, draft("bob", "two")));
        Names.Claim carol = new Names.Claim("carol", "1");
        done(bus.announceJoin(TEA, carol, "hi"));
        Appended third = done(bus.append(TEA, draft("carol", "three")));
        done(bus.announceLeave(TEA, carol, "bye"));

        assertEquals(new Appended(first.epoch(), 1, false), first);
        assertEquals(new Appended(first.epoch(), 2, false), second);
        assertEquals(new Appended(first.epoch(), 3, false), third);
        assertEquals(List.of("1 alice: one", "2 bob: two", "joined carol hi", "3 carol: three", "left carol bye"),
                heard.events);
        assertEquals(List.of(first.epoch()), heard.epochs.stream().distinct().toList());
    }

    @Test
    void historyIsBoundedBySize() {
        bus = bus(3, Duration.ofHours(1), 1 << 20, Duration.ofMinutes(2));
        for (int n = 1; n <= 5; n++) {
            done(bus.append(TEA, draft("alice", "m" + n)));
        }
        assertEquals(List.of(3L, 4L, 5L), seqs(done(bus.before(TEA, Long.MAX_VALUE, 10, 1 << 20))));
        assertEquals(3 * weight("m1"), bus.retainedWeight());
    }

    @Test
    void historyIsBoundedByAge() {
        bus = bus(100, Duration.ofSeconds(10), 1 << 20, Duration.ofMinutes(2));
        done(bus.append(TEA, draft("alice", "old")));
        clock.advance(Duration.ofSeconds(6));
        done(bus.append(TEA, draft("alice", "new")));
        assertEquals(List.of(1L, 2L), seqs(done(bus.before(TEA, Long.MAX_VALUE, 10, 1 << 20))));

        clock.advance(Duration.ofSeconds(4)); // "old" is exactly 10 s old: still held
        assertEquals(List.of(1L, 2L), seqs(done(bus.before(TEA, Long.MAX_VALUE, 10, 1 << 20))));
        clock.advance(Duration.ofMillis(1));
        Slice slice = done(bus.before(TEA, Long.MAX_VALUE, 10, 1 << 20));
        assertEquals(List.of(2L), seqs(slice));
        assertEquals(weight("new"), bus.retainedWeight());

        clock.advance(Duration.ofSeconds(6));
        bus.sweep(); // the sweep expires too, without an access
        assertEquals(0, bus.retainedWeight());
    }

    @Test
    void overTheGlobalBoundTheLeastRecentlyActiveStreamLosesItsOldestFirst() {
        long w = weight("aaaa");
        bus = bus(100, Duration.ofHours(1), 10 * w, Duration.ofMinutes(2));
        String teaEpoch = done(bus.append(TEA, draft("alice", "aaaa"))).epoch();
        done(bus.append(TEA, draft("alice", "aaaa")));
        done(bus.append(TEA, draft("alice", "aaaa")));
        clock.advance(Duration.ofSeconds(1));
        for (int n = 0; n < 3; n++) {
            done(bus.append(COFFEE, draft("bob", "bbbb")));
        }
        clock.advance(Duration.ofSeconds(1));
        for (int n = 0; n < 4; n++) {
            done(bus.append(JUICE, draft("carol", "cccc")));
        }
        assertEquals(10 * w, bus.retainedWeight()); // at the bound, not over it

        clock.advance(Duration.ofSeconds(1));
        done(bus.append(JUICE, draft("carol", "cccc"))); // over: down to 90 %, the idlest's oldest first
        assertEquals(9 * w, bus.retainedWeight());
        assertEquals(List.of(3L), held(TEA));
        assertEquals(List.of(1L, 2L, 3L), held(COFFEE));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), held(JUICE));

        clock.advance(Duration.ofSeconds(1));
        done(bus.append(COFFEE, draft("bob", "bbbb"))); // coffee is now the most recently active
        clock.advance(Duration.ofSeconds(1));
        done(bus.append(TEA, draft("alice", "aaaa"))); // and now tea: juice is the idlest
        assertEquals(9 * w, bus.retainedWeight());
        assertEquals(List.of(3L, 4L), held(TEA));
        assertEquals(List.of(1L, 2L, 3L, 4L), held(COFFEE));
        assertEquals(List.of(3L, 4L, 5L), held(JUICE));

        // eviction loses history but keeps the numbering: a client behind the hole is not recovered
        Recovery recovery = done(bus.recover(TEA, Optional.of(new Position(teaEpoch, 1)), 10));
        assertEquals(new Recovery(teaEpoch, 4, false, recovery.messages()), recovery);
        assertEquals(List.of(3L, 4L), recovery.messages().stream().map(Stored::seq).toList());
    }

    @Test
    void theSweepForgetsAnEmptyUnheardStreamSoItStartsAfreshUnderANewEpoch() {
        bus = bus(100, Duration.ofSeconds(10), 1 << 20, Duration.ofSeconds(5));
        String firstEpoch = done(bus.append(TEA, draft("alice", "one"))).epoch();
        done(bus.append(TEA, draft("alice", "two")));
        done(bus.append(COFFEE, draft("alice", "kept")));
        bus.subscribe(JUICE, new Heard());
        assertEquals(3, bus.streamCount());

        clock.advance(Duration.ofSeconds(8));
        done(bus.append(COFFEE, draft("alice", "fresh")));
        clock.advance(Duration.ofSeconds(3));
        bus.sweep();
        // tea: empty and unheard, forgotten; coffee holds "fresh"; juice is empty but heard
        assertEquals(2, bus.streamCount());

        Appended again = done(bus.append(TEA, draft("alice", "three")));
        assertNotEquals(firstEpoch, again.epoch());
        assertEquals(new Appended(again.epoch(), 1, false), again);
        Recovery behind = done(bus.recover(TEA, Optional.of(new Position(firstEpoch, 2)), 10));
        assertEquals(again.epoch(), behind.epoch());
        assertFalse(behind.recovered());
    }

    @Test
    void aRetriedCidIsStoredOnceWithinTheWindowOnly() {
        bus = bus(100, Duration.ofHours(1), 1 << 20, Duration.ofSeconds(30));
        Heard heard = new Heard();
        bus.subscribe(TEA, heard);
        Appended first = done(bus.append(TEA, draft("alice", "hi", "c1")));
        clock.advance(Duration.ofSeconds(29));
        assertEquals(new Appended(first.epoch(), 1, true), done(bus.append(TEA, draft("alice", "hi", "c1"))));
        // the same cid from another sender, or to another stream, is another send
        assertEquals(new Appended(first.epoch(), 2, false), done(bus.append(TEA, draft("bob", "hi", "c1"))));
        assertEquals(1, done(bus.append(COFFEE, draft("alice", "hi", "c1"))).seq());
        assertEquals(List.of("1 alice: hi", "2 bob: hi"), heard.events);

        clock.advance(Duration.ofSeconds(1)); // the window of alice's first send has passed
        assertEquals(new Appended(first.epoch(), 3, false), done(bus.append(TEA, draft("alice", "hi", "c1"))));
        assertEquals(new Appended(first.epoch(), 3, true), done(bus.append(TEA, draft("alice", "hi", "c1"))));
        assertEquals(List.of("1 alice: hi", "2 bob: hi", "3 alice: hi"), heard.events);
    }

    @Test
    void aPrivateMessageIsStoredInBothInboxesAndAnsweredWithTheSendersPosition() {
        Heard alice = new Heard();
        Heard bob = new Heard();
        bus.subscribe(Stream.inbox("alice"), alice);
        bus.subscribe(Stream.inbox("bob"), bob);
        done(bus.appendPrivate(new Draft("carol", Optional.of("alice"), "first", Optional.of("k1"))));

        Appended sent = done(bus.appendPrivate(new Draft("alice", Optional.of("bob"), "psst", Optional.of("p1"))));
        assertEquals(new Appended(alice.epochs.get(0), 2, false), sent);
        assertEquals(List.of("1 carol: first", "2 alice: psst"), alice.events);
        assertEquals(List.of("1 alice: psst"), bob.events);
        assertEquals(new Appended(alice.epochs.get(0), 2, true),
                done(bus.appendPrivate(new Draft("alice", Optional.of("bob"), "psst", Optional.of("p1")))));
        assertEquals(List.of("1 alice: psst"), bob.events);
    }

    @Test
    void recoveryIsExactOrNotAtAllNeverPartial() {
        bus = bus(3, Duration.ofHours(1), 1 << 20, Duration.ofMinutes(2));
        String epoch = null;
        for (int n = 1; n <= 5; n++) {
            epoch = done(bus.append(TEA, draft("alice", "m" + n))).epoch(); // 3, 4 and 5 held
        }
        assertRecovery(epoch, 5, false, List.of(4L, 5L), Optional.of(new Position(epoch, 1)), 2);
        assertRecovery(epoch, 5, true, List.of(3L, 4L, 5L), Optional.of(new Position(epoch, 2)), 2);
        assertRecovery(epoch, 5, true, List.of(5L), Optional.of(new Position(epoch, 4)), 2);
        assertRecovery(epoch, 5, true, List.of(), Optional.of(new Position(epoch, 5)), 2);
        assertRecovery(epoch, 5, false, List.of(4L, 5L), Optional.of(new Position(epoch, 6)), 2); // from the future
        assertRecovery(epoch, 5, false, List.of(4L, 5L), Optional.of(new Position("another", 4)), 2);
        assertRecovery(epoch, 5, false, List.of(3L, 4L, 5L), Optional.empty(), 10);
        assertRecovery(epoch, 5, false, List.of(), Optional.empty(), 0);
    }

    @Test
    void recoveryAfterEverythingExpiredHoldsOnlyForAClientThatMissedNothing() {
        bus = bus(100, Duration.ofSeconds(10), 1 << 20, Duration.ofMinutes(2));
        bus.subscribe(TEA, new Heard()); // heard, so that the sweep keeps it
        String epoch = done(bus.append(TEA, draft("alice", "m1"))).epoch();
        done(bus.append(TEA, draft("alice", "m2")));
        clock.advance(Duration.ofSeconds(11));
        bus.sweep();

        assertRecovery(epoch, 2, true, List.of(), Optional.of(new Position(epoch, 2)), 5);
        assertRecovery(epoch, 2, false, List.of(), Optional.of(new Position(epoch, 1)), 5);
    }

    @Test
    void historyPagesAreBoundedByLimitAndWeight() {
        for (int n = 1; n <= 5; n++) {
            done(bus.append(TEA, draft("alice", "m" + n)));
        }
        Slice newest = done(bus.before(TEA, Long.MAX_VALUE, 2, 1 << 20));
        assertEquals(List.of(4L, 5L), seqs(newest));
        assertEquals(true, newest.more());
        Slice older = done(bus.before(TEA, 4, 2, 1 << 20));
        assertEquals(List.of(2L, 3L), seqs(older));
        assertEquals(true, older.more());
        Slice oldest = done(bus.before(TEA, 2, 2, 1 << 20));
        assertEquals(List.of(1L), seqs(oldest));
        assertEquals(false, oldest.more());

        Slice light = done(bus.before(TEA, Long.MAX_VALUE, 10, 2 * weight("m1")));
        assertEquals(List.of(4L, 5L), seqs(light));
        assertEquals(true, light.more());
        Slice one = done(bus.before(TEA, Long.MAX_VALUE, 10, 1)); // one message always goes, however heavy
        assertEquals(List.of(5L), seqs(one));
    }

    @Test
    void aDroppedStreamStartsAfresh() {
        String epoch = done(bus.append(Stream.inbox("bob"), draft("alice", "one"))).epoch();
        bus.drop(Stream.inbox("bob"));
        assertEquals(0, bus.retainedWeight());
        Appended fresh = done(bus.append(Stream.inbox("bob"), draft("alice", "two")));
        assertNotEquals(epoch, fresh.epoch());
        assertEquals(1, fresh.seq());
    }

    // ---- helpers

    private LocalBus bus(int size, Duration ttl, long maxBytes, Duration dedupe) {
        return new LocalBus(new HistoryLimits(size, ttl, maxBytes, dedupe), clock);
    }

    private void assertRecovery(String epoch, long seq, boolean recovered, List<Long> replayed,
            Optional<Position> since, int latest) {
        Recovery recovery = done(bus.recover(TEA, since, latest));
        assertEquals(List.of(epoch, seq, recovered, replayed), List.of(recovery.epoch(), recovery.seq(),
                recovery.recovered(), recovery.messages().stream().map(Stored::seq).toList()), "since " + since);
    }

    private List<Long> held(Stream stream) {
        return seqs(done(bus.before(stream, Long.MAX_VALUE, 100, 1 << 20)));
    }

    private static List<Long> seqs(Slice slice) {
        return slice.messages().stream().map(Stored::seq).toList();
    }

    private static long weight(String text) {
        return new Stored(1, 0, "x", Optional.empty(), text, Optional.empty()).weight();
    }

    private static Draft draft(String from, String text) {
        return new Draft(from, Optional.empty(), text, Optional.empty());
    }

    private static Draft draft(String from, String text, String cid) {
        return new Draft(from, Optional.empty(), text, Optional.of(cid));
    }

    /** The local bus completes every call before it returns. */
    private static <T> T done(CompletionStage<T> stage) {
        return stage.toCompletableFuture().getNow(null);
    }

    private static final class Heard implements StreamListener {
        final List<String> events = new ArrayList<>();
        final List<String> epochs = new ArrayList<>();

        @Override
        public void posted(String epoch, Stored message) {
            epochs.add(epoch);
            events.add(message.seq() + " " + message.from() + ": " + message.text());
        }

        @Override
        public void joined(String user, String content) {
            events.add("joined " + user + " " + content);
        }

        @Override
        public void left(String user, String content) {
            events.add("left " + user + " " + content);
        }
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-03-01T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
