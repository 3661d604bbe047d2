package dev.parley.client;

import dev.parley.chat.protocol.ErrorCode;
import jakarta.websocket.CloseReason;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link ParleyChat} tells its owner. Every method has an empty default, so a listener implements
 * only what it cares about. Calls come from the WebSocket container's threads, one at a time per chat.
 */
public interface ChatListener {

    /** A message from {@code from}; {@code to} is present when it was private. */
    default void onMessage(String from, String text, Optional<String> to) {
    }

    /** {@code user} joined (this chat's own user included); {@code users} is everyone, in order of joining. */
    default void onJoin(String user, String greeting, List<String> users) {
    }

    /** {@code user} left; {@code farewell} is empty when the connection dropped. */
    default void onLeave(String user, String farewell, List<String> users) {
    }

    /** The server refused something this chat sent. */
    default void onError(ErrorCode code, String reason) {
    }

    /** The connection is gone; {@code willReconnect} says whether the chat is trying to come back. */
    default void onDisconnect(CloseReason reason, boolean willReconnect) {
    }

    /** The chat is connected and registered again after a dropped connection. */
    default void onReconnect() {
    }
}
