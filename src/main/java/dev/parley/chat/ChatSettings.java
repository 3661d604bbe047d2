package dev.parley.chat;

import dev.parley.chat.bus.HistoryLimits;
import dev.parley.security.AuthSettings;
import java.time.Duration;

/**
 * The chat's settings, derived once from the configuration: how much history is kept and replayed,
 * how presence is told, and how many rooms there may be.
 *
 * @param onJoin        messages replayed to a join that cannot resume ({@code parley.history.on-join})
 * @param fullPresence  rooms up to this many members get names in presence ({@code parley.presence.full-limit})
 * @param presenceEvery how long presence changes are coalesced ({@code parley.presence.interval-millis})
 * @param roomsPerConnection rooms one connection may be in ({@code parley.rooms.per-connection})
 * @param maxRooms      rooms with members there may be ({@code parley.rooms.max})
 * @param auth          who a user is ({@code parley.auth.*})
 */
public record ChatSettings(HistoryLimits history, int onJoin, int fullPresence, Duration presenceEvery,
        int roomsPerConnection, int maxRooms, AuthSettings auth) {

    /** What one history reply may weigh at most, whatever its limit. */
    public static final long HISTORY_PAGE_WEIGHT = 1 << 20;
    /** The room v1 chats in. */
    public static final String LOBBY = "lobby";

    public ChatSettings {
        if (onJoin < 0 || fullPresence < 0 || presenceEvery.isNegative() || roomsPerConnection < 1 || maxRooms < 1) {
            throw new IllegalArgumentException("chat settings out of range: " + onJoin + ", " + fullPresence + ", "
                    + presenceEvery + ", " + roomsPerConnection + ", " + maxRooms);
        }
    }
}
