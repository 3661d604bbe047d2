package dev.parley.chat;

import dev.parley.ops.Meters;
import java.util.logging.Logger;

/**
 * Every chat event is written once to the logger {@code dev.parley.chat.events}, as the tutorial did, and
 * counted once per receiver.
 */
final class ChatLog {

    private static final Logger EVENTS = Logger.getLogger("dev.parley.chat.events");

    private ChatLog() {
    }

    static void delivered(String frame, int receivers) {
        Meters.delivered(receivers);
        EVENTS.info(() -> "chat event to " + receivers + (receivers == 1 ? " user: " : " users: ") + frame);
    }

    static void replied(String frame, Object to) {
        EVENTS.info(() -> "chat event to " + to + ": " + frame);
    }

    /** A (re)joining member's replay: each of its messages was logged once already, when it was delivered. */
    static void replayed(String room, int messages, Object to) {
        if (messages > 0) {
            EVENTS.info(() -> "chat events to " + to + ": " + messages + " messages of room " + room + " replayed");
        }
    }
}
