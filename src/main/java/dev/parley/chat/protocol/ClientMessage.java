package dev.parley.chat.protocol;

import java.util.Optional;

/** What a chat client may send. A new message type is one record here and one case in {@link ChatJson}. */
public sealed interface ClientMessage {

    /** Binds this connection to the user {@code uuid}. */
    record Register(String uuid, String content) implements ClientMessage {
    }

    /** A message to everyone, or only to {@code to} when present. */
    record Send(String content, Optional<String> to) implements ClientMessage {
    }

    /** Releases {@code uuid}, which must be this connection's own. */
    record Unregister(String uuid, String content) implements ClientMessage {
    }
}
