package dev.parley.security;

import java.time.Duration;
import java.util.Optional;

/**
 * Who a chat user is ({@code parley.auth.*}).
 *
 * @param mode         {@code parley.auth.mode}
 * @param tokens       present in {@code token} mode: a v2 {@code hello} must carry a token it accepts
 * @param helloTimeout how long a connection may stay without a {@code hello} where users are authenticated
 * @param grace        how long past its token's expiry a connection stays without a refresh
 * @param v1Anonymous  whether v1 clients, which have no token, may chat anonymously beside authenticated users
 * @param maxConnectionsPerUser how many connections one authenticated user may hold at once (its devices)
 */
public record AuthSettings(Mode mode, Optional<TokenVerifier> tokens, Duration helloTimeout, Duration grace, boolean v1Anonymous,
        int maxConnectionsPerUser) {

    public static final String DEFAULT_HELLO_TIMEOUT_SECONDS = "10";
    public static final String DEFAULT_GRACE_SECONDS = "30";
    public static final String DEFAULT_MAX_CONNECTIONS_PER_USER = "10";

    /**
     * Where users are authenticated, anonymous (v1) users' names start with this, and no authenticated
     * user's does: otherwise a guest could take a name before its owner comes, and speak as them.
     */
    public static final String GUEST_PREFIX = "guest-";

    /** Any free name, as the tutorial's chat: the default. */
    public static final AuthSettings ANONYMOUS = new AuthSettings(Mode.ANONYMOUS, Optional.empty(), Duration.ZERO,
            Duration.ZERO, true, 1);

    public AuthSettings {
        if (tokens.isPresent() != (mode == Mode.TOKEN)) {
            throw new IllegalArgumentException("tokens are checked in token mode, and only there");
        }
        if (mode != Mode.ANONYMOUS && (helloTimeout.isNegative() || helloTimeout.isZero() || grace.isNegative())) {
            throw new IllegalArgumentException("parley.auth.hello-timeout-seconds must be positive and "
                    + "parley.auth.grace-seconds not negative");
        }
        if (maxConnectionsPerUser < 1) {
            throw new IllegalArgumentException("parley.auth.max-connections-per-user must be at least 1");
        }
    }

    public boolean requiresTokens() {
        return mode == Mode.TOKEN;
    }

    /** Whether the user is the handshake's authenticated principal: the server's own login. */
    public boolean requiresLogin() {
        return mode == Mode.CONTAINER;
    }

    /** Whether v2 users are who a token or the server's login says, not a name they pick. */
    public boolean authenticates() {
        return mode != Mode.ANONYMOUS;
    }

    /**
     * How many sessions may hold {@code name} at once: an authenticated user's devices, up to the limit; an
     * anonymous name one session, so that nobody passes for someone else by reusing a name that is free.
     */
    public int holdersOf(String name) {
        return isAuthenticatedName(name) ? maxConnectionsPerUser : 1;
    }

    /**
     * Whether {@code name} is an authenticated user's, whose inbox outlives its connections: where users
     * are authenticated, every name but a guest's.
     */
    public boolean isAuthenticatedName(String name) {
        return authenticates() && !name.startsWith(GUEST_PREFIX);
    }

    /** The modes of {@code parley.auth.mode}. */
    public enum Mode {
        ANONYMOUS,
        TOKEN,
        CONTAINER
    }
}
