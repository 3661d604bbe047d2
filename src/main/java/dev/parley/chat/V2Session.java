package dev.parley.chat;

import dev.parley.chat.bus.Appended;
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
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@code parley.v2} connection: {@code hello} first, then rooms, sends with acks, history and member
 * pages. The container hands it one frame at a time.
 */
final class V2Session implements ChatSession {

    private static final Logger LOG = Logger.getLogger(V2Session.class.getName());

    private final Chat chat;
    private final Peer peer;
    /** The name this session holds, once {@code hello} is done. */
    private String user;
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
        Request request;
        try {
            request = V2Json.readRequest(text);
        } catch (ProtocolException refused) {
            refuse(refused.error().code(), refused.error().reason(), refused.ref(), refused.cid());
            return;
        }
        if (user == null && !(request instanceof Request.Hello)) {
            refuse(ErrorCode.HELLO_FIRST, "say hello first", request.ref(), cidOf(request));
            return;
        }
        // Java 17 has no pattern switch: one instanceof per record of the sealed interface
        if (request instanceof Request.Hello hello) {
            hello(hello);
        } else if (request instanceof Request.Join join) {
            join(join);
        } else if (request instanceof Request.Leave leave) {
            leave(leave);
        } else if (request instanceof Request.SendToRoom send) {
            send(send);
        } else if (request instanceof Request.SendToUser send) {
            send(send);
        } else if (request instanceof Request.History history) {
            history(history);
        } else if (request instanceof Request.Members members) {
            members(members);
        }
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
        if (user == null) {
            return;
        }
        rooms.forEach((room, member) -> chat.leave(member, room, ""));
        rooms.clear();
        chat.closeInbox(user);
        chat.names().release(user, this);
    }

    private void hello(Request.Hello hello) {
        if (user != null) {
            refuse(ErrorCode.ALREADY_REGISTERED, "this connection is already '" + user + "'", hello.ref(),
                    Optional.empty());
            return;
        }
        if (!chat.names().claim(hello.user(), this)) {
            refuse(ErrorCode.UUID_TAKEN, "user '" + hello.user() + "' is taken", hello.ref(), Optional.empty());
            return;
        }
        user = hello.user();
        // anonymous mode: the inbox starts afresh with the name, so there is nothing to recover
        reply(chat.openInbox(user, Protocol.V2, peer).thenApply(inbox -> new Event.Welcome(user,
                new Event.Resume(inbox.epoch(), inbox.seq(), false, 0), hello.ref())));
    }

    private void join(Request.Join join) {
        RoomMember member = rooms.get(join.room());
        if (member != null) {
            watch(chat.rejoin(member, join.room(), join.since(), join.ref()));
            return;
        }
        if (rooms.size() >= chat.settings().roomsPerConnection()) {
            refuse(ErrorCode.TOO_MANY_ROOMS, "a connection may be in " + chat.settings().roomsPerConnection()
                    + " rooms at most", join.ref(), Optional.empty());
            return;
        }
        if (!chat.canJoin(join.room())) {
            refuse(ErrorCode.TOO_MANY_ROOMS, "the server holds as many rooms as it may", join.ref(), Optional.empty());
            return;
        }
        member = new RoomMember(user, Protocol.V2, peer);
        rooms.put(join.room(), member);
        watch(chat.join(member, join.room(), join.since(), "", join.ref()));
    }

    private void leave(Request.Leave leave) {
        RoomMember member = rooms.remove(leave.room());
        if (member == null) {
            notJoined(leave.room(), leave.ref(), Optional.empty());
            return;
        }
        reply(chat.leave(member, leave.room(), "").thenApply(done -> new Event.Left(leave.room(), leave.ref())));
    }

    private void send(Request.SendToRoom send) {
        if (!rooms.containsKey(send.room())) {
            notJoined(send.room(), send.ref(), Optional.of(send.cid()));
            return;
        }
        reply(chat.post(user, send.room(), send.text(), Optional.of(send.cid())).thenApply((Appended stored) ->
                new Event.Ack(send.cid(), stored.seq(), stored.dup(), Optional.of(send.room()), Optional.empty(),
                        send.ref())));
    }

    private void send(Request.SendToUser send) {
        if (!chat.names().isHeld(send.to())) {
            refuse(ErrorCode.NO_SUCH_USER, "no user '" + send.to() + "' is online", send.ref(), Optional.of(send.cid()));
            return;
        }
        reply(chat.whisper(user, send.to(), send.text(), Optional.of(send.cid())).thenApply((Appended stored) ->
                new Event.Ack(send.cid(), stored.seq(), stored.dup(), Optional.empty(), Optional.of(send.to()),
                        send.ref())));
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
                }));
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

    private void reply(CompletionStage<? extends Event> reply) {
        watch(reply.thenAccept(this::send));
    }

    private void send(Event event) {
        String frame = V2Json.write(event);
        peer.send(frame);
        ChatLog.replied(frame, peer);
    }

    /** A bus call that fails is this server's fault: logged, and the client told without details. */
    private void watch(CompletionStage<?> call) {
        call.exceptionally(failure -> {
            LOG.log(Level.WARNING, "chat request of '" + user + "' failed", failure);
            send(new Event.Error(ErrorCode.BAD_MESSAGE, "the server could not do that", Optional.empty(),
                    Optional.empty()));
            return null;
        });
    }

    private static Optional<String> cidOf(Request request) {
        if (request instanceof Request.SendToRoom send) {
            return Optional.of(send.cid());
        }
        return request instanceof Request.SendToUser send ? Optional.of(send.cid()) : Optional.empty();
    }
}
