package dev.parley.chat;

import dev.parley.chat.bus.Stored;
import java.util.ArrayList;
import java.util.List;

/**
 * One session's membership of one room, on this node. While it (re)joins, the room's messages are held
 * back in {@code pending} and handed over after the replay, minus what the replay already held: so there
 * is no gap and no duplicate at the seam. Guarded by the room's lock.
 */
final class RoomMember {

    final String user;
    final Protocol protocol;
    final Peer peer;
    /** Messages held back while a recovery is under way; null once live. */
    List<Stored> pending;
    /** How many of the room's untold presence changes this member's member list already reflects. */
    int presenceSeen;

    RoomMember(String user, Protocol protocol, Peer peer) {
        this.user = user;
        this.protocol = protocol;
        this.peer = peer;
    }

    boolean isRecovering() {
        return pending != null;
    }

    void startRecovering() {
        if (pending == null) {
            pending = new ArrayList<>();
        }
    }
}
