package dev.parley.chat;

import dev.parley.chat.protocol.ClientMessage;
import dev.parley.chat.protocol.ClientMessageDecoder;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.connection.ConnectionRegistry;
import dev.parley.connection.ParleyEndpoint;
import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code /chat}: JSON chat. Translates WebSocket callbacks into {@link ChatRoom} calls. */
@ServerEndpoint(value = "/chat", decoders = ClientMessageDecoder.class)
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    @Inject
    ConnectionRegistry registry;

    @Inject
    ChatRoom room;

    @OnOpen
    public void open(Session session) {
        room.join(registry.open(session, ParleyEndpoint.CHAT));
    }

    @OnMessage
    public void message(ClientMessage message, Session session) {
        room.handle(registry.of(session), message);
    }

    @OnMessage
    public void binary(ByteBuffer data, Session session) {
        room.refuse(registry.of(session), ErrorCode.BAD_MESSAGE, "chat messages are JSON text frames, not binary");
    }

    @OnError
    public void error(Session session, Throwable error) {
        if (error instanceof ProtocolException refused) {
            room.refuse(registry.of(session), refused.error());
        } else {
            LOG.log(Level.FINE, "chat session " + session.getId() + " failed", error);
        }
    }

    @OnClose
    public void close(Session session) {
        var connection = registry.of(session);
        try {
            room.leave(connection);
        } finally {
            registry.close(connection);
        }
    }
}
