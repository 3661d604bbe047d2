package dev.parley.client.v2;

import dev.parley.chat.protocol.v2.Event;
import java.util.List;

/**
 * What a {@link Room} tells its owner. Every method has an empty default. Calls come one at a time per
 * chat, from the WebSocket container's threads; messages come in seq order, each once.
 */
public interface RoomListener {

    /** A message of the room: live, or replayed after a join or a reconnect. */
    default void onMessage(Room room, Event.Message message) {
    }

    /** Members joined or left; {@link Room#members()} already reflects it. */
    default void onPresence(Room room, List<String> joined, List<String> left) {
    }

    /**
     * The room was (re)joined: {@code recovered} says whether every message since the last one this room
     * heard follows ({@code missed} of them). False after a reconnect means a gap, which an application
     * shows as such (a "history truncated" marker); on a first join it only says there was nothing to resume.
     */
    default void onJoined(Room room, boolean recovered, int missed) {
    }

    /**
     * The chat is out of the room though nobody here left it: after a reconnect the server refused to take it
     * back ({@code why} says what it said: the server holds as many rooms as it may, or the token does not
     * allow the room), or it took the room away. The room hears nothing more and its sends fail; joining it
     * again is the application's choice.
     */
    default void onLost(Room room, String why) {
    }
}
