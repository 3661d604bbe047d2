package dev.parley.chat;

import dev.parley.chat.protocol.ChatJson;
import dev.parley.chat.protocol.ClientMessage;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.connection.Disconnect;
import dev.parley.ops.Meters;
import dev.parley.security.AuthSettings;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The tutorial's chat, byte for byte, as an adapter over the room engine: {@code register} claims a name
 * and joins {@value ChatSettings#LOBBY}, {@code send} posts there or whispers, {@code unregister} leaves.
 */
final class V1Session implements ChatSession {

    private static final Logger LOG = Logger.getLogger(V1Session.class.getName());
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);
    private static final String NO_V1_LOGIN = "this server authenticates its users (a token or its login), "
            + "which v1 cannot carry";

    private final Chat chat;
    private final Peer peer;
    private final Turns turns = new Turns();
    /** The user this connection is registered as, with its lobby membership; null when not registered. */
    private RoomMember member;
    /** Its inbox's delivery here, while registered. */
    private Receiver inbox;

    V1Session(Chat chat, Peer peer) {
        this.chat = chat;
        this.peer = peer;
    }

    @Override
    public void opened() {
        send(new ServerEvent.Handshake());
        AuthSettings auth = chat.settings().auth();
        if (auth.authenticates() && !auth.v1Anonymous()) {
            // it can never register here: it goes after the time a v2 client has for its hello
            chat.schedule(auth.helloTimeout(), this, session -> session.turns.next(() -> {
                session.unauthorized(NO_V1_LOGIN);
                return DONE;
            }));
        }
    }

    /** Refused for want of a token: the client is told why, then the connection closes with 4001. */
    private void unauthorized(String reason) {
        refuse(ErrorCode.UNAUTHORIZED, reason);
        peer.close(Disconnect.UNAUTHORIZED);
    }

    @Override
    public void text(String text) {
        turns.next(() -> handle(text));
    }

    private CompletionStage<?> handle(String text) {
        ClientMessage message;
        try {
            message = ChatJson.readClientMessage(text);
        } catch (ProtocolException refused) {
            send(refused.error());
            return DONE;
        }
        if (message instanceof ClientMessage.Register register) {
            return register(register);
        } else if (message instanceof ClientMessage.Send send) {
            return send(send);
        }
        return unregister((ClientMessage.Unregister) message);
    }

    @Override
    public void binary() {
        refuse(ErrorCode.BAD_MESSAGE, "chat messages are JSON text frames, not binary");
    }

    @Override
    public void rateLimited() {
        refuse(ErrorCode.RATE_LIMITED, "too many messages: this one was dropped");
    }

    @Override
    public void closed() {
        turns.next(() -> member != null ? leave("") : DONE);
    }

    private CompletionStage<?> register(ClientMessage.Register register) {
        AuthSettings auth = chat.settings().auth();
        if (!auth.v1Anonymous()) {
            unauthorized(NO_V1_LOGIN);
            return DONE;
        }
        if (auth.authenticates() && !register.uuid().startsWith(AuthSettings.GUEST_PREFIX)) {
            unauthorized("anonymous users' names start with '" + AuthSettings.GUEST_PREFIX + "' here");
            return DONE;
        }
        if (member != null) {
            refuse(ErrorCode.ALREADY_REGISTERED, "this connection is already registered as '" + member.user + "'");
            return DONE;
        }
        // the next request waits for the join, so that the user's first message comes after its login
        return watch(chat.names().claim(register.uuid(), 1).thenCompose(held -> {
            if (held.isEmpty()) {
                refuse(ErrorCode.UUID_TAKEN, "uuid '" + register.uuid() + "' is taken");
                return DONE;
            }
            member = new RoomMember(held.get(), Protocol.V1, peer);
            inbox = new Receiver(member.user, Protocol.V1, peer);
            watch(chat.openInbox(inbox, Optional.empty(), resume -> null));
            RoomMember joining = member;
            return chat.join(joining, ChatSettings.LOBBY, Optional.empty(), register.content(), Optional.empty())
                    .exceptionallyCompose(failure -> undoRegister(joining).thenApply(undone -> {
                        throw new CompletionException(failure);
                    }));
        }));
    }

    /**
     * A register whose join failed (the client hears {@code unavailable}) holds nothing, so that it may be sent
     * again: the lobby is left, should the bus have made the join late, then the name goes back. Both are tried
     * again until made; the next request waits for the first tries.
     */
    private CompletionStage<Void> undoRegister(RoomMember joining) {
        member = null;
        chat.closeInbox(inbox);
        inbox = null;
        return chat.leave(joining, ChatSettings.LOBBY, "").handle((left, notLeft) -> null)
                .thenCompose(left -> chat.names().release(joining.claim)).handle((released, notReleased) -> null);
    }

    private CompletionStage<?> send(ClientMessage.Send send) {
        if (member == null) {
            refuse(ErrorCode.NOT_REGISTERED, "register before sending");
            return DONE;
        }
        String from = member.user;
        if (send.to().isEmpty()) {
            watch(chat.post(from, ChatSettings.LOBBY, send.content(), Optional.empty()));
            return DONE;
        }
        String to = send.to().get();
        // the next request waits for the check, so that two whispers are stored in the order sent
        return watch(chat.names().isHeld(to).thenAccept(held -> {
            if (held) {
                watch(chat.whisper(from, to, send.content(), Optional.empty()));
            } else {
                refuse(ErrorCode.NO_SUCH_USER, "no user '" + to + "' is registered");
            }
        }));
    }

    private CompletionStage<?> unregister(ClientMessage.Unregister unregister) {
        if (member == null) {
            refuse(ErrorCode.NOT_REGISTERED, "this connection is not registered");
        } else if (!member.user.equals(unregister.uuid())) {
            refuse(ErrorCode.NOT_YOURS, "uuid '" + unregister.uuid() + "' is not this connection's");
        } else {
            return leave(unregister.content());
        }
        return DONE;
    }

    /** Leaves the lobby, then frees the name: a register again waits for both. */
    private CompletionStage<?> leave(String content) {
        RoomMember leaving = member;
        member = null;
        CompletionStage<Void> left = watch(chat.leave(leaving, ChatSettings.LOBBY, content));
        chat.closeInbox(inbox);
        inbox = null;
        return left.handle((done, failure) -> null).thenCompose(done -> watch(chat.names().release(leaving.claim)));
    }

    /** A chat step that fails is the bus's failure (Redis unreachable): logged, and the client told. */
    private <T> CompletionStage<T> watch(CompletionStage<T> step) {
        step.exceptionally(failure -> {
            LOG.log(Level.WARNING, "chat request of " + peer + " failed", failure);
            refuse(ErrorCode.UNAVAILABLE, "the chat is unavailable; try again");
            return null;
        });
        return step;
    }

    private void refuse(ErrorCode code, String reason) {
        Meters.refused(code.wireName());
        send(new ServerEvent.Error(code, reason));
    }

    private void send(ServerEvent event) {
        String frame = ChatJson.write(event);
        peer.send(frame);
        ChatLog.replied(frame, peer);
    }
}
