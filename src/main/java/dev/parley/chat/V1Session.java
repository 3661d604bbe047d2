package dev.parley.chat;

import dev.parley.chat.protocol.ChatJson;
import dev.parley.chat.protocol.ClientMessage;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.ServerEvent;
import java.util.Optional;

/**
 * The tutorial's chat, byte for byte, as an adapter over the room engine: {@code register} claims a name
 * and joins {@value ChatSettings#LOBBY}, {@code send} posts there or whispers, {@code unregister} leaves.
 */
final class V1Session implements ChatSession {

    private final Chat chat;
    private final Peer peer;
    /** The user this connection is registered as, with its lobby membership; null when not registered. */
    private RoomMember member;

    V1Session(Chat chat, Peer peer) {
        this.chat = chat;
        this.peer = peer;
    }

    @Override
    public void opened() {
        send(new ServerEvent.Handshake());
    }

    @Override
    public void text(String text) {
        ClientMessage message;
        try {
            message = ChatJson.readClientMessage(text);
        } catch (ProtocolException refused) {
            send(refused.error());
            return;
        }
        if (message instanceof ClientMessage.Register register) {
            register(register);
        } else if (message instanceof ClientMessage.Send send) {
            send(send);
        } else if (message instanceof ClientMessage.Unregister unregister) {
            unregister(unregister);
        }
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
        if (member != null) {
            leave("");
        }
    }

    private void register(ClientMessage.Register register) {
        if (member != null) {
            refuse(ErrorCode.ALREADY_REGISTERED, "this connection is already registered as '" + member.user + "'");
            return;
        }
        if (!chat.names().claim(register.uuid(), this)) {
            refuse(ErrorCode.UUID_TAKEN, "uuid '" + register.uuid() + "' is taken");
            return;
        }
        member = new RoomMember(register.uuid(), Protocol.V1, peer);
        chat.openInbox(member.user, Protocol.V1, peer);
        chat.join(member, ChatSettings.LOBBY, Optional.empty(), register.content(), Optional.empty());
    }

    private void send(ClientMessage.Send send) {
        if (member == null) {
            refuse(ErrorCode.NOT_REGISTERED, "register before sending");
            return;
        }
        if (send.to().isEmpty()) {
            chat.post(member.user, ChatSettings.LOBBY, send.content(), Optional.empty());
            return;
        }
        String to = send.to().get();
        if (!chat.names().isHeld(to)) {
            refuse(ErrorCode.NO_SUCH_USER, "no user '" + to + "' is registered");
            return;
        }
        chat.whisper(member.user, to, send.content(), Optional.empty());
    }

    private void unregister(ClientMessage.Unregister unregister) {
        if (member == null) {
            refuse(ErrorCode.NOT_REGISTERED, "this connection is not registered");
        } else if (!member.user.equals(unregister.uuid())) {
            refuse(ErrorCode.NOT_YOURS, "uuid '" + unregister.uuid() + "' is not this connection's");
        } else {
            leave(unregister.content());
        }
    }

    private void leave(String content) {
        RoomMember leaving = member;
        member = null;
        chat.leave(leaving, ChatSettings.LOBBY, content);
        chat.closeInbox(leaving.user);
        chat.names().release(leaving.user, this);
    }

    private void refuse(ErrorCode code, String reason) {
        send(new ServerEvent.Error(code, reason));
    }

    private void send(ServerEvent event) {
        String frame = ChatJson.write(event);
        peer.send(frame);
        ChatLog.replied(frame, peer);
    }
}
