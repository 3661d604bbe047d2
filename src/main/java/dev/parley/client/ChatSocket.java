package dev.parley.client;

import dev.parley.chat.protocol.ClientMessageEncoder;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.ServerEventDecoder;
import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import java.util.logging.Level;
import java.util.logging.Logger;

/** One connection of a {@link ParleyChat}: translates WebSocket callbacks into calls on the chat. */
@ClientEndpoint(decoders = ServerEventDecoder.class, encoders = ClientMessageEncoder.class)
public class ChatSocket {

    private static final Logger LOG = Logger.getLogger(ChatSocket.class.getName());

    private final ParleyChat chat;

    ChatSocket(ParleyChat chat) {
        this.chat = chat;
    }

    @OnMessage
    public void onEvent(ServerEvent event, Session session) {
        chat.onEvent(event, session);
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        chat.onClose(session, reason);
    }

    @OnError
    public void onError(Session session, Throwable error) {
        LOG.log(Level.FINE, "chat connection error", error);
    }
}
