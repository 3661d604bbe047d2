package dev.parley.connection;

import java.util.Locale;

/** Parley's WebSocket endpoints, by the path each is served at under the context root. */
public enum ParleyEndpoint {
    ECHO,
    RECEIPT,
    GREET,
    CHAT;

    public String path() {
        return "/" + key();
    }

    /** The name the status resource reports the endpoint under. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
