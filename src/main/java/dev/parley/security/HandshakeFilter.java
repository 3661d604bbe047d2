package dev.parley.security;

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
import java.util.logging.Logger;

/**
 * Answers a WebSocket handshake that Parley refuses before the container upgrades it: 403 for a
 * foreign {@code Origin}, 503 when the server is at its connection limit.
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
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "origin not allowed");
            return;
        }
        if (registry.openConnectionCount() >= config.maxConnections()) {
            LOG.warning(() -> "refused a handshake from " + request.getRemoteAddr() + ": at the limit of "
                    + config.maxConnections() + " connections");
            response.setHeader("Retry-After", "5");
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "too many connections");
            return;
        }
        chain.doFilter(request, response);
    }
}
