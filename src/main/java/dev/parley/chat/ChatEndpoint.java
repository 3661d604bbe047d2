package dev.parley.chat;

import dev.parley.chat.protocol.ClientMessageDecoder;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.config.ParleyConfig;
import dev.parley.connection.Connection;
import dev.parley.connection.ConnectionRegistry;
import dev.parley.connection.ParleyEndpoint;
import dev.parley.security.ClientAddress;
import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code /chat}: JSON chat. Translates WebSocket callbacks into {@link ChatRoom} calls. */
@ServerEndpoint(value = "/chat", configurator = ClientAddress.class)
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    /**
     * Called here rather than by the container: the size limit comes first, and a refusal is then
     * answered the same way on every container instead of through its error callback.
     */
    private final ClientMessageDecoder decoder = new ClientMessageDecoder();

    @Inject
    ConnectionRegistry registry;

    @Inject
    ChatRoom room;

    @OnOpen
    public void open(Session session) {
        room.join(registry.open(session, ParleyEndpoint.CHAT));
    }

    @OnMessage(maxMessageSize = ParleyConfig.MESSAGE_BYTES_CEILING)
    public void message(String text, Session session) {
        Connection connection = registry.of(session);
        Connection.Admission admission = connection.admit(text);
        if (admission == Connection.Admission.RATE_LIMITED) {
            room.refuse(connection, ErrorCode.RATE_LIMITED, "too many messages: this one was dropped");
        }
        if (admission != Connection.Admission.ACCEPTED) {
            return;
        }
        try {
            room.handle(connection, decoder.decode(text));
        } catch (ProtocolException refused) {
            room.refuse(connection, refused.error());
        }
    }

    @OnMessage(maxMessageSize = ParleyConfig.MESSAGE_BYTES_CEILING)
    public void binary(ByteBuffer data, Session session) {
        Connection connection = registry.of(session);
        Connection.Admission admission = connection.admit(data);
        if (admission == Connection.Admission.RATE_LIMITED) {
            room.refuse(connection, ErrorCode.RATE_LIMITED, "too many messages: this one was dropped");
        } else if (admission == Connection.Admission.ACCEPTED) {
            room.refuse(connection, ErrorCode.BAD_MESSAGE, "chat messages are JSON text frames, not binary");
        }
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "chat session " + session.getId() + " failed", error);
    }

    /** A pong proves the peer alive to {@link dev.parley.connection.KeepAlive}. */
    @OnMessage
    public void pong(PongMessage pong, Session session) {
        registry.of(session).heard();
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
