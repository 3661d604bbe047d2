package dev.parley.chat;

import dev.parley.config.ParleyConfig;
import dev.parley.connection.Connection;
import dev.parley.connection.ConnectionRegistry;
import dev.parley.connection.ParleyEndpoint;
import dev.parley.ops.Meters;
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

/**
 * {@code /chat}: the JSON chat, v1 (no subprotocol) or {@value Protocol#V2_NAME}. Applies the connection
 * limits, then hands each frame to the connection's {@link ChatSession}.
 */
@ServerEndpoint(value = "/chat", subprotocols = Protocol.V2_NAME, configurator = ClientAddress.class)
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    @Inject
    ConnectionRegistry registry;

    @Inject
    ChatService chat;

    /** Annotated endpoints get one instance per connection, and its frames arrive one at a time. */
    private ChatSession chatSession;

    @OnOpen
    public void open(Session session) {
        Connection connection = registry.open(session, ParleyEndpoint.CHAT);
        chatSession = chat.open(connection, Protocol.negotiated(session.getNegotiatedSubprotocol()));
    }

    @OnMessage(maxMessageSize = ParleyConfig.MESSAGE_BYTES_CEILING)
    public void message(String text, Session session) {
        Connection.Admission admission = registry.of(session).admit(text);
        if (admission == Connection.Admission.ACCEPTED) {
            Meters.received();
            chatSession.text(text);
        } else if (admission == Connection.Admission.RATE_LIMITED) {
            chatSession.rateLimited();
        }
    }

    @OnMessage(maxMessageSize = ParleyConfig.MESSAGE_BYTES_CEILING)
    public void binary(ByteBuffer data, Session session) {
        Connection.Admission admission = registry.of(session).admit(data);
        if (admission == Connection.Admission.ACCEPTED) {
            chatSession.binary();
        } else if (admission == Connection.Admission.RATE_LIMITED) {
            chatSession.rateLimited();
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
        Connection connection = registry.of(session);
        try {
            chatSession.closed();
        } finally {
            registry.close(connection);
        }
    }
}
