package dev.parley.chat;

import dev.parley.chat.bus.Appended;
import dev.parley.chat.bus.Names;
import dev.parley.chat.bus.Stored;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import dev.parley.connection.Disconnect;
import dev.parley.ops.Meters;
import dev.parley.security.AuthSettings;
import dev.parley.security.TokenVerifier;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@code parley.v2} connection: {@code hello} first, then rooms, sends with acks, history and member
 * pages. The container hands it one frame at a time.
 */
final class V2Session implements ChatSession {

    private static final Logger LOG = Logger.getLogger(V2Session.class.getName());
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final Chat chat;
    private final Peer peer;
    /** Who the server's login says the handshake's user is, if anyone. */
    private final Optional<String> login;
    private final Turns turns = new Turns();
    /** The name this session holds, once {@code hello} is done. */
    private String user;
    private Names.Claim claim;
    /** Its user's inbox's delivery here, once {@code hello} is done. */
    private Receiver inbox;
    private final Map<String, RoomMember> rooms = new LinkedHashMap<>();
    /** Who the token says the user is, where tokens are required; null before the hello. */
    private TokenVerifier.Identity identity;
    /** Where tokens are required: the close that comes unless a hello comes first. */
    private ScheduledFuture<?> helloDeadline;
    /** The check of the token's expiry, once there is a token; a refresh moves the expiry, not the check. */
    private ScheduledFuture<?> expiry;
    private boolean gone;

    V2Session(Chat chat, Peer peer, Optional<String> login) {
        this.chat = chat;
        this.peer = peer;
        this.login = login;
    }

    /** A v2 client speaks first; where users are authenticated, it must say hello in time. */
    @Override
    public void opened() {
        AuthSettings auth = chat.settings().auth();
        if (auth.authenticates()) {
            helloDeadline = chat.schedule(auth.helloTimeout(), this, session -> session.turns.next(() -> {
                if (session.user == null && !session.gone) {
                    session.unauthorized("no hello within " + auth.helloTimeout().toSeconds() + " s", Optional.empty());
                }
                return DONE;
            }));
        }
    }

    @Override
    public void text(String text) {
        turns.next(() -> handle(text));
    }

    /** Handles one request; what it returns is what the next one waits for (a name's claim, say). */
    private CompletionStage<?> handle(String text) {
        Request request;
        try {
            request = V2Json.readRequest(text);
        } catch (ProtocolException refused) {
            refuse(refused.error().code(), refused.error().reason(), refused.ref(), refused.cid());
            return DONE;
        }
        if (user == null && !(request instanceof Request.Hello || request instanceof Request.TokenHello
                || request instanceof Request.LoginHello)) {
            refuse(ErrorCode.HELLO_FIRST, "say hello first", request.ref(), cidOf(request));
            return DONE;
        }
        // Java 17 has no pattern switch: one instanceof per record of the sealed interface
        if (request instanceof Request.Hello hello) {
            return hello(hello);
        } else if (request instanceof Request.TokenHello hello) {
            return hello(hello);
        } else if (request instanceof Request.LoginHello hello) {
            return hello(hello);
        } else if (request instanceof Request.Refresh refresh) {
            refresh(refresh);
        } else if (request instanceof Request.SendToUser send) {
            return send(send);
        } else if (request instanceof Request.Join join) {
            return join(join);
        } else if (request instanceof Request.Leave leave) {
            return leave(leave);
        } else if (request instanceof Request.SendToRoom send) {
            send(send);
        } else if (request instanceof Request.History history) {
            history(history);
        } else if (request instanceof Request.Members members) {
            members(members);
        }
        return DONE;
    }

    @Override
    public void binary() {
        refuse(ErrorCode.BAD_MESSAGE, "chat messages are JSON text frames, not binary", Optional.empty(),
                Optional.empty());
    }

    @Override
    public void rateLimited() {
        refuse(ErrorCode.RATE_LIMITED, "too many messages: this one was dropped", Optional.empty(), Optional.empty());
    }

    @Override
    public void closed() {
        turns.next(() -> {
            gone = true;
            cancelDeadlines();
            if (user != null) {
                // the name goes back once the leaves are made: a new holder of a freed anonymous name must
                // find the old one's memberships gone, or its own join would count as the same user's
                CompletableFuture<?>[] leaves = rooms.entrySet().stream().map(in -> watch(chat.leave(in.getValue(),
                        in.getKey(), ""), Optional.empty(), Optional.empty()).toCompletableFuture())
                        .toArray(CompletableFuture[]::new);
                rooms.clear();
                chat.closeInbox(inbox);
                Names.Claim held = claim;
                CompletableFuture.allOf(leaves).handle((done, failure) -> null)
                        .thenCompose(done -> watch(chat.names().release(held), Optional.empty(), Optional.empty()));
            }
            return DONE;
        });
    }

