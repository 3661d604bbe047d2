package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code parley.v2} member of one room, as a client that must never lose a message would be written: it
 * checks that every message it is delivered is the room's next seq (no gap, no duplicate, one epoch), and
 * when its connection dies it connects again (through a load balancer, to whichever node) and resumes the
 * room after the last seq it had. A send is retried with its cid until acknowledged. One thread drives it.
 */
final class Follower implements AutoCloseable {

    /** How long a reconnect may keep finding the name taken: its old node's members are evicted after the TTL. */
    private static final Duration NAME_FREED = Duration.ofSeconds(30);

    /** Longer than any quiet spell a failure test has: a node's death goes unnoticed for its TTL. */
    private static final Duration SILENCE = Duration.ofSeconds(30);

    final String name;
    final String room;
    /** Every room message delivered, in seq order, replays included. */
    final List<Event.Message> messages = new ArrayList<>();
    /** When each of {@link #messages} arrived ({@link System#nanoTime}). */
    final List<Long> arrivals = new ArrayList<>();
    /** Every presence event delivered. */
    final List<Event.Presence> presence = new ArrayList<>();
    /** When each of {@link #presence} arrived. */
    final List<Long> presenceArrivals = new ArrayList<>();
    /** Every error it was answered, and when ({@link System#nanoTime}). */
    final List<Event.Error> errors = new ArrayList<>();
    final List<Long> errorArrivals = new ArrayList<>();
    /** The close codes its connections were closed with, and when. */
    final List<Integer> closeCodes = new ArrayList<>();
    final List<Long> closeArrivals = new ArrayList<>();
    /** How often it connected again. */
    int reconnects;
    private RawWebSocket socket;
    private String epoch;

    private Follower(String name, String room) {
        this.name = name;
        this.room = room;
    }

    /** Says hello on {@code chat} and joins {@code room} afresh. */
    static Follower join(URI chat, String name, String room) throws IOException, InterruptedException {
        Follower follower = new Follower(name, room);
        follower.connect(chat);
        return follower;
    }

    /** The last seq delivered, 0 before any. */
    long seq() {
        return messages.isEmpty() ? 0 : messages.get(messages.size() - 1).seq();
    }

