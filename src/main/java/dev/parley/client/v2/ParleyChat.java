package dev.parley.client.v2;

import static dev.parley.client.ParleyClientException.describe;
import static dev.parley.client.ParleyClientException.rootMessage;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import dev.parley.client.Backoff;
import dev.parley.client.ChatOptions;
import dev.parley.client.ParleyClientException;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A user in a Parley chat over {@code parley.v2}: rooms, acknowledged sends, private messages, and no
 * message lost or doubled across reconnects. It keeps what it sent until the server acknowledges it and
 * sends it again with the same cid after a reconnect (the server stores a cid once); it tracks each room's
 * epoch and seq, and the inbox's, and resumes them after a reconnect (capped backoff with jitter), or
 * rejoins a room when it notices a gap live.
 *
 * <pre>{@code
 * ParleyChat chat = ParleyChat.connect(uri, Identity.user("alice"), new ChatEvents() {}, ChatOptions.defaults());
 * Room tea = chat.join("tea", listener);
 * long seq = tea.send("hello").toCompletableFuture().join();
 * chat.sendTo("bob", "psst");
 * }</pre>
 *
 * The tutorial's protocol (v1) is {@link dev.parley.client.ParleyChat}, unchanged.
 */
public final class ParleyChat implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ParleyChat.class.getName());
    /** How long a send the server could not store just then ({@code unavailable}, {@code rate_limited}) waits. */
    private static final Duration RESEND_AFTER = Duration.ofSeconds(1);
    /**
     * How soon a reconnect asks again when the server refused the hello as {@code uuid_taken}: the server is
     * up and only holds the name for the connection it lost (in a cluster, until the dead node's members are
     * evicted), so the backoff does not grow meanwhile.
     */
    private static final Duration NAME_HELD_RETRY = Duration.ofMillis(1500);

    private final URI uri;
    private final Identity identity;
    private final ChatEvents events;
    private final ChatOptions options;
    private final AtomicLong refs = new AtomicLong();

    /** Guards everything below, and each room's state. */
    final Object lock = new Object();
    private Session session;
    private CompletableFuture<Event.Welcome> welcomed = new CompletableFuture<>();
    private String user;
    /** Where the inbox stands: sent in the next hello, so that only what was missed comes again. */
    private Optional<Position> inbox = Optional.empty();
    private final Map<String, Room> rooms = new LinkedHashMap<>();
    /** Sends not yet acknowledged, by cid, in the order sent. */
    private final Map<String, Unacked> unacked = new LinkedHashMap<>();
    /** Requests waiting for their reply, by ref. */
    private final Map<String, CompletableFuture<Event>> replies = new HashMap<>();
    /** The rooms this chat asked to join again (after a reconnect or a gap), by the ref of the request. */
    private final Map<String, Room> rejoins = new HashMap<>();
    private boolean closing;
    /** Set when the connection went for good (a close not reconnected, or a hello refused on reconnect). */
    private boolean ended;
    private final Backoff backoff;

    private ParleyChat(URI uri, Identity identity, ChatEvents events, ChatOptions options) {
        this.uri = uri;
        this.identity = identity;
        this.events = events;
        this.options = options;
        this.backoff = new Backoff(options.firstRetry(), options.maxRetry());
    }

    /**
     * Connects and returns once welcomed.
     *
     * @throws ParleyClientException if the server cannot be reached or refuses the hello
     */
    public static ParleyChat connect(URI uri, Identity identity, ChatEvents events, ChatOptions options) {
        ParleyChat chat = new ParleyChat(uri, identity, events, options);
        chat.open();
        return chat;
    }

    /** The user the server welcomed this chat as. */
    public String user() {
        synchronized (lock) {
            return user;
        }
    }

    public boolean isConnected() {
        synchronized (lock) {
            return session != null && session.isOpen() && welcomed.isDone() && !welcomed.isCompletedExceptionally();
        }
    }

    /**
     * Joins {@code room} and returns it once joined; its listener has heard {@code onJoined} and the recent
     * messages by then, or hears them right after.
     *
     * @throws ParleyClientException if the server refuses the join or does not answer in time
     */
    public Room join(String room, RoomListener listener) {
        Room joining = new Room(this, room, listener);
        CompletionStage<Event> joined;
        synchronized (lock) {
            if (rooms.containsKey(room)) {
                throw new ParleyClientException("already in room '" + room + "'");
            }
            rooms.put(room, joining);
            // asked under the lock: a welcome comes either before it (and finds no room to rejoin) or after it
            // (and rejoins the room), never between, which would make two joins
            joined = request(ref -> new Request.Join(room, Optional.empty(), Optional.of(ref)));
        }
        try {
            await(joined);
            return joining;
        } catch (ParleyClientException refused) {
            synchronized (lock) {
                rooms.remove(room, joining);
            }
            throw refused;
        }
    }

    /** Sends {@code text} to {@code to} only, as {@link Room#send} does to a room; the seq is in this user's inbox. */
    public CompletionStage<Long> sendTo(String to, String text) {
        return send(Optional.empty(), Optional.of(to), text);
    }

    /** Closes the connection for good: no reconnection follows, and sends not yet acknowledged fail. */
    @Override
    public void close() {
        Session current;
        synchronized (lock) {
            closing = true;
            failUnacked("chat closed before the server acknowledged the send");
            replies.values().forEach(reply -> reply.completeExceptionally(new ParleyClientException("chat closed")));
            replies.clear();
            rejoins.clear();
            current = session;
        }
        if (current != null && current.isOpen()) {
            try {
                current.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
            } catch (IOException e) {
                LOG.fine(() -> "closing: " + e);
            }
        }
    }

    // ---- what rooms ask

    CompletionStage<Long> send(Optional<String> room, Optional<String> to, String text) {
        String cid = UUID.randomUUID().toString();
        Request request = room.isPresent() ? new Request.SendToRoom(room.get(), text, cid, Optional.empty())
                : new Request.SendToUser(to.orElseThrow(), text, cid, Optional.empty());
        Unacked send = new Unacked(request, new CompletableFuture<>());
        Session current;
        synchronized (lock) {
            if (closing) {
                throw new ParleyClientException("chat closed");
            }
            if (ended) {
                return CompletableFuture.failedFuture(new ParleyClientException("the connection ended for good"));
            }
            unacked.put(cid, send);
            current = connected();
        }
        ScheduledFuture<?> deadline = options.reconnectScheduler().schedule(() -> giveUp(cid),
                options.giveUp().toMillis(), TimeUnit.MILLISECONDS);
        send.acked.whenComplete((seq, failure) -> deadline.cancel(false)); // no give-up task left per send
        if (current != null) {
            write(current, request); // else it goes with the resends once welcomed again
        }
        return send.acked;
    }

    CompletionStage<List<Event.Message>> history(String room, OptionalLong before, int limit) {
        return request(ref -> new Request.History(room, before, limit, Optional.of(ref)))
                .thenApply(reply -> ((Event.History) reply).messages());
    }

    CompletionStage<Void> leave(Room room) {
        synchronized (lock) {
            rooms.remove(room.name(), room);
        }
        return request(ref -> new Request.Leave(room.name(), Optional.of(ref))).thenApply(left -> null);
    }

    // ---- called by V2Socket

    void onText(String text, Session from) {
        Event event;
        try {
            event = V2Json.readEvent(text);
        } catch (ProtocolException e) {
            LOG.warning(() -> "not a parley.v2 event: " + text);
            return;
        }
        if (event instanceof Event.Welcome welcome) {
            welcome(welcome, from);
        } else if (event instanceof Event.Message message) {
            message(message, from);
        } else if (event instanceof Event.Ack ack) {
            acked(ack);
        } else if (event instanceof Event.Joined joined) {
            joined(joined);
        } else if (event instanceof Event.Presence presence) {
            presence(presence);
        } else if (event instanceof Event.PresenceCount count) {
            synchronized (lock) {
                Optional.ofNullable(rooms.get(count.room())).ifPresent(room -> room.presence(count));
            }
        } else if (event instanceof Event.Error error) {
            error(error, from);
        } else if (event instanceof Event.Left left && left.ref().isEmpty()) {
            Room room;
            synchronized (lock) {
                room = rooms.get(left.room());
            }
            lost(room, "the server took the room away");
        } else {
            replied(event);
        }
    }

    void onClose(Session closed, CloseReason reason) {
        boolean willReconnect;
        synchronized (lock) {
            if (closed != session) {
                return; // an earlier connection, already replaced
            }
            boolean wasWelcomed = welcomed.isDone() && !welcomed.isCompletedExceptionally();
            welcomed.completeExceptionally(new ParleyClientException("connection closed: " + describe(reason)));
            if (!wasWelcomed) {
                return; // a connect that failed: open() says so, and a reconnect tries again
            }
            replies.values().forEach(reply -> reply.completeExceptionally(
                    new ParleyClientException("connection closed: " + describe(reason))));
            replies.clear();
            rejoins.clear(); // the next welcome asks again
            willReconnect = !closing && options.reconnect() && reconnectable(reason);
            ended = !willReconnect;
        }
        events.onDisconnect(reason, willReconnect);
        if (!willReconnect) { // after the owner heard why, so that it knows it when the sends fail
            synchronized (lock) {
                failUnacked("connection closed: " + describe(reason));
            }
        }
        if (willReconnect) {
            scheduleReconnect();
        }
    }

    /**
     * Whether coming back can help: not after a close in 4000-4099 (unauthorized, token expired: not as it
     * is), nor for a message too big (1009) or a flood (1008 "rate limit exceeded"), which sending the same
     * again would repeat. A slow consumer (1008 too) comes back and resumes.
     */
    private static boolean reconnectable(CloseReason reason) {
        int code = reason.getCloseCode().getCode();
        if (code / 100 == 40 || code == CloseReason.CloseCodes.TOO_BIG.getCode()) {
            return false;
        }
        return code != CloseReason.CloseCodes.VIOLATED_POLICY.getCode() || "slow consumer".equals(reason.getReasonPhrase());
    }

    /** Under the lock: every send still waiting fails, as nothing will send it again. */
    private void failUnacked(String why) {
        List<Unacked> abandoned = List.copyOf(unacked.values());
        unacked.clear();
        abandoned.forEach(send -> send.acked.completeExceptionally(new ParleyClientException(why)));
    }

    // ---- events

    /**
     * Welcomed, first or again: after a reconnect every room is rejoined from where it stands and every
     * unacknowledged send goes again, in order; the server handles a connection's requests one after
     * another, so each send comes after its room's join.
     */
    private void welcome(Event.Welcome welcome, Session from) {
        // queued under the lock, so that a send made meanwhile goes after these, in the order sent
        synchronized (lock) {
            if (closing) {
                return; // closed while this connection was being made: open() closes it
            }
            user = welcome.user();
            inbox = Optional.of(new Position(welcome.inbox().epoch(), welcome.inbox().seq() - welcome.inbox().missed()));
            rooms.values().forEach(room -> rejoin(room, from));
            unacked.values().forEach(send -> write(from, send.request));
            welcomed.complete(welcome);
        }
    }

    /**
     * Under the lock: asks to join {@code room} again from where it stands; its messages are dropped until
     * the {@code joined}, whose replay fills the gap. A refusal is {@link #rejoinRefused}.
     */
    private void rejoin(Room room, Session on) {
        room.rejoining = true;
        String ref = "j" + refs.incrementAndGet();
        rejoins.put(ref, room);
        write(on, new Request.Join(room.name(), room.position(), Optional.of(ref)));
    }

    /**
     * A rejoin the server refused: one it cannot take just then ({@code unavailable}, {@code rate_limited})
     * is asked again a second later; any other (the server holds as many rooms as it may, the token does not
     * allow the room) means the chat is out of the room, which its listener hears.
     */
    private void rejoinRefused(Room room, Event.Error error) {
        if (retryable(error.code())) {
            options.reconnectScheduler().schedule(() -> {
                synchronized (lock) {
                    Session current = connected();
                    if (current != null && rooms.get(room.name()) == room) {
                        rejoin(room, current);
                    }
                }
            }, RESEND_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            lost(room, "could not rejoin: " + refusal(error).getMessage());
        }
    }

    /**
     * The chat is out of {@code room} though nobody here left it: the room is dropped and its listener told,
     * unless it was left (or left and joined anew) meanwhile.
     */
    private void lost(Room room, String why) {
        boolean dropped;
        synchronized (lock) {
            dropped = room != null && rooms.remove(room.name(), room);
        }
        if (dropped) {
            room.listener.onLost(room, why);
        }
    }

    private void message(Event.Message message, Session from) {
        if (message.room().isEmpty()) {
            boolean fresh;
            synchronized (lock) {
                Position at = inbox.orElse(null);
                fresh = at == null || !at.epoch().equals(message.epoch()) || message.seq() > at.seq();
                if (fresh) {
                    inbox = Optional.of(new Position(message.epoch(), message.seq()));
                }
            }
            if (fresh) {
                events.onPrivateMessage(message);
            }
            return;
        }
        Room room;
        Room.Delivery delivery;
        synchronized (lock) {
            room = rooms.get(message.room().get());
            if (room == null) {
                return;
            }
            delivery = room.accept(message);
            if (delivery == Room.Delivery.GAP) {
                rejoin(room, from); // a hole in the numbering (the server cut us off, say): the replay repairs it
            }
        }
        if (delivery == Room.Delivery.DELIVER) {
            room.listener.onMessage(room, message);
        }
    }

    private void joined(Event.Joined joined) {
        Room room;
        synchronized (lock) {
            joined.ref().ifPresent(rejoins::remove);
            room = rooms.get(joined.room());
            if (room != null) {
                room.joined(joined);
            }
        }
        if (room != null) {
            room.listener.onJoined(room, joined.position().recovered(), joined.position().missed());
        }
        replied(joined);
    }

    private void presence(Event.Presence presence) {
        Room room;
        synchronized (lock) {
            room = rooms.get(presence.room());
            if (room != null) {
                room.presence(presence);
            }
        }
        if (room != null) {
            room.listener.onPresence(room, presence.joined(), presence.left());
        }
    }

    private void acked(Event.Ack ack) {
        Unacked send;
        synchronized (lock) {
            send = unacked.remove(ack.cid());
        }
        if (send != null) {
            send.acked.complete(ack.seq());
        }
    }

    /**
     * A refused send that may be tried again ({@code unavailable}, {@code rate_limited}) is, a second later
     * and with its cid; any other refusal fails what waited for it.
     */
    private void error(Event.Error error, Session from) {
        if (error.cid().isPresent()) {
            String cid = error.cid().get();
            Unacked send;
            synchronized (lock) {
                send = unacked.get(cid);
                if (send != null && !retryable(error.code())) {
                    unacked.remove(cid);
                }
            }
            if (send != null && retryable(error.code())) {
                options.reconnectScheduler().schedule(() -> resend(cid), RESEND_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            } else if (send != null) {
                send.acked.completeExceptionally(refusal(error));
            }
            return;
        }
        CompletableFuture<Event> reply = null;
        Room rejoined = null;
        boolean hello;
        synchronized (lock) {
            if (error.ref().isPresent()) {
                reply = replies.remove(error.ref().get());
                rejoined = rejoins.remove(error.ref().get());
            }
            hello = !welcomed.isDone();
        }
        if (rejoined != null) {
            rejoinRefused(rejoined, error);
        } else if (reply != null) {
            reply.completeExceptionally(refusal(error));
        } else if (hello) {
            welcomed.completeExceptionally(error.code() == ErrorCode.UNAUTHORIZED ? new HelloRefused(refusal(error))
                    : error.code() == ErrorCode.UUID_TAKEN ? new NameHeld(refusal(error)) : refusal(error));
        } else {
            events.onError(error.code(), error.reason());
        }
    }

    private static boolean retryable(ErrorCode code) {
        return code == ErrorCode.UNAVAILABLE || code == ErrorCode.RATE_LIMITED;
    }

    private static ParleyClientException refusal(Event.Error error) {
        return new ParleyClientException(error.code().wireName() + ": " + error.reason());
    }

    private void replied(Event event) {
        Optional<String> ref = refOf(event);
        if (ref.isEmpty()) {
            return;
        }
        CompletableFuture<Event> reply;
        synchronized (lock) {
            reply = replies.remove(ref.get());
        }
        if (reply != null) {
            reply.complete(event);
        }
    }

    private static Optional<String> refOf(Event event) {
        if (event instanceof Event.Joined joined) {
            return joined.ref();
        } else if (event instanceof Event.Left left) {
            return left.ref();
        } else if (event instanceof Event.History history) {
            return history.ref();
        } else if (event instanceof Event.Members members) {
            return members.ref();
        }
        return Optional.empty();
    }

    // ---- sending

    private interface Asking {
        Request with(String ref);
    }

    /** Sends a request with a ref of its own; the stage completes with its reply, or fails with its refusal. */
    private CompletionStage<Event> request(Asking asking) {
        String ref = "r" + refs.incrementAndGet();
        CompletableFuture<Event> reply = new CompletableFuture<>();
        synchronized (lock) {
            Session current = connected();
            if (current == null) {
                return CompletableFuture.failedFuture(new ParleyClientException("not connected to " + uri));
            }
            replies.put(ref, reply);
            write(current, asking.with(ref));
        }
        return reply.orTimeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((answer, failure) -> {
            synchronized (lock) {
                replies.remove(ref);
            }
        });
    }

    private void resend(String cid) {
        Unacked send;
        Session current;
        synchronized (lock) {
            send = unacked.get(cid);
            current = connected();
        }
        if (send != null && current != null) {
            write(current, send.request);
        }
    }

    private void giveUp(String cid) {
        Unacked send;
        synchronized (lock) {
            send = unacked.remove(cid);
        }
        if (send != null) {
            send.acked.completeExceptionally(new ParleyClientException("no acknowledgement within " + options.giveUp()));
        }
    }

    /** The open, welcomed connection, or null. */
    private Session connected() {
        return session != null && session.isOpen() && welcomed.isDone() && !welcomed.isCompletedExceptionally()
                ? session : null;
    }

    /**
     * Queues {@code request} on the connection's writer, which never blocks (so it may be called under the
     * lock); a write that fails leaves what it carried to the reconnect.
     */
    private static void write(Session to, Request request) {
        Outgoing.of(to).write(V2Json.write(request));
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ParleyClientException refused) {
                throw refused;
            }
            throw new ParleyClientException(cause instanceof TimeoutException ? "no answer in time" : rootMessage(cause),
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParleyClientException("interrupted");
        }
    }

    // ---- connecting

    private void open() {
        Session opened;
        CompletableFuture<Event.Welcome> welcome = new CompletableFuture<>();
        synchronized (lock) {
            welcomed = welcome;
        }
        try {
            opened = options.container().connectToServer(new V2Socket(this), uri);
        } catch (Exception e) {
            throw new ParleyClientException("cannot connect to " + uri + ": " + rootMessage(e), e);
        }
        Optional<Position> resume;
        synchronized (lock) {
            if (closing) { // close() came while connecting: this connection must not live on
                closeQuietly(opened);
                throw new ParleyClientException("chat closed");
            }
            session = opened;
            resume = inbox;
        }
        Request hello = identity.token().<Request>map(token -> new Request.TokenHello(token, resume, Optional.empty()))
                .or(() -> identity.user().map(name -> new Request.Hello(name, resume, Optional.empty())))
                .orElseGet(() -> new Request.LoginHello(resume, Optional.empty()));
        write(opened, hello);
        try {
            welcome.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            closeQuietly(opened);
            throw e.getCause() instanceof ParleyClientException refused ? refused
                    : new ParleyClientException("hello failed", e.getCause());
        } catch (TimeoutException e) {
            closeQuietly(opened);
            throw new ParleyClientException("no welcome from " + uri + " within " + options.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(opened);
            throw new ParleyClientException("interrupted while connecting");
        }
    }

    private void scheduleReconnect() {
        options.scheduleAttempt(this::reconnect, backoff.next());
    }

    private void reconnect() {
        synchronized (lock) {
            if (closing) {
                return;
            }
        }
        try {
            open();
        } catch (HelloRefused refused) {
            // who we are is not accepted any more (a token expired while away): trying again cannot help
            synchronized (lock) {
                ended = true;
                failUnacked("hello refused: " + refused.getMessage());
            }
            events.onDisconnect(new CloseReason(CloseReason.CloseCodes.getCloseCode(4001), refused.getMessage()), false);
            return;
        } catch (NameHeld held) {
            options.scheduleAttempt(this::reconnect, Backoff.jittered(NAME_HELD_RETRY.toMillis()));
            return;
        } catch (ParleyClientException e) {
            LOG.fine(() -> "reconnect to " + uri + " failed: " + e.getMessage());
            scheduleReconnect();
            return;
        }
        backoff.reset();
        events.onReconnect();
    }

    private static void closeQuietly(Session session) {
        try {
            session.close();
        } catch (IOException e) {
            LOG.fine(() -> "closing: " + e);
        }
    }

    /** A hello the server refused as unauthorized. */
    private static final class HelloRefused extends ParleyClientException {
        private static final long serialVersionUID = 1L;

        HelloRefused(ParleyClientException refusal) {
            super(refusal.getMessage(), refusal);
        }
    }

    /** A hello refused as {@code uuid_taken}: the name is still held for another connection. */
    private static final class NameHeld extends ParleyClientException {
        private static final long serialVersionUID = 1L;

        NameHeld(ParleyClientException refusal) {
            super(refusal.getMessage(), refusal);
        }
    }

    /** A send kept until acknowledged. */
    private record Unacked(Request request, CompletableFuture<Long> acked) {
    }
}
