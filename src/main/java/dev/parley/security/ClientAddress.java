package dev.parley.security;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Optional;

/**
 * Carries a handshake's remote address from {@link HandshakeFilter}, which sees it, to the session, which
 * Jakarta WebSocket gives no portable way to ask. Both containers run the handshake, and with it
 * {@link #modifyHandshake}, on the filter's own thread; WebSocket 2.1 makes the properties set there the
 * session's own.
 */
public class ClientAddress extends ServerEndpointConfig.Configurator {

    private static final String KEY = ClientAddress.class.getName();
    private static final ThreadLocal<String> HANDSHAKING = new ThreadLocal<>();

    /** The filter thread is about to run the handshake of a connection from {@code address}. */
    static void handshaking(String address) {
        HANDSHAKING.set(address);
    }

    static void handshakeDone() {
        HANDSHAKING.remove();
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        String address = HANDSHAKING.get();
        if (address != null) {
            config.getUserProperties().put(KEY, address);
        }
    }

    /** The remote address of the client on {@code session}, if the handshake came through the filter. */
    public static Optional<String> of(Session session) {
        return Optional.ofNullable((String) session.getUserProperties().get(KEY));
    }
}