    private CompletionStage<?> hello(Request.Hello hello) {
        if (user != null) {
            return alreadyHello(hello.ref());
        }
        AuthSettings auth = chat.settings().auth();
        if (auth.requiresTokens()) {
            unauthorized("this server takes a token in hello, not a user", hello.ref());
            return DONE;
        }
        if (auth.requiresLogin()) {
            if (!login.equals(Optional.of(hello.user()))) {
                unauthorized(login.map(name -> "you are logged in as '" + name + "'").orElse("you are not logged in"),
                        hello.ref());
                return DONE;
            }
            return loggedIn(hello.inbox(), hello.ref());
        }
        return claim(hello.user(), hello.inbox(), hello.ref());
    }

    /** A hello where the server's login says who the user is. */
    private CompletionStage<?> hello(Request.LoginHello hello) {
        if (user != null) {
            return alreadyHello(hello.ref());
        }
        if (!chat.settings().auth().requiresLogin()) {
            refuse(ErrorCode.BAD_MESSAGE, "a hello here names its " + (chat.settings().auth().requiresTokens()
                    ? "token" : "user"), hello.ref(), Optional.empty());
            return DONE;
        }
        return loggedIn(hello.inbox(), hello.ref());
    }

    /** The user is the login's, if it can be a user's name here. */
    private CompletionStage<?> loggedIn(Optional<Position> since, Optional<String> ref) {
        if (login.isEmpty()) {
            unauthorized("you are not logged in", ref);
            return DONE;
        }
        String name = login.get();
        if (!V2Json.isValidName(name) || name.startsWith(AuthSettings.GUEST_PREFIX)) {
            unauthorized("your login's name cannot be a user name here", ref);
            return DONE;
        }
        return claim(name, since, ref);
    }

    private CompletionStage<?> alreadyHello(Optional<String> ref) {
        refuse(ErrorCode.ALREADY_REGISTERED, "this connection is already '" + user + "'", ref, Optional.empty());
        return DONE;
    }

    /** A hello with a token: the user is the token's subject, once its signature and dates check out. */
    private CompletionStage<?> hello(Request.TokenHello hello) {
        if (user != null) {
            return alreadyHello(hello.ref());
        }
        Optional<TokenVerifier> tokens = chat.settings().auth().tokens();
        if (tokens.isEmpty()) {
            refuse(ErrorCode.BAD_MESSAGE, "this server takes a user in hello, not a token", hello.ref(), Optional.empty());
            return DONE;
        }
        TokenVerifier.Identity verified;
        try {
            verified = verify(tokens.get(), hello.token());
        } catch (TokenVerifier.InvalidToken invalid) {
            unauthorized(invalid.getMessage(), hello.ref());
            return DONE;
        }
        identity = verified;
        return claim(verified.user(), hello.inbox(), hello.ref()).thenRun(() -> {
            if (user != null) {
                checkExpiry();
            }
        });
    }

    private static TokenVerifier.Identity verify(TokenVerifier tokens, String token) throws TokenVerifier.InvalidToken {
        TokenVerifier.Identity verified = tokens.verify(token);
        if (!V2Json.isValidName(verified.user())) {
            throw new TokenVerifier.InvalidToken("the token's user (sub) is not a valid user name");
        }
        if (verified.user().startsWith(AuthSettings.GUEST_PREFIX)) {
            throw new TokenVerifier.InvalidToken("names starting with '" + AuthSettings.GUEST_PREFIX
                    + "' are anonymous users' here");
        }
        return verified;
    }

    /** An anonymous name is one session's; an authenticated user's is up to as many as its devices may be. */
    private CompletionStage<?> claim(String name, Optional<Position> since, Optional<String> ref) {
        int most = chat.settings().auth().holdersOf(name);
        return watch(chat.names().claim(name, most).thenCompose(held -> {
            if (held.isPresent()) {
                return welcome(held.get(), since, ref);
            }
            if (most == 1) {
                refuse(ErrorCode.UUID_TAKEN, "user '" + name + "' is taken", ref, Optional.empty());
            } else {
                refuse(ErrorCode.TOO_MANY_CONNECTIONS, "user '" + name + "' holds " + most
                        + " connections already; close one first", ref, Optional.empty());
            }
            return DONE;
        }), ref, Optional.empty());
    }