    /**
     * Connects, says hello (again, while its old connection's name is still held: until its node notices
     * or is evicted), and joins, resuming after the last seq delivered.
     */
    void connect(URI chat) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + NAME_FREED.toNanos();
        while (true) {
            socket = RawWebSocket.openV2(chat);
            socket.readTimeout(SILENCE);
            socket.sendText(V2Json.write(new Request.Hello(name, Optional.empty(), Optional.empty())));
            Event answer = nextReply();
            if (answer instanceof Event.Welcome) {
                break;
            }
            socket.close();
            if (answer instanceof Event.Error error && error.code() == ErrorCode.UNAVAILABLE) {
                throw new IOException(name + ": this node cannot reach Redis");
            }
            if (!(answer instanceof Event.Error error) || error.code() != ErrorCode.UUID_TAKEN
                    || System.nanoTime() > deadline) {
                throw new AssertionError(name + " could not say hello: " + answer);
            }
            Thread.sleep(100);
        }
        Optional<Position> since = epoch == null ? Optional.empty() : Optional.of(new Position(epoch, seq()));
        socket.sendText(V2Json.write(new Request.Join(room, since, Optional.empty())));
        Event reply = nextReply();
        if (reply instanceof Event.Error error && error.code() == ErrorCode.UNAVAILABLE) {
            socket.close();
            throw new IOException(name + ": this node cannot reach Redis");
        }
        if (!(reply instanceof Event.Joined joined)) {
            throw new AssertionError(name + ": expected Joined, got " + reply);
        }
        if (epoch == null) {
            epoch = joined.position().epoch();
            long first = joined.position().seq() - joined.position().missed();
            for (int i = 0; i < joined.position().missed(); i++) {
                Event.Message replayed = (Event.Message) expect(Event.Message.class);
                assertEquals(first + i + 1, replayed.seq(), name + ": the recent conversation, in order");
                messages.add(replayed);
                arrivals.add(System.nanoTime());
            }
            return;
        }
        assertTrue(joined.position().recovered(), name + " resumed after " + since.get() + ": " + joined);
        for (int i = 0; i < joined.position().missed(); i++) {
            take(expect(Event.Message.class));
        }
    }

    /** Sends {@code text} until it is acknowledged, through reconnects; returns the ack. */
    Event.Ack send(String text, String cid, URI reconnectTo) throws IOException, InterruptedException {
        while (true) {
            try {
                socket.sendText(V2Json.write(new Request.SendToRoom(room, text, cid, Optional.empty())));
                while (true) {
                    Event event = next();
                    if (event instanceof Event.Ack ack && ack.cid().equals(cid)) {
                        return ack;
                    }
                    if (event instanceof Event.Error error && error.cid().equals(Optional.of(cid))) {
                        errors.add(error);
                        errorArrivals.add(System.nanoTime());
                        if (error.code() != ErrorCode.UNAVAILABLE) {
                            throw new AssertionError(name + ": " + cid + " refused: " + error);
                        }
                        Thread.sleep(100); // the cluster could not reach Redis: the same cid again
                        break;
                    }
                }
            } catch (IOException connectionLost) {
                reconnect(reconnectTo);
            }
        }
    }

    /** Takes events until {@code total} messages have been delivered, through reconnects. */
    void awaitMessages(long total, URI reconnectTo) throws IOException, InterruptedException {
        while (seq() < total) {
            try {
                next();
            } catch (IOException connectionLost) {
                reconnect(reconnectTo);
            }
        }
    }

    /** Connects again until a node takes it: one that is out of the cluster closes it at once (1012). */
    private void reconnect(URI chat) throws InterruptedException {
        long deadline = System.nanoTime() + NAME_FREED.toNanos();
        while (true) {
            try {
                socket.close();
                connect(chat);
                reconnects++;
                return;
            } catch (IOException refused) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + " found no node to resume on", refused);
                }
                Thread.sleep(100);
            }
        }
    }

    /** The next event; a room message is checked and recorded, presence recorded. */
    Event next() throws IOException {
        Event event = read();
        if (event instanceof Event.Message message && message.room().equals(Optional.of(room))) {
            take(message);
        } else if (event instanceof Event.Presence change) {
            heard(change);
        }
        return event;
    }

    private void heard(Event.Presence change) {
        presence.add(change);
        presenceArrivals.add(System.nanoTime());
    }

    /** How many presence events told that {@code user} left. */
    long leavesOf(String user) {
        return presence.stream().filter(p -> p.left().contains(user)).count();
    }

    /** How many presence events told that {@code user} joined. */
    long joinsOf(String user) {
        return presence.stream().filter(p -> p.joined().contains(user)).count();
    }

    /** The texts of the messages delivered, in order. */
    List<String> texts() {
        return messages.stream().map(Event.Message::text).toList();
    }

    /** When the first presence event that told that {@code user} left arrived; fails if none did. */
    long leftAt(String user) {
        for (int i = 0; i < presence.size(); i++) {
            if (presence.get(i).left().contains(user)) {
                return presenceArrivals.get(i);
            }
        }
        throw new AssertionError(name + " was never told that " + user + " left");
    }

    /** When the first message to arrive after {@code nanoTime} arrived; fails if none did. */
    long firstMessageAfter(long nanoTime) {
        return arrivals.stream().filter(at -> at > nanoTime).findFirst()
                .orElseThrow(() -> new AssertionError(name + " got no message after it"));
    }

    /** Fails unless it has every one of {@code each} messages of each of {@code senders} ("s:n"), each once, in order. */
    void assertHasAllInOrder(int senders, int each) {
        int[] next = new int[senders];
        for (Event.Message message : messages) {
            String[] parts = message.text().split(":");
            int s = Integer.parseInt(parts[0]);
            assertEquals(next[s], Integer.parseInt(parts[1]), name + ": sender " + s + "'s order");
            next[s]++;
        }
        for (int s = 0; s < senders; s++) {
            assertEquals(each, next[s], name + ": messages of sender " + s);
        }
    }

    private void take(Event event) {
        Event.Message message = (Event.Message) event;
        assertEquals(epoch, message.epoch(), name + ": one epoch throughout");
        assertEquals(seq() + 1, message.seq(), name + ": the seq after " + seq() + " (" + message + ")");
        messages.add(message);
        arrivals.add(System.nanoTime());
    }

    /** The next reply to a request: presence is recorded on the way. */
    private Event nextReply() throws IOException {
        Event event;
        do {
            event = read();
            if (event instanceof Event.Presence change) {
                heard(change);
            }
        } while (event instanceof Event.Presence || event instanceof Event.PresenceCount);
        return event;
    }

    private Event expect(Class<? extends Event> type) throws IOException {
        Event event = nextReply();
        if (!type.isInstance(event)) {
            throw new AssertionError(name + ": expected " + type.getSimpleName() + ", got " + event);
        }
        return event;
    }

    /** The next event; a connection that dies is an IOException, one that goes silent a failure. */
    private Event read() throws IOException {
        RawWebSocket.Frame frame;
        try {
            frame = socket.read();
        } catch (SocketTimeoutException silent) {
            throw new AssertionError(name + ": nothing came for " + SILENCE.toSeconds() + " s, at seq " + seq(), silent);
        }
        if (frame.opcode() == RawWebSocket.CLOSE) {
            closeCodes.add(frame.closeCode());
            closeArrivals.add(System.nanoTime());
            throw new IOException(name + "'s connection was closed with " + frame.closeCode());
        }
        try {
            return V2Json.readEvent(frame.text());
        } catch (ProtocolException e) {
            throw new AssertionError("not a v2 event: " + frame.text(), e);
        }
    }

    /** Drops the connection as a dying network does (a reset, no close frame). */
    void cut() throws IOException {
        socket.cut();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
