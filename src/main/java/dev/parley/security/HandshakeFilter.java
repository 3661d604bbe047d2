package dev.parley.security;

import dev.parley.ops.Meters;
import dev.parley.chat.Protocol;
import dev.parley.config.ParleyConfig;
import dev.parley.connection.ConnectionRegistry;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers a WebSocket handshake that Parley refuses before the container upgrades it: 403 for a
 * foreign {@code Origin}, 503 when the server or the client's address is at its connection limit, and
 * in {@code container} mode the server's login challenge (401) to a chat handshake without a login.
 * Handshakes it lets through carry the client's address to the session ({@link ClientAddress}): the peer's,
 * or behind a trusted proxy the one it forwarded for ({@link TrustedProxies}).
 */
@WebFilter(urlPatterns = {"/echo", "/receipt", "/greet", "/chat"}, asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());

    @Inject
    ParleyConfig config;

    @Inject
    ConnectionRegistry registry;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        String origin = request.getHeader("Origin");
        if (!config.originPolicy().permits(origin, request.getHeader("Host"))) {
            LOG.warning(() -> "refused a handshake to " + request.getRequestURI() + " from " + request.getRemoteAddr()
                    + ": origin '" + origin + "' is not allowed");
            Meters.handshakeRefused("origin");
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "origin not allowed");
            return;
        }
        String address = config.trustedProxies().clientOf(request.getRemoteAddr(),
                Collections.list(request.getHeaders("X-Forwarded-For")), Collections.list(request.getHeaders("Forwarded")));
        if (registry.openConnectionCount() >= config.maxConnections()) {
            LOG.warning(() -> "refused a handshake from " + address + ": at the limit of "
                    + config.maxConnections() + " connections");
            Meters.handshakeRefused("connection_limit");
            tooMany(response, "too many connections");
            return;
        }
        if (registry.openConnectionsFrom(address) >= config.maxConnectionsPerAddress()) {
            LOG.warning(() -> "refused a handshake from " + address + ": it has "
                    + config.maxConnectionsPerAddress() + " connections open, its limit");
            Meters.handshakeRefused("address_limit");
            tooMany(response, "too many connections from your address");
            return;
        }
        if (!loggedIn(request, response)) {
            LOG.fine(() -> "refused a chat handshake from " + address + ": no login");
            Meters.handshakeRefused("auth");
            return;
        }
        ClientAddress.handshaking(address);
        try {
            chain.doFilter(request, response);
        } finally {
            ClientAddress.handshakeDone();
        }
    }

    /**
     * In {@code container} mode a chat handshake must come logged in; the server's own login mechanism (the
     * WAR's login-config, BASIC unless the operator changes it) checks the credentials it carries, or
     * answers the challenge itself.
     */
    private boolean loggedIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AuthSettings auth = config.chat().auth();
        if (!auth.requiresLogin() || !"/chat".equals(request.getServletPath()) || request.getUserPrincipal() != null
                || auth.v1Anonymous() && !asksForV2(request)) { // a tutorial client, as a guest
            return true;
        }
        try {
            return request.authenticate(response);
        } catch (ServletException refused) { // a server may throw where it did not answer the client itself
            LOG.log(Level.WARNING, "parley.auth.mode=container, but the server could not log in a chat handshake: "
                    + "has the application a security domain (README, Identity)?", refused);
            if (!response.isCommitted()) {
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "log in first");
            }
            return false;
        }
    }

    private static boolean asksForV2(HttpServletRequest request) {
        return Collections.list(request.getHeaders("Sec-WebSocket-Protocol")).stream()
                .flatMap(header -> Arrays.stream(header.split(","))).map(String::strip).anyMatch(Protocol.V2_NAME::equals);
    }

    private static void tooMany(HttpServletResponse response, String reason) throws IOException {
        response.setHeader("Retry-After", "5");
        response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, reason);
    }
}
