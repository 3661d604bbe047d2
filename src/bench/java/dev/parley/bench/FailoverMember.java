package dev.parley.bench;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import dev.parley.it.RawWebSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A {@code parley.v2} member of one room, on a socket and a thread of its own, written as a client that
 * must lose no message: when its connection dies it connects to its other node, says hello again until its
 * name is free (a dead node's names are freed when the others evict it, after its TTL), and joins with
 * {@code since} at the last seq it had. It keeps every seq delivered, and counts the ones delivered twice.
 */
final class FailoverMember {

    /**
     * The first pause before trying again while the name is still held or the node answered {@code
     * unavailable}; each next pause is twice the last, up to {@link #RETRY_CAP}, half of it at random, so
     * that thousands of clients back off and spread rather than swamp the nodes left.
     */
    static final Duration RETRY = Duration.ofMillis(250);
    static final Duration RETRY_CAP = Duration.ofSeconds(2);
    /** Before connecting again when a node refused the connection. */
    private static final Duration CONNECT_RETRY = Duration.ofMillis(200);
    private static final long STACK_BYTES = 256 * 1024;

    private final String name;
    private final String room;
    private final InetAddress source;
    private final URI first;
    private final URI fallback;
    private final Semaphore entering;
    private final CountDownLatch joined = new CountDownLatch(1);
    private final Thread thread;

    // written by the member's thread; read by others once it has stopped, or as progress (volatile)
    private final BitSet seqs = new BitSet();
    private long duplicates;
    /** What the first message delivered twice was, and where it came, to tell the server's part from ours. */
    private String firstDuplicate;
    /** The last join: its since, its answer, and the messages delivered after the answer. */
    private long joinedSince;
    private Event.Resume joinedAt;
    private long sinceJoined;
    private String epoch;
    private volatile long highest;
    private volatile long resumedAt;
    private volatile boolean recovered = true;
    private volatile int helloRefusals;
    private volatile int unavailable;
    private volatile int reconnects;
    private volatile String failure;
    private volatile boolean stopping;
    private volatile RawWebSocket socket;

    /**
     * A member that enters on {@code first} (while it holds one of {@code entering}'s permits) from {@code
     * source}, and goes to {@code fallback} once {@code first} is lost.
     */
    FailoverMember(String name, String room, InetAddress source, URI first, URI fallback, Semaphore entering) {
        this.name = name;
        this.room = room;
        this.source = source;
        this.first = first;
        this.fallback = fallback;
        this.entering = entering;
        this.thread = new Thread(null, this::run, name, STACK_BYTES);
        thread.setDaemon(true);
    }

    String room() {
        return room;
    }

    void start() {
        thread.start();
    }

    /** Waits until it has joined its room the first time; false if it did not within {@code limit}. */
    boolean awaitJoined(Duration limit) throws InterruptedException {
        return joined.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            entering.acquire();
            try {
                enter(first);
            } finally {
                entering.release();
            }
            joined.countDown();
            while (!stopping) {
                try {
                    read();
                } catch (IOException lost) {
                    if (stopping) {
                        break;
                    }
                    reconnects++;
                    closeQuietly();
                    if (enterAgain()) {
                        resumedAt = System.nanoTime();
                    }
                }
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (IOException | ProtocolException | RuntimeException e) {
            if (!stopping) {
                failure = e.toString();
            }
        } finally {
            joined.countDown();
            closeQuietly();
        }
    }

    /**
     * Connects to the fallback until a connection takes (the node may refuse while it is swamped); false
     * if stopped first.
     */
    private boolean enterAgain() throws InterruptedException, ProtocolException {
        while (!stopping) {
            try {
                enter(fallback);
                return true;
            } catch (IOException refused) {
                closeQuietly();
                Thread.sleep(CONNECT_RETRY.toMillis());
            }
        }
        return false;
    }

    /**
     * Connects, says hello until the name is its own, and joins, resuming after the last seq if it had one.
     * A request answered {@code unavailable} (the node could not reach Redis in time) leaves the connection
     * in a state the client cannot know (a hello so answered may have taken the name all the same: a hello
     * again is refused {@code already_registered}), so the client starts over on a new connection.
     */
    private void enter(URI node) throws IOException, InterruptedException, ProtocolException {
        for (int tries = 0; ; tries++) {
            try {
                attempt(node);
                return;
            } catch (Unavailable answered) {
                unavailable++;
                closeQuietly();
                backOff(tries);
            }
        }
    }

    private void attempt(URI node) throws IOException, InterruptedException, ProtocolException, Unavailable {
        socket = RawWebSocket.openV2(node, source);
        socket.readTimeout(Duration.ZERO); // a quiet room is no failure; stop() closes the socket
        String hello = V2Json.write(new Request.Hello(name, Optional.empty(), Optional.empty()));
        for (int tries = 0; request(hello, Event.Welcome.class).isEmpty(); tries++) {
            helloRefusals++;
            backOff(tries);
        }
        Optional<Position> since = epoch == null ? Optional.empty() : Optional.of(new Position(epoch, highest));
        joinedSince = highest;
        joinedAt = null;
        Event.Joined join = (Event.Joined) request(V2Json.write(new Request.Join(room, since, Optional.empty())),
                Event.Joined.class).orElseThrow(() -> new IllegalStateException(name + ": join answered uuid_taken"));
        synchronized (seqs) {
            joinedAt = join.position();
            sinceJoined = 0;
        }
        if (epoch == null) {
            epoch = join.position().epoch();
        } else if (!join.position().recovered() || !epoch.equals(join.position().epoch())) {
            recovered = false;
        }
    }

    /** Sends {@code request}: its {@code reply}, or none if the name is still held ({@code uuid_taken}). */
    private Optional<Event> request(String request, Class<? extends Event> reply)
            throws IOException, ProtocolException, Unavailable {
        socket.sendText(request);
        Event answer = nextReply();
        if (reply.isInstance(answer)) {
            return Optional.of(answer);
        }
        if (answer instanceof Event.Error error && error.code() == ErrorCode.UUID_TAKEN) {
            return Optional.empty();
        }
        if (answer instanceof Event.Error error && error.code() == ErrorCode.UNAVAILABLE) {
            throw new Unavailable();
        }
        throw new IllegalStateException(name + ": " + request + " answered " + answer);
    }

    /** Waits before try {@code tries + 1}: doubling from {@link #RETRY} up to {@link #RETRY_CAP}, half of it at random. */
    private static void backOff(int tries) throws InterruptedException {
        long pause = Math.min(RETRY_CAP.toMillis(), RETRY.toMillis() << Math.min(tries, 10));
        Thread.sleep(pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1));
    }

    /** A request was answered {@code unavailable}. */
    private static final class Unavailable extends Exception {
        Unavailable() {
            super(null, null, false, false);
        }
    }

    /** Reads one frame and keeps it if it is a message of the room. */
    private void read() throws IOException, ProtocolException {
        RawWebSocket.Frame frame = socket.read();
        if (frame.opcode() == RawWebSocket.CLOSE) {
            throw new IOException(name + "'s connection was closed with " + frame.closeCode());
        }
        if (V2Json.readEvent(frame.text()) instanceof Event.Message message
                && message.room().equals(Optional.of(room))) {
            take(message.seq());
        }
    }

    private void take(long seq) {
        synchronized (seqs) {
            if (seqs.get((int) seq)) {
                duplicates++;
                if (firstDuplicate == null) {
                    firstDuplicate = name + ": seq " + seq + " again, " + (joinedAt == null
                            ? "before the answer to its join since seq " + joinedSince
                            : "the " + (sinceJoined + 1) + "th message after its join since seq " + joinedSince
                                    + " (answered: seq " + joinedAt.seq() + ", missed " + joinedAt.missed() + ")");
                }
            }
            seqs.set((int) seq);
            sinceJoined++;
        }
        highest = Math.max(highest, seq);
    }

    /** The next reply to a request; messages on the way are kept, presence skipped. */
    private Event nextReply() throws IOException, ProtocolException {
        while (true) {
            RawWebSocket.Frame frame = socket.read();
            if (frame.opcode() == RawWebSocket.CLOSE) {
                throw new IOException(name + "'s connection was closed with " + frame.closeCode());
            }
            Event event = V2Json.readEvent(frame.text());
            if (event instanceof Event.Message message && message.room().equals(Optional.of(room))) {
                take(message.seq());
            } else if (!(event instanceof Event.Presence || event instanceof Event.PresenceCount)) {
                return event;
            }
        }
    }

    /** The highest seq delivered so far. */
    long highest() {
        return highest;
    }

    /** When it had joined again after losing its connection ({@link System#nanoTime}); 0 if it has not. */
    /** Lost its connection and never got back: what it is owed is not lost, it never came to fetch it. */
    boolean away() {
        return reconnects > 0 && resumedAt == 0;
    }

    long resumedAt() {
        return resumedAt;
    }

    /** How many of {@code acked} were never delivered to it. */
    long missing(BitSet acked) {
        synchronized (seqs) {
            BitSet missing = (BitSet) acked.clone();
            missing.andNot(seqs);
            return missing.cardinality();
        }
    }

    long duplicates() {
        synchronized (seqs) {
            return duplicates;
        }
    }

    /** The first message delivered twice, and where; none if none was. */
    Optional<String> firstDuplicate() {
        synchronized (seqs) {
            return Optional.ofNullable(firstDuplicate);
        }
    }

    /** False if a resume did not recover (a new epoch, or messages no longer held). */
    boolean recovered() {
        return recovered;
    }

    int helloRefusals() {
        return helloRefusals;
    }

    /** How often a hello or join was answered {@code unavailable}, and the client started over. */
    int unavailable() {
        return unavailable;
    }

    int reconnects() {
        return reconnects;
    }

    /** What stopped it, if something other than {@link #stop()} did. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    void stop() throws InterruptedException {
        stopping = true;
        closeQuietly();
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }

    private void closeQuietly() {
        RawWebSocket open = socket;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // gone already
            }
        }
    }
}
