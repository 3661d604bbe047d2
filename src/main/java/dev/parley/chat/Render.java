package dev.parley.chat;

import dev.parley.chat.bus.Stored;
import dev.parley.chat.protocol.ChatJson;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.V2Json;
import java.time.Instant;
import java.util.Optional;

/** How a stored message reads in each protocol. */
final class Render {

    private Render() {
    }

    /** As v2 sees it: in {@code room}, or (room empty) in the receiving user's inbox numbered under {@code epoch}. */
    static Event.Message message(Optional<String> room, String epoch, Stored message) {
        return new Event.Message(room, room.isPresent() ? Optional.empty() : message.to(), message.from(),
                message.seq(), epoch, message.text(), Instant.ofEpochMilli(message.timeMillis()), message.cid());
    }

    static String v2(Optional<String> room, String epoch, Stored message) {
        return V2Json.write(message(room, epoch, message));
    }

    /** As v1 sees it: a {@code user} event, with {@code to} for a private one. */
    static String v1(Stored message) {
        return ChatJson.write(new ServerEvent.UserMessage(message.text(), message.from(), message.to()));
    }
}
