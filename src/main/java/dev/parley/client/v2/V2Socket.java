package dev.parley.client.v2;

import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import java.util.logging.Level;
import java.util.logging.Logger;

/** One connection of a v2 {@link ParleyChat}: translates WebSocket callbacks into calls on the chat. */
@ClientEndpoint(subprotocols = "parley.v2")
public class V2Socket {

    private static final Logger LOG = Logger.getLogger(V2Socket.class.getName());

    private final ParleyChat chat;

    V2Socket(ParleyChat chat) {
        this.chat = chat;
    }

    @OnMessage
    public void onText(String text, Session session) {
        chat.onText(text, session);
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
