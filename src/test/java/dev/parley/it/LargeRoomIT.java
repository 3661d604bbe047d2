package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import jakarta.json.JsonString;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A v2 room of {@value #MEMBERS} members, four times the presence full-limit (500 by default): presence and
 * {@code joined} go from names to counts, member pages hold everyone in order of joining, and a message
 * reaches every member once. The crowd is bare sockets ({@link RawWebSocket}), served by one thread that
 * takes what has arrived and answers the keepalive's pings; three Tyrus clients watch. The crowd connects
 * from 127.0.0.11 and up, {@value #PER_ADDRESS} to an address, under {@code parley.max-connections-per-address}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LargeRoomIT {

    private static final int MEMBERS = 2_000;
    /** {@code parley.presence.full-limit} and {@code parley.presence.interval-millis}, as the servers run. */
    private static final int FULL_LIMIT = 500;
    private static final long INTERVAL_MILLIS = 250;
    private static final int PER_ADDRESS = 150;
    /** Members who join and at once speak, all at once, once the room is full. */
    private static final int BURST = 10;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    private final String run = "lr" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36) + "-";
    private final String room = run + "room";

    private URI chat() {
        return Deployments.ws(base, "chat");
    }

    @Test
    void twoThousandMembersAreCountedPagedAndAllReached() throws Exception {
        int crowdSize = MEMBERS - 3; // and three watchers: the first two and the last to join
        List<CrowdMember> crowd = Collections.synchronizedList(new ArrayList<>());
        List<CrowdMember> burst = new ArrayList<>();
        List<Watcher> watchers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Thread pump = new Thread(() -> pump(crowd), "LargeRoomIT pump");
        pump.setDaemon(true);
        long start = System.nanoTime();
        try {
            pump.start();
            // the crowd says hello first, in parallel; the joins below are one at a time, so that their order is known
            List<Future<?>> opening = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                opening.add(pool.submit(() -> {
                    for (int i = thread; i < crowdSize + BURST; i += 4) {
                        CrowdMember member = new CrowdMember(chat(),
                                i < crowdSize ? run + i : run + "burst" + (i - crowdSize), source(i));
                        crowd.add(member);
                    }
                    return null;
                }));
            }
            for (Future<?> future : opening) {
                future.get(2, TimeUnit.MINUTES);
            }
            crowd.sort((a, b) -> a.name.compareTo(b.name)); // stable for the pump; the order is the list below
            List<CrowdMember> joining = new ArrayList<>();
            for (int i = 0; i < crowdSize; i++) {
                joining.add(find(crowd, run + i));
            }
            for (int i = 0; i < BURST; i++) {
                burst.add(find(crowd, run + "burst" + i));
            }
            long connected = System.nanoTime();

            List<String> order = new ArrayList<>();
            Watcher first = new Watcher(run + "first");
            watchers.add(first);
            checkJoined(first.name, first.join(), order);
            Watcher second = new Watcher(run + "second");
            watchers.add(second);
            checkJoined(second.name, second.join(), order);
            for (CrowdMember member : joining) {
                checkJoined(member.name, member.join(room), order);
            }
            Watcher last = new Watcher(run + "last");
            watchers.add(last);
            Event.Joined lastJoined = last.join();
            checkJoined(last.name, lastJoined, order);
            assertEquals(MEMBERS, lastJoined.count());
            long joinedAll = System.nanoTime();
            first.awaitPresence(event -> event instanceof Event.PresenceCount count && count.count() == MEMBERS,
                    "the count of " + MEMBERS);

            // every name in order of joining, a page at most 1,000
            assertEquals(order, pages(first, 1_000, 2));
            assertEquals(order, pages(last, 700, 3));
            first.user.send(new Request.Members(room, Optional.empty(), Request.MAX_MEMBERS_LIMIT + 1, Optional.of("big")));
            Event.Error tooBig = first.reply(Event.Error.class);
            assertEquals(ErrorCode.BAD_MESSAGE, tooBig.code(), "a page over 1,000: " + tooBig);
            assertEquals(Optional.of("big"), tooBig.ref());

            // one message reaches all 2,000 once: each gets it, then the next one, and nothing between
            last.user.say(room, "hello, crowd", run + "m1");
            last.user.say(room, "fence", run + "m2");
            List<Event.Message> sent = List.of(last.ownMessage(run + "m1"), last.ownMessage(run + "m2"));
            assertEquals(List.of(1L, 2L), sent.stream().map(Event.Message::seq).toList(), "the room's first messages");
            for (Watcher watcher : List.of(first, second)) {
                assertEquals(sent, List.of(watcher.reply(Event.Message.class), watcher.reply(Event.Message.class)),
                        watcher.name + "'s messages");
            }
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < joining.size(); i++) {
                CrowdMember member = joining.get(i);
                List<Event.Message> got = member.messagesUntil(2);
                if (!got.equals(sent)) {
                    wrong.add(member.name + " got " + got.stream().map(m -> m.seq() + " '" + m.text() + "'").toList());
                }
            }
            assertNone(wrong, "members that did not get the message once, then the next");
            long reached = System.nanoTime();

            // presence: names up to the limit, then counts only, at most one an interval
            List<String> presenceWrong = new ArrayList<>();
            for (int i = 0; i < joining.size(); i++) {
                checkPresence(joining.get(i).name, i + 3, joining.get(i).presence(), order, presenceWrong);
            }
            for (Watcher watcher : watchers) {
                checkPresence(watcher.name, order.indexOf(watcher.name) + 1, watcher.presence(), order, presenceWrong);
            }
            assertNone(presenceWrong, "presence as members saw it wrong");

            // count mode tells a count once an interval, also when members join and at once speak (b2d4ae0), one
            // after the other: the server tells at most one an interval, so a burst over d ms is told at most
            // d / interval + 1 times (and once more as the interval after it ends)
            long burstAt = System.nanoTime();
            for (int i = 0; i < BURST; i++) {
                burst.get(i).joinAndSay(room, "burst " + i, run + "b" + i);
                burst.get(i).awaitAck(run + "b" + i);
            }
            long burstMillis = millis(burstAt, System.nanoTime());
            first.awaitPresence(event -> event instanceof Event.PresenceCount count && count.count() == MEMBERS + BURST,
                    "the count of " + (MEMBERS + BURST));
            Thread.sleep(3 * INTERVAL_MILLIS);
            long done = System.nanoTime();
            for (Watcher watcher : List.of(first, second, last)) {
                List<Timed> told = watcher.presence().stream().filter(timed -> timed.nanos >= burstAt).toList();
                long bound = burstMillis / INTERVAL_MILLIS + 2;
                assertTrue(told.size() <= bound, watcher.name + " was told " + told.size() + " presence events for "
                        + BURST + " members who joined and spoke within " + burstMillis + " ms, more than " + bound
                        + ": " + told);
                assertEquals(new Event.PresenceCount(room, MEMBERS + BURST), told.get(told.size() - 1).event,
                        watcher.name + "'s last presence");
                long watched = millis(watcher.joinedAt, done);
                long most = watched / INTERVAL_MILLIS + 1;
                assertTrue(watcher.presence().size() <= most, watcher.name + " was told " + watcher.presence().size()
                        + " presence events in " + watched + " ms, more than one an interval of " + INTERVAL_MILLIS
                        + " ms can be");
            }
            System.out.printf("LargeRoomIT: %d connected in %d ms, joined one by one in %d ms, reached in %d ms,"
                    + " burst of %d in %d ms; presence to %s: %d events, closest %d ms apart as received%n",
                    crowd.size(), millis(start, connected), millis(connected, joinedAll), millis(joinedAll, reached),
                    BURST, burstMillis, first.name, first.presence().size(), closestMillis(first.presence()));
        } finally {
            pump.interrupt();
            watchers.forEach(Watcher::close);
            synchronized (crowd) {
                for (CrowdMember member : crowd) {
                    member.close();
                }
            }
            pool.shutdownNow();
        }
        long closing = System.nanoTime();
        awaitGone();
        System.out.printf("LargeRoomIT: all gone %d ms after closing, %d ms in all%n", millis(closing, System.nanoTime()),
                millis(start, System.nanoTime()));
    }

    /** Fails with how many went wrong and the first few, if any did. */
    private static void assertNone(List<String> wrong, String what) {
        if (!wrong.isEmpty()) {
            fail(wrong.size() + " " + what + "; the first: \n  " + String.join("\n  ", wrong.subList(0, Math.min(20, wrong.size()))));
        }
    }

    /** The crowd connects from 127.0.0.11, .12, ...: {@value #PER_ADDRESS} connections from each. */
    private static InetAddress source(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (11 + i / PER_ADDRESS)});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CrowdMember find(List<CrowdMember> crowd, String name) {
        return crowd.stream().filter(member -> member.name.equals(name)).findFirst().orElseThrow();
    }

    /**
     * The n-th member's joined reply: the count n, and the members in order of joining up to the full-limit,
     * none above it; no message yet.
     */
    private static void checkJoined(String name, Event.Joined joined, List<String> order) {
        order.add(name);
        int n = order.size();
        assertEquals(n, joined.count(), "count of the joined reply of member " + n);
        assertEquals(0, joined.position().seq(), "seq of the joined reply of member " + n);
        assertEquals(0, joined.position().missed());
        if (n <= FULL_LIMIT) {
            assertEquals(Optional.of(order), joined.members(), "members of the joined reply of member " + n);
        } else {
            assertEquals(Optional.empty(), joined.members(), "member " + n + ", over the limit of " + FULL_LIMIT
                    + ", is told the count only");
        }
    }

    /** Every page's size is what its limit says; {@code pages} pages hold everyone. */
    private List<String> pages(Watcher watcher, int limit, int pages) {
        List<String> all = new ArrayList<>();
        Optional<String> after = Optional.empty();
        for (int page = 1; page <= pages; page++) {
            watcher.user.send(new Request.Members(room, after, limit, Optional.of("p" + page)));
            Event.Members members = watcher.reply(Event.Members.class);
            assertEquals(Optional.of("p" + page), members.ref());
            int expected = Math.min(limit, MEMBERS - all.size());
            assertEquals(expected, members.users().size(), "page " + page + " of " + limit);
            all.addAll(members.users());
            if (page < pages) {
                assertEquals(Optional.of(all.get(all.size() - 1)), members.next(), "next of page " + page);
            } else {
                assertEquals(Optional.empty(), members.next(), "no next on the last page, " + page);
            }
            after = members.next();
        }
        return all;
    }

    /**
     * What the member who joined n-th was told of presence until the messages: names of those who joined
     * after it, in order and only up to the full-limit, never a leave; then counts only, each one larger, of
     * at least n, the last the whole room's.
     */
    private static void checkPresence(String name, int n, List<Timed> told, List<String> order, List<String> wrong) {
        List<String> joined = new ArrayList<>();
        int lastCount = 0;
        for (Timed timed : told) {
            if (timed.event instanceof Event.Presence presence) {
                if (lastCount > 0 || !presence.left().isEmpty()) {
                    wrong.add(name + " was told " + presence + (lastCount > 0 ? " after the count " + lastCount : ""));
                }
                joined.addAll(presence.joined());
            } else if (timed.event instanceof Event.PresenceCount count) {
                if (count.count() <= Math.max(lastCount, FULL_LIMIT) || count.count() < n) {
                    wrong.add(name + " (member " + n + ") was told the count " + count.count() + " after "
                            + lastCount);
                }
                lastCount = count.count();
            }
        }
        if (!joined.isEmpty() && (n + joined.size() > FULL_LIMIT || !joined.equals(order.subList(n, n + joined.size())))) {
            wrong.add(name + " (member " + n + ") was told these joined by name: " + joined);
        }
        if (Math.max(lastCount, n) != MEMBERS) { // the last to join may have its count from its joined reply only
            wrong.add(name + " (member " + n + ") was last told the count " + lastCount + ", not " + MEMBERS);
        }
    }

    private static long closestMillis(List<Timed> told) {
        long closest = Long.MAX_VALUE;
        for (int i = 1; i < told.size(); i++) {
            closest = Math.min(closest, (told.get(i).nanos - told.get(i - 1).nanos) / 1_000_000);
        }
        return closest;
    }

    private static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    /**
     * Takes what has arrived for the crowd, every 250 ms, answering pings (the servers under test ping after
     * a second of quiet and give up after five), until interrupted.
     */
    private static void pump(List<CrowdMember> crowd) {
        while (!Thread.currentThread().isInterrupted()) {
            List<CrowdMember> now;
            synchronized (crowd) {
                now = List.copyOf(crowd);
            }
            for (CrowdMember member : now) {
                member.pump();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The server has noticed that everyone left, so that later tests find the server as before. */
    private void awaitGone() throws IOException, InterruptedException {
        StatusPage status = new StatusPage(base);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (status.read().getJsonArray("users").getValuesAs(JsonString.class).stream()
                .anyMatch(user -> user.getString().startsWith(run))) {
            if (System.nanoTime() > deadline) {
                fail("the crowd's names are still held a minute after closing: " + status.read());
            }
            Thread.sleep(100);
        }
    }

    private record Timed(long nanos, Event event) {
    }

    private static Event event(String text) {
        try {
            return V2Json.readEvent(text);
        } catch (ProtocolException e) {
            throw new AssertionError("not a v2 event: " + text, e);
        }
    }

    private static boolean isPresence(Event event) {
        return event instanceof Event.Presence || event instanceof Event.PresenceCount;
    }

    /**
     * One of the crowd: a bare socket, read by the test while it waits for something, else by the pump,
     * which never waits for it: it skips a member the test is reading. Frames are kept as text and read as
     * events when the test looks, so that the pump keeps up with thousands of sockets.
     */
    private static final class CrowdMember {
        final String name;
        private final RawWebSocket ws;
        private final ReentrantLock lock = new ReentrantLock();
        /** Every text frame after the welcome; {@code events} is what of them has been read as events. */
        private final List<String> texts = new ArrayList<>();
        private final List<Event> events = new ArrayList<>();
        private String failure;

        CrowdMember(URI chat, String name, InetAddress from) throws IOException {
            this.name = name;
            ws = RawWebSocket.openV2(chat, from);
            if (ws.status() != 101) {
                ws.close();
                throw new AssertionError(name + "'s handshake from " + from + " got " + ws.status());
            }
            ws.sendText(V2Json.write(new Request.Hello(name, Optional.empty(), Optional.empty())));
            Event welcome = event(text(ws.read()));
            if (!(welcome instanceof Event.Welcome)) {
                throw new AssertionError(name + " got " + welcome + " for its hello");
            }
        }

        Event.Joined join(String room) throws IOException {
            lock.lock();
            try {
                ws.sendText(V2Json.write(new Request.Join(room, Optional.empty(), Optional.empty())));
                Event event = await(e -> e instanceof Event.Joined);
                return (Event.Joined) event;
            } finally {
                lock.unlock();
            }
        }

        /** Joins and speaks without waiting for the reply. */
        void joinAndSay(String room, String text, String cid) throws IOException {
            lock.lock();
            try {
                ws.sendText(V2Json.write(new Request.Join(room, Optional.empty(), Optional.empty())));
                ws.sendText(V2Json.write(new Request.SendToRoom(room, text, cid, Optional.empty())));
            } finally {
                lock.unlock();
            }
        }

        void awaitAck(String cid) throws IOException {
            lock.lock();
            try {
                await(event -> event instanceof Event.Ack ack && ack.cid().equals(cid));
            } finally {
                lock.unlock();
            }
        }

        /** The room messages it got, once the one with {@code seq} is among them. */
        List<Event.Message> messagesUntil(long seq) throws IOException {
            lock.lock();
            try {
                await(event -> event instanceof Event.Message m && m.seq() >= seq);
                return events.stream().filter(Event.Message.class::isInstance).map(Event.Message.class::cast).toList();
            } finally {
                lock.unlock();
            }
        }

        List<Timed> presence() {
            lock.lock();
            try {
                parse();
                return events.stream().filter(LargeRoomIT::isPresence).map(event -> new Timed(0, event)).toList();
            } finally {
                lock.unlock();
            }
        }

        /** Takes what has arrived, unless the test is reading this member. */
        void pump() {
            if (!lock.tryLock()) {
                return;
            }
            try {
                if (failure == null) {
                    for (RawWebSocket.Frame frame : ws.readAvailable()) {
                        texts.add(text(frame));
                    }
                }
            } catch (IOException | AssertionError e) {
                failure = e.toString();
            } finally {
                lock.unlock();
            }
        }

        /** Reads on (the socket's timeout fails a wait) until an event meets {@code condition}; returns it. */
        private Event await(Predicate<Event> condition) throws IOException {
            if (failure != null) {
                throw new AssertionError(name + " failed earlier: " + failure);
            }
            int from = 0;
            while (true) {
                parse();
                for (int i = from; i < events.size(); i++) {
                    if (condition.test(events.get(i))) {
                        return events.get(i);
                    }
                }
                from = events.size();
                texts.add(text(ws.read()));
            }
        }

        private void parse() {
            for (int i = events.size(); i < texts.size(); i++) {
                events.add(event(texts.get(i)));
            }
        }

        private String text(RawWebSocket.Frame frame) {
            if (frame.opcode() != RawWebSocket.TEXT) {
                throw new AssertionError(name + " got opcode " + frame.opcode() + (frame.opcode() == RawWebSocket.CLOSE
                        ? ", close code " + frame.closeCode() + " '" + new String(frame.payload(), 2,
                                Math.max(0, frame.payload().length - 2), java.nio.charset.StandardCharsets.UTF_8) + "'"
                        : "") + " instead of a text frame");
            }
            return frame.text();
        }

        void close() {
            try {
                ws.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** A Tyrus member whose events one thread takes: presence is recorded with its time, the rest queued. */
    private final class Watcher {
        final String name;
        final V2User user;
        private final List<Timed> presence = Collections.synchronizedList(new ArrayList<>());
        private final BlockingQueue<Event> replies = new LinkedBlockingQueue<>();
        private final Thread reader;
        private volatile boolean closing;
        private volatile AssertionError readFailure;
        /** When it asked to join: presence can be told no sooner. */
        long joinedAt;

        Watcher(String name) {
            this.name = name;
            user = V2User.hello(chat(), name);
            reader = new Thread(this::read, "LargeRoomIT " + name);
            reader.setDaemon(true);
        }

        Event.Joined join() {
            joinedAt = System.nanoTime();
            Event.Joined joined = user.join(room);
            reader.start();
            return joined;
        }

        private void read() {
            while (!closing) {
                Event event;
                try {
                    event = user.next();
                } catch (AssertionError e) {
                    if (e.getMessage() != null && e.getMessage().startsWith("no frame within")) {
                        continue; // quiet for a while: the crowd may still be connecting
                    }
                    readFailure = e;
                    return;
                }
                if (isPresence(event)) {
                    presence.add(new Timed(System.nanoTime(), event));
                } else {
                    replies.add(event);
                }
            }
        }

        /** The next event other than presence, which must be of {@code type}. */
        <T extends Event> T reply(Class<T> type) {
            try {
                Event event = replies.poll(WsClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (event == null && readFailure != null) {
                    throw new AssertionError(name + " could not read on", readFailure);
                }
                if (!type.isInstance(event)) {
                    throw new AssertionError(name + " expected " + type.getSimpleName() + ", got " + event);
                }
                return type.cast(event);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** Its own message with {@code cid}, whose ack came with it, in whichever order. */
        Event.Message ownMessage(String cid) {
            Event one = reply(Event.class);
            Event other = reply(Event.class);
            Event.Message message = (Event.Message) (one instanceof Event.Message ? one : other);
            Event ack = one == message ? other : one;
            if (!(ack instanceof Event.Ack a) || !a.cid().equals(cid) || a.seq() != message.seq()
                    || !message.cid().equals(Optional.of(cid))) {
                throw new AssertionError(name + " expected the ack and its message " + cid + ", got " + one + " and " + other);
            }
            return message;
        }

        List<Timed> presence() {
            synchronized (presence) {
                return List.copyOf(presence);
            }
        }

        void awaitPresence(Predicate<Event> condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
            while (presence().stream().noneMatch(timed -> condition.test(timed.event))) {
                if (System.nanoTime() > deadline) {
                    fail(name + " was not told " + what + " within " + WsClient.TIMEOUT + ": " + presence());
                }
                Thread.sleep(20);
            }
        }

        void close() {
            closing = true;
            user.close();
        }
    }
}
