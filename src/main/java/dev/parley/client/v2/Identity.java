package dev.parley.client.v2;

import java.util.Objects;
import java.util.Optional;

/**
 * Who a chat says it is in its {@code hello}: a name it picks (anonymous servers), a signed token (token
 * mode), or nothing, where the server's own login authenticated the handshake (container mode).
 */
public record Identity(Optional<String> user, Optional<String> token) {

    public Identity {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(token, "token");
        if (user.isPresent() && token.isPresent()) {
            throw new IllegalArgumentException("a user or a token, not both");
        }
    }

    public static Identity user(String name) {
        return new Identity(Optional.of(name), Optional.empty());
    }

    public static Identity token(String jwt) {
        return new Identity(Optional.empty(), Optional.of(jwt));
    }

    /** The server's login says who the user is: the WebSocket container must send its credentials. */
    public static Identity login() {
        return new Identity(Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
        return user.map(name -> "user " + name).orElse(token.isPresent() ? "a token" : "the server's login");
    }
}
