package dev.parley.chat.protocol;

import java.util.List;
import java.util.Optional;

/** What the chat server sends. A new event is one record here and one case in {@link ChatJson}. */
public sealed interface ServerEvent {

    /** Greets every new connection. */
    record Handshake() implements ServerEvent {
    }

    /** {@code uuid} joined; {@code users} is everyone registered, in order of registration. */
    record Login(String uuid, String content, List<String> users) implements ServerEvent {
        public Login {
            users = List.copyOf(users);
        }
    }

    /** A chat message; {@code to} is present for a private one. */
    record UserMessage(String content, String from, Optional<String> to) implements ServerEvent {
    }

    /** {@code uuid} left; {@code users} is who remains. */
    record Logout(String uuid, String content, List<String> users) implements ServerEvent {
        public Logout {
            users = List.copyOf(users);
        }
    }

    /** A refusal, sent only to the connection whose input was refused. */
    record Error(ErrorCode code, String reason) implements ServerEvent {
    }
}