    /** A new token for the same user moves the connection's expiry, and may change the rooms it may join. */
    private void refresh(Request.Refresh refresh) {
        Optional<TokenVerifier> tokens = chat.settings().auth().tokens();
        if (tokens.isEmpty()) {
            refuse(ErrorCode.BAD_MESSAGE, "this server takes no tokens", refresh.ref(), Optional.empty());
            return;
        }
        try {
            TokenVerifier.Identity verified = verify(tokens.get(), refresh.token());
            if (!verified.user().equals(user)) {
                throw new TokenVerifier.InvalidToken("the token is another user's");
            }
            identity = verified;
            send(new Event.Refreshed(verified.expires(), refresh.ref()));
            for (String room : List.copyOf(rooms.keySet())) {
                if (!verified.mayJoin(room)) { // the new token takes the room away
                    RoomMember member = rooms.remove(room);
                    reply(chat.leave(member, room, "").thenApply(done -> new Event.Left(room, Optional.empty())),
                            Optional.empty(), Optional.empty());
                }
            }
        } catch (TokenVerifier.InvalidToken invalid) {
            unauthorized(invalid.getMessage(), refresh.ref());
        }
    }

    /**
     * The connection closes with 4003 at its token's expiry plus the grace. One check is pending at a time:
     * when it comes due and a refresh moved the expiry meanwhile, it waits again, for the new one.
     */
    private void checkExpiry() {
        Duration left = Duration.between(chat.now(), identity.expires()).plus(chat.settings().auth().grace());
        if (left.isNegative() || left.isZero()) {
            peer.close(Disconnect.TOKEN_EXPIRED);
            return;
        }
        expiry = chat.schedule(left, this, session -> session.turns.next(() -> {
            if (!session.gone) {
                session.checkExpiry();
            }
            return DONE;
        }));
    }

    private void cancelDeadlines() {
        cancel(helloDeadline);
        cancel(expiry);
    }

    private static void cancel(ScheduledFuture<?> deadline) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** A missing or bad token: the client is told why, then the connection closes with 4001. */
    private void unauthorized(String reason, Optional<String> ref) {
        cancelDeadlines();
        refuse(ErrorCode.UNAUTHORIZED, reason, ref, Optional.empty());
        peer.close(Disconnect.UNAUTHORIZED);
    }

    /**
     * The name is this session's once its inbox is open; the inbox answers with {@code welcome} and the
     * messages the user missed. If that fails, the client hears {@code unavailable} and may say hello again,
     * so the claim goes back and the inbox is let go rather than kept half made.
     */
    private CompletionStage<Void> welcome(Names.Claim held, Optional<Position> since, Optional<String> ref) {
        String name = held.name();
        Receiver device = new Receiver(name, Protocol.V2, peer);
        return chat.openInbox(device, since, position -> new Event.Welcome(name, position, ref))
                .handle((welcomed, failure) -> {
                    if (failure != null) {
                        chat.closeInbox(device);
                        chat.names().release(held).exceptionally(notReleased -> {
                            // the node's lease still holds it: freed when the node leaves or lapses
                            LOG.log(Level.WARNING, "gave up releasing name '" + name + "' of a failed hello", notReleased);
                            return null;
                        });
                        throw new CompletionException(failure);
                    }
                    claim = held;
                    user = name;
                    inbox = device;
                    cancel(helloDeadline);
                    return null;
                });
    }

    /**
     * The next request waits for the join to be made, so that the member's first message comes after its
     * join in the room's order on every node.
     */
    private CompletionStage<?> join(Request.Join join) {
        if (identity != null && !identity.mayJoin(join.room())) {
            refuse(ErrorCode.FORBIDDEN, "your token does not let you join room '" + join.room() + "'", join.ref(),
                    Optional.empty());
            return DONE;
        }
        RoomMember member = rooms.get(join.room());
        if (member != null) {
            return watch(chat.rejoin(member, join.room(), join.since(), join.ref()), join.ref(), Optional.empty());
        }
        if (rooms.size() >= chat.settings().roomsPerConnection()) {
            refuse(ErrorCode.TOO_MANY_ROOMS, "a connection may be in " + chat.settings().roomsPerConnection()
                    + " rooms at most", join.ref(), Optional.empty());
            return DONE;
        }
        if (!chat.canJoin(join.room())) {
            refuse(ErrorCode.TOO_MANY_ROOMS, "the server holds as many rooms as it may", join.ref(), Optional.empty());
            return DONE;
        }
        RoomMember joining = new RoomMember(claim, Protocol.V2, peer);
        rooms.put(join.room(), joining);
        return watch(chat.join(joining, join.room(), join.since(), "", join.ref()), join.ref(), Optional.empty())
                .handle((joined, failure) -> failure == null ? DONE : undoJoin(joining, join.room()))
                .thenCompose(undone -> undone);
    }

