package dev.parley.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A {@link Transport} over a container's session, writing through its async remote. */
final class SessionTransport implements Transport {

    private static final Logger LOG = Logger.getLogger(SessionTransport.class.getName());

    private final Session session;

    SessionTransport(Session session) {
        this.session = session;
    }

    @Override
    public void sendText(String text, SendHandler done) {
        session.getAsyncRemote().sendText(text, done);
    }

    @Override
    public void sendBinary(ByteBuffer data, SendHandler done) {
        session.getAsyncRemote().sendBinary(data, done);
    }

    @Override
    public void sendPing(ByteBuffer payload, SendHandler done) {
        try {
            session.getAsyncRemote().sendPing(payload);
            done.onResult(new SendResult());
        } catch (IOException e) {
            done.onResult(new SendResult(e));
        }
    }

    @Override
    public void close(CloseReason reason) {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (IOException | IllegalStateException e) {
            LOG.log(Level.FINE, "session " + session.getId() + " was already going away", e);
        }
    }
}
