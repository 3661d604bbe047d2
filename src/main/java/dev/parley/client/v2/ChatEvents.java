package dev.parley.client.v2;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.v2.Event;
import jakarta.websocket.CloseReason;

/**
 * What a {@link ParleyChat} tells its owner beyond its rooms. Every method has an empty default. Calls come
 * one at a time per chat, from the WebSocket container's threads.
 */
public interface ChatEvents {

    /** A private message to or from this chat's user (one it sent itself, from another device, too), each once. */
    default void onPrivateMessage(Event.Message message) {
    }

    /** The server refused something that no send, join or request of this chat was waiting for. */
    default void onError(ErrorCode code, String reason) {
    }

    /** The connection is gone; {@code willReconnect} says whether the chat is trying to come back. */
    default void onDisconnect(CloseReason reason, boolean willReconnect) {
    }

    /** The chat is back: welcomed again, its rooms being rejoined and its unacknowledged sends sent again. */
    default void onReconnect() {
    }
}
