package dev.parley.chat.bus;

/**
 * A numbered stream of chat events: a room's, or a user's inbox of private messages. The two kinds have
 * separate name spaces, so no room name can reach an inbox.
 */
public record Stream(Kind kind, String name) {

    public enum Kind { ROOM, INBOX }

    public static Stream room(String name) {
        return new Stream(Kind.ROOM, name);
    }

    public static Stream inbox(String user) {
        return new Stream(Kind.INBOX, user);
    }
}
