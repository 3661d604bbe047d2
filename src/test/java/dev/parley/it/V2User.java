package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import java.net.URI;
import java.util.Optional;
import java.util.OptionalLong;

/** A {@code parley.v2} chat participant in a test: sends requests and takes the server's events in order. */
public final class V2User implements AutoCloseable {

    public static final String SUBPROTOCOL = "parley.v2";

    private final WsClient client;
    private Event.Welcome welcome;

    private V2User(WsClient client) {
        this.client = client;
    }

    /** Connects asking for {@code parley.v2}, which the server must agree to. */
    public static V2User connect(URI chat) {
        V2User user = new V2User(WsClient.connect(chat, SUBPROTOCOL));
        assertEquals(SUBPROTOCOL, user.client.subprotocol(), "negotiated subprotocol");
        return user;
    }

    /** Connects and says hello as {@code name}; returns once welcomed. */
    public static V2User hello(URI chat, String name) {
        V2User user = connect(chat);
        user.send(new Request.Hello(name, Optional.empty(), Optional.empty()));
        Event.Welcome welcome = user.next(Event.Welcome.class);
        assertEquals(name, welcome.user());
        return user;
    }

    /** Connects and says hello with a token, resuming its inbox after {@code inbox} if given; returns once welcomed. */
    public static V2User withToken(URI chat, String token, Optional<Position> inbox) {
        V2User user = connect(chat);
        user.send(new Request.TokenHello(token, inbox, Optional.empty()));
        user.welcome = user.next(Event.Welcome.class);
        return user;
    }

    /** The welcome of a hello with a token. */
    public Event.Welcome welcome() {
        return welcome;
    }

    /**
     * Says hello as {@code name} once the server has let the name go: its last holder's connection closed or
     * died, which a server notices a little later.
     */
    public static V2User helloWhenFree(URI chat, String name) {
        long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
        while (true) {
            V2User user = connect(chat);
            user.send(new Request.Hello(name, Optional.empty(), Optional.empty()));
            Event event = user.next();
            if (event instanceof Event.Welcome) {
                return user;
            }
            user.close();
            if (!(event instanceof Event.Error error) || error.code() != ErrorCode.UUID_TAKEN
                    || System.nanoTime() > deadline) {
                throw new AssertionError("could not say hello as " + name + " again: " + event);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    public WsClient raw() {
        return client;
    }

    public void send(Request request) {
        client.send(V2Json.write(request));
    }

    /** Joins and takes the {@code joined} reply (the replayed messages follow it). */
    public Event.Joined join(String room) {
        return join(room, Optional.empty());
    }

    public Event.Joined join(String room, Optional<Position> since) {
        send(new Request.Join(room, since, Optional.empty()));
        return next(Event.Joined.class);
    }

    public void leave(String room) {
        send(new Request.Leave(room, Optional.empty()));
    }

    public void say(String room, String text, String cid) {
        send(new Request.SendToRoom(room, text, cid, Optional.empty()));
    }

    public void sayTo(String to, String text, String cid) {
        send(new Request.SendToUser(to, text, cid, Optional.empty()));
    }

    public void history(String room, OptionalLong before, int limit) {
        send(new Request.History(room, before, limit, Optional.empty()));
    }

    public Event next() {
        String text = client.nextText();
        try {
            return V2Json.readEvent(text);
        } catch (ProtocolException e) {
            throw new AssertionError("not a v2 event: " + text, e);
        }
    }

    /** The next event, which must be of {@code type}. */
    public <T extends Event> T next(Class<T> type) {
        Event event = next();
        if (!type.isInstance(event)) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + event);
        }
        return type.cast(event);
    }

    /** The next event, skipping presence events, which arrive whenever the interval says. */
    public Event nextIgnoringPresence() {
        Event event;
        do {
            event = next();
        } while (event instanceof Event.Presence || event instanceof Event.PresenceCount);
        return event;
    }

    public <T extends Event> T nextIgnoringPresence(Class<T> type) {
        Event event = nextIgnoringPresence();
        if (!type.isInstance(event)) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + event);
        }
        return type.cast(event);
    }

    /**
     * After a send to a room this user is in: its ack and its own copy of the message, in whichever order
     * they come (the protocol does not fix it). Returns the ack; the copy must carry the same seq and cid.
     */
    public Event.Ack acked() {
        Event first = nextIgnoringPresence();
        Event second = nextIgnoringPresence();
        Event.Ack ack = (Event.Ack) (first instanceof Event.Ack ? first : second);
        Event other = first == ack ? second : first;
        if (!(other instanceof Event.Message echo) || echo.seq() != ack.seq() || !echo.cid().equals(Optional.of(ack.cid()))) {
            throw new AssertionError("expected an ack and its message, got " + first + " and " + second);
        }
        return ack;
    }

    /** The next event, skipping presence, must be an error with {@code code}. */
    public Event.Error expectError(ErrorCode code) {
        Event.Error error = nextIgnoringPresence(Event.Error.class);
        assertEquals(code, error.code(), "error code of " + error);
        return error;
    }

    @Override
    public void close() {
        client.close();
    }
}
