package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.bus.HistoryLimits;
import dev.parley.chat.bus.ChatBus;
import dev.parley.connection.Disconnect;
import dev.parley.security.AuthSettings;
import dev.parley.chat.bus.LocalBus;
import dev.parley.chat.protocol.ChatJson;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.V2Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.function.UnaryOperator;

/**
 * A chat engine on the in-memory bus with nothing of a container: members are {@link Peer}s that record
 * the frames written to them, time is a {@link ManualClock}, and presence flushes wait in a
 * {@link ManualScheduler} until the test moves the clock on. Everything runs on the test's thread.
 */
final class ChatTestKit {

    /** The chat event log would print every frame of every test. */
    private static final Logger EVENTS = Logger.getLogger("dev.parley.chat.events");

    static {
        EVENTS.setLevel(Level.WARNING);
    }

    static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    final ManualClock clock = new ManualClock(START);
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final ChatSettings settings;
    final LocalBus bus;
    final Chat chat;

    ChatTestKit() {
        this(settings());
    }

    ChatTestKit(Settings settings) {
        this(settings, UnaryOperator.identity());
    }

    /** A chat on the kit's bus as {@code wrapped} changes it (one that fails, say). */
    ChatTestKit(Settings settings, UnaryOperator<ChatBus> wrapped) {
        this.settings = settings.build();
        this.bus = new LocalBus(this.settings.history(), clock);
        this.chat = new Chat(this.settings, wrapped.apply(bus), scheduler, clock);
    }

    /** The kit's defaults, to be changed where a test needs to. */
    static Settings settings() {
        return new Settings();
    }

    /** A new parley.v2 connection: it has been opened, and hears nothing until it says hello. */
    V2Client v2() {
        return v2(Optional.empty());
    }

    /** A new parley.v2 connection whose handshake the server's login authenticated as {@code login}. */
    V2Client v2(Optional<String> login) {
        RecordingPeer peer = new RecordingPeer();
        ChatSession session = chat.open(Protocol.V2, peer, login);
        session.opened();
        return new V2Client(session, peer);
    }

    /** A new v1 connection: opened, so its first frame is the handshake. */
    V1Client v1() {
        RecordingPeer peer = new RecordingPeer();
        ChatSession session = chat.open(Protocol.V1, peer);
        session.opened();
        return new V1Client(session, peer);
    }

    /** Moves time on and runs the presence flushes that fall due. */
    void advance(Duration by) {
        clock.advance(by);
        scheduler.runDue();
    }

    /** Lets one presence interval pass. */
    void presenceInterval() {
        advance(settings.presenceEvery());
    }

    /** The JSON a test writes with single quotes, so that it reads like what a user types. */
    static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    // ---- the settings

    static final class Settings {
        int historySize = 100;
        Duration ttl = Duration.ofHours(1);
        long maxBytes = 1 << 20;
        Duration dedupe = Duration.ofMinutes(2);
        int onJoin = 3;
        int fullPresence = 10;
        Duration presenceEvery = Duration.ofSeconds(1);
        int roomsPerConnection = 5;
        int maxRooms = 100;
        AuthSettings auth = AuthSettings.ANONYMOUS;

        Settings historySize(int size) {
            historySize = size;
            return this;
        }

        Settings onJoin(int messages) {
            onJoin = messages;
            return this;
        }

        Settings fullPresence(int members) {
            fullPresence = members;
            return this;
        }

        Settings roomsPerConnection(int rooms) {
            roomsPerConnection = rooms;
            return this;
        }

        Settings maxRooms(int rooms) {
            maxRooms = rooms;
            return this;
        }

        Settings auth(AuthSettings settings) {
            auth = settings;
            return this;
        }

        ChatSettings build() {
            return new ChatSettings(new HistoryLimits(historySize, ttl, maxBytes, dedupe), onJoin, fullPresence,
                    presenceEvery, roomsPerConnection, maxRooms, auth);
        }
    }

    // ---- members

    /**
     * Where a session's frames go. A frame counts as received only once it has been flushed: one that the
     * engine queued and never flushed would never reach a real client either.
     */
    static final class RecordingPeer implements Peer {

        private final List<String> queued = new ArrayList<>();
        private final Queue<String> received = new ArrayDeque<>();
        /** Why the session closed its connection, once it did. */
        volatile Disconnect closed;

        @Override
        public synchronized boolean enqueue(String frame) {
            if (closed != null) {
                return false;
            }
            queued.add(frame);
            return true;
        }

        @Override
        public synchronized void flush() {
            received.addAll(queued);
            queued.clear();
        }

        /** As a connection's outbox: what was queued before the close is written, then nothing more. */
        @Override
        public synchronized void close(Disconnect why) {
            flush();
            if (closed == null) {
                closed = why;
            }
        }

        /** The next frame received and not yet taken, or null. */
        synchronized String poll() {
            return received.poll();
        }

        synchronized List<String> drain() {
            List<String> all = new ArrayList<>(received);
            received.clear();
            return all;
        }

        synchronized List<String> unflushed() {
            return List.copyOf(queued);
        }
    }

    /** What a test holds of one connection: it speaks, and takes what it received in order. */
    abstract static class Client {

        final ChatSession session;
        final RecordingPeer peer;

        Client(ChatSession session, RecordingPeer peer) {
            this.session = session;
            this.peer = peer;
        }

        /** Sends a text frame, written with single quotes for double ones. */
        void says(String singleQuoted) {
            session.text(json(singleQuoted));
        }

        void closes() {
            session.closed();
        }