    /**
     * A join that failed (the client hears {@code unavailable}) holds nothing, so that its retry is a join of
     * its own rather than a repair of a membership the others may never have heard of: should the bus have
     * made it late, the leave, tried until made, ends it. The next request waits for the first try.
     */
    private CompletionStage<Void> undoJoin(RoomMember member, String room) {
        if (!rooms.remove(room, member)) {
            return DONE;
        }
        return chat.leave(member, room, "").handle((left, failure) -> null);
    }

    /** The next request waits for the leave, so that a join again comes after it. */
    private CompletionStage<?> leave(Request.Leave leave) {
        RoomMember member = rooms.remove(leave.room());
        if (member == null) {
            notJoined(leave.room(), leave.ref(), Optional.empty());
            return DONE;
        }
        return reply(chat.leave(member, leave.room(), "").thenApply(done -> new Event.Left(leave.room(), leave.ref())),
                leave.ref(), Optional.empty());
    }

    private void send(Request.SendToRoom send) {
        if (!rooms.containsKey(send.room())) {
            notJoined(send.room(), send.ref(), Optional.of(send.cid()));
            return;
        }
        reply(chat.post(user, send.room(), send.text(), Optional.of(send.cid())).thenApply((Appended stored) ->
                new Event.Ack(send.cid(), stored.seq(), stored.dup(), Optional.of(send.room()), Optional.empty(),
                        send.ref())), send.ref(), Optional.of(send.cid()));
    }

    /**
     * An authenticated user's inbox keeps what comes while it is offline; an anonymous one must be online.
     * The next request waits for the check, so that two private sends are stored in the order sent.
     */
    private CompletionStage<?> send(Request.SendToUser send) {
        Optional<String> cid = Optional.of(send.cid());
        CompletionStage<Boolean> reachable = chat.keepsInbox(send.to()) ? CompletableFuture.completedFuture(true)
                : chat.names().isHeld(send.to());
        return watch(reachable.thenAccept(online -> {
            if (!online) {
                refuse(ErrorCode.NO_SUCH_USER, "no user '" + send.to() + "' is online", send.ref(), cid);
                return;
            }
            reply(chat.whisper(user, send.to(), send.text(), cid).thenApply((Appended stored) ->
                    new Event.Ack(send.cid(), stored.seq(), stored.dup(), Optional.empty(), Optional.of(send.to()),
                            send.ref())), send.ref(), cid);
        }), send.ref(), cid);
    }

    private void history(Request.History history) {
        if (!rooms.containsKey(history.room())) {
            notJoined(history.room(), history.ref(), Optional.empty());
            return;
        }
        reply(chat.history(history.room(), history.before().orElse(Long.MAX_VALUE), history.limit())
                .thenApply(slice -> {
                    List<Event.Message> messages = slice.messages().stream()
                            .map((Stored m) -> Render.message(Optional.of(history.room()), slice.epoch(), m)).toList();
                    return new Event.History(history.room(), messages, slice.more(), history.ref());
                }), history.ref(), Optional.empty());
    }

    private void members(Request.Members members) {
        Optional<LocalRoom> room = rooms.containsKey(members.room()) ? chat.room(members.room()) : Optional.empty();
        if (room.isEmpty()) {
            notJoined(members.room(), members.ref(), Optional.empty());
            return;
        }
        send(room.get().page(members.after(), members.limit(), members.ref()));
    }

    private void notJoined(String room, Optional<String> ref, Optional<String> cid) {
        refuse(ErrorCode.NOT_JOINED, "join room '" + room + "' first", ref, cid);
    }

    private void refuse(ErrorCode code, String reason, Optional<String> ref, Optional<String> cid) {
        Meters.refused(code.wireName());
        send(new Event.Error(code, reason, ref, cid));
    }

    private CompletionStage<Void> reply(CompletionStage<? extends Event> reply, Optional<String> ref,
            Optional<String> cid) {
        return watch(reply.thenAccept(this::send), ref, cid);
    }

    private void send(Event event) {
        String frame = V2Json.write(event);
        peer.send(frame);
        ChatLog.replied(frame, peer);
    }

    /**
     * A bus call that fails is the bus's failure (Redis unreachable or too slow): logged, and the client
     * told, with the request's ref and cid, that it was not done and may be retried.
     */
    private <T> CompletionStage<T> watch(CompletionStage<T> call, Optional<String> ref, Optional<String> cid) {
        call.exceptionally(failure -> {
            LOG.log(Level.WARNING, "chat request of '" + user + "' failed", failure);
            refuse(ErrorCode.UNAVAILABLE, "the chat is unavailable; try again", ref, cid);
            return null;
        });
        return call;
    }

    private static Optional<String> cidOf(Request request) {
        if (request instanceof Request.SendToRoom send) {
            return Optional.of(send.cid());
        }
        return request instanceof Request.SendToUser send ? Optional.of(send.cid()) : Optional.empty();
    }
}
