package dev.parley.chat;

import dev.parley.chat.bus.Appended;
import dev.parley.chat.bus.Names;
import dev.parley.chat.bus.Stored;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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
    private final Turns turns = new Turns();
    /** The name this session holds, once {@code hello} is done. */
    private String user;
    private Names.Claim claim;
    private final Map<String, RoomMember> rooms = new LinkedHashMap<>();

    V2Session(Chat chat, Peer peer) {
        this.chat = chat;
        this.peer = peer;
    }

    @Override
    public void opened() {
        // a v2 client speaks first
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
        if (user == null && !(request instanceof Request.Hello)) {
            refuse(ErrorCode.HELLO_FIRST, "say hello first", request.ref(), cidOf(request));
            return DONE;
        }
        // Java 17 has no pattern switch: one instanceof per record of the sealed interface
        if (request instanceof Request.Hello hello) {
            return hello(hello);
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
            if (user != null) {
                rooms.forEach((room, member) -> watch(chat.leave(member, room, ""), Optional.empty(), Optional.empty()));
                rooms.clear();
                chat.closeInbox(user);
                watch(chat.names().release(claim), Optional.empty(), Optional.empty());
            }
            return DONE;
        });
    }

    private CompletionStage<?> hello(Request.Hello hello) {
        if (user != null) {
            refuse(ErrorCode.ALREADY_REGISTERED, "this connection is already '" + user + "'", hello.ref(),
                    Optional.empty());
            return DONE;
        }
        return watch(chat.names().claim(hello.user()).thenCompose(held -> {
            if (held.isEmpty()) {
                refuse(ErrorCode.UUID_TAKEN, "user '" + hello.user() + "' is taken", hello.ref(), Optional.empty());
                return DONE;
            }
            return welcome(hello, held.get());
        }), hello.ref(), Optional.empty());
    }

    /**
     * The name is this session's once its inbox is open. If that fails, the client hears {@code unavailable}
     * and may say hello again, so the name goes back and the inbox is let go rather than kept half made.
     */
    private CompletionStage<Void> welcome(Request.Hello hello, Names.Claim held) {
        // anonymous mode: the inbox starts afresh with the name, so there is nothing to recover
        return chat.openInbox(hello.user(), Protocol.V2, peer).handle((inbox, failure) -> {
            if (failure != null) {
                chat.closeInbox(hello.user());
                chat.names().release(held);
                throw new CompletionException(failure);
            }
            claim = held;
            user = hello.user();
            send(new Event.Welcome(user, new Event.Resume(inbox.epoch(), inbox.seq(), false, 0), hello.ref()));
            return null;
        });
    }

    /**
     * The next request waits for the join to be made, so that the member's first message comes after its
     * join in the room's order on every node.
     */
    private CompletionStage<?> join(Request.Join join) {
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
        member = new RoomMember(user, Protocol.V2, peer);
        rooms.put(join.room(), member);
        return watch(chat.join(member, join.room(), join.since(), "", join.ref()), join.ref(), Optional.empty());
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

    /** The next request waits for the check, so that two private sends are stored in the order sent. */
    private CompletionStage<?> send(Request.SendToUser send) {
        Optional<String> cid = Optional.of(send.cid());
        return watch(chat.names().isHeld(send.to()).thenAccept(held -> {
            if (!held) {
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