        /** The next frame as it came, failing if there is none. */
        String nextFrame() {
            String frame = peer.poll();
            if (frame == null) {
                fail("expected a frame, received none" + unflushedNote());
            }
            return frame;
        }

        /** Fails on any frame received and not yet taken, or queued and never flushed. */
        void hearsNothing() {
            assertEquals(List.of(), peer.drain(), "frames received");
            assertEquals(List.of(), peer.unflushed(), "frames queued and never flushed");
        }

        /** Takes whatever was received, to start the next step from a clean slate. */
        List<String> skipAll() {
            return peer.drain();
        }

        private String unflushedNote() {
            List<String> unflushed = peer.unflushed();
            return unflushed.isEmpty() ? "" : "; queued but never flushed: " + unflushed;
        }
    }

    static final class V2Client extends Client {

        V2Client(ChatSession session, RecordingPeer peer) {
            super(session, peer);
        }

        Event next() {
            String frame = nextFrame();
            try {
                return V2Json.readEvent(frame);
            } catch (ProtocolException e) {
                throw new AssertionError("not a parley.v2 event: " + frame, e);
            }
        }

        <T extends Event> T next(Class<T> type) {
            return assertInstanceOf(type, next());
        }

        List<Event> all() {
            List<Event> events = new ArrayList<>();
            for (String frame : peer.drain()) {
                try {
                    events.add(V2Json.readEvent(frame));
                } catch (ProtocolException e) {
                    throw new AssertionError("not a parley.v2 event: " + frame, e);
                }
            }
            return events;
        }

        /** Says hello as {@code user} and returns the welcome, failing on anything else. */
        Event.Welcome hello(String user) {
            says("{'type':'hello','user':'" + user + "'}");
            Event.Welcome welcome = next(Event.Welcome.class);
            hearsNothing();
            return welcome;
        }

        /** Joins {@code room} afresh and returns the joined event; the on-join replay is left to be taken. */
        Event.Joined join(String room) {
            says("{'type':'join','room':'" + room + "'}");
            return next(Event.Joined.class);
        }
    }

    static final class V1Client extends Client {

        V1Client(ChatSession session, RecordingPeer peer) {
            super(session, peer);
        }

        ServerEvent next() {
            String frame = nextFrame();
            try {
                return ChatJson.readServerEvent(frame);
            } catch (ProtocolException e) {
                throw new AssertionError("not a v1 event: " + frame, e);
            }
        }

        /** The next frame, which must be exactly {@code singleQuoted} with double quotes. */
        void receives(String singleQuoted) {
            assertEquals(json(singleQuoted), nextFrame());
        }
    }

    // ---- time

    /** A UTC clock that stands still until the test moves it on. */
    static final class ManualClock extends Clock {

        private volatile Instant now;

        ManualClock(Instant start) {
            now = start;
        }

        synchronized void advance(Duration by) {
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
            throw new UnsupportedOperationException("the kit's clock is UTC");
        }
    }

    /**
     * A scheduler that runs nothing by itself: {@link #runDue} runs, on the caller's thread, every task
     * whose delay has passed on the manual clock, earliest first. Only one-shot {@code schedule} of a
     * Runnable is supported, which is all the engine uses.
     */
    static final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

        private final ManualClock clock;
        private final PriorityQueue<Task> tasks = new PriorityQueue<>(
                Comparator.comparingLong((Task t) -> t.dueMillis).thenComparingLong(t -> t.order));
        private long scheduled;

        ManualScheduler(ManualClock clock) {
            this.clock = clock;
        }

        @Override
        public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            Task task = new Task(command, clock.millis() + unit.toMillis(delay), scheduled++);
            tasks.add(task);
            return task;
        }

        /** Runs the tasks now due, and those they schedule that are due too. */
        void runDue() {
            Task next;
            while ((next = takeDue()) != null) {
                next.run();
            }
        }

        synchronized int pending() {
            return (int) tasks.stream().filter(t -> !t.isCancelled()).count();
        }

        private synchronized Task takeDue() {
            Task head = tasks.peek();
            if (head == null || head.dueMillis > clock.millis()) {
                return null;
            }
            return tasks.poll();
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
                TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void execute(Runnable command) {
            throw new UnsupportedOperationException("the engine only schedules");
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }

        private final class Task implements ScheduledFuture<Object> {

            final Runnable command;
            final long dueMillis;
            final long order;
            private boolean cancelled;
            private boolean done;

            Task(Runnable command, long dueMillis, long order) {
                this.command = command;
                this.dueMillis = dueMillis;
                this.order = order;
            }

            void run() {
                synchronized (this) {
                    if (cancelled) {
                        return;
                    }
                }
                command.run();
                synchronized (this) {
                    done = true;
                }
            }

            @Override
            public long getDelay(TimeUnit unit) {
                return unit.convert(dueMillis - clock.millis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public int compareTo(Delayed other) {
                return Long.compare(getDelay(TimeUnit.MILLISECONDS), other.getDelay(TimeUnit.MILLISECONDS));
            }

            @Override
            public synchronized boolean cancel(boolean mayInterruptIfRunning) {
                if (done) {
                    return false;
                }
                cancelled = true;
                return true;
            }

            @Override
            public synchronized boolean isCancelled() {
                return cancelled;
            }

            @Override
            public synchronized boolean isDone() {
                return done || cancelled;
            }

            @Override
            public Object get() {
                return null;
            }

            @Override
            public Object get(long timeout, TimeUnit unit) {
                return null;
            }
        }
    }
}
