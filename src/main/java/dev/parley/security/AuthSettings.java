package dev.parley.security;

import java.time.Duration;
import java.util.Optional;

/**
 * Who a chat user is ({@code parley.auth.*}).
 *
 * @param tokens       present in {@code token} mode: a v2 {@code hello} must carry a token it accepts
 * @param helloTimeout how long a connection may stay without a {@code hello} in token mode
 * @param grace        how long past its token's expiry a connection stays without a refresh
 * @param v1Anonymous  whether v1 clients, which have no token, may chat anonymously beside authenticated users
 */
public record AuthSettings(Optional<TokenVerifier> tokens, Duration helloTimeout, Duration grace, boolean v1Anonymous) {

    public static final String DEFAULT_HELLO_TIMEOUT_SECONDS = "10";
    public static final String DEFAULT_GRACE_SECONDS = "30";

    /**
     * Where tokens are required, anonymous (v1) users' names start with this, and no token's user's does:
     * otherwise a guest could take a name before its owner comes, and speak as them.
     */
    public static final String GUEST_PREFIX = "guest-";

    /** Any free name, as the tutorial's chat: the default. */
    public static final AuthSettings ANONYMOUS = new AuthSettings(Optional.empty(), Duration.ZERO, Duration.ZERO, true);

    public AuthSettings {
        if (tokens.isPresent() && (helloTimeout.isNegative() || helloTimeout.isZero() || grace.isNegative())) {
            throw new IllegalArgumentException("parley.auth.hello-timeout-seconds must be positive and "
                    + "parley.auth.grace-seconds not negative");
        }
    }

    public boolean requiresTokens() {
        return tokens.isPresent();
    }

    /** The modes of {@code parley.auth.mode}. */
    public enum Mode {
        ANONYMOUS,
        TOKEN
    }
}
