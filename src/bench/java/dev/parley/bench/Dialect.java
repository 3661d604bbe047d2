package dev.parley.bench;

import java.util.List;
import java.util.Optional;

/**
 * How the generator's chat users speak: the tutorial's v1, in {@code lobby}, or {@code parley.v2} in one
 * room. Frames are written and recognised by hand, as the server writes them (compact JSON, fixed field
 * order), so that the generator's own cost stays small and alike for both.
 */
final class Dialect {

    /** One request of entering and the start of the reply that completes it. */
    record Step(String request, String replyPrefix) {
    }

    private static final Dialect V1 = new Dialect(null);

    /** The v2 room; null for v1. */
    private final String room;

    private Dialect(String room) {
        this.room = room;
    }

    static Dialect v1() {
        return V1;
    }

    static Dialect v2(String room) {
        return new Dialect(room);
    }

    boolean isV2() {
        return room != null;
    }

    Optional<String> subprotocol() {
        return isV2() ? Optional.of("parley.v2") : Optional.empty();
    }

    /** The name of the crowd's {@code index}th user: v1 and v2 users share one name space. */
    String user(int index) {
        return isV2() ? room + "-" + index : "u" + index;
    }

    /** v1: register, answered by the user's own login; v2: hello, answered by welcome, then join and joined. */
    List<Step> enter(String user) {
        if (!isV2()) {
            return List.of(new Step("{\"type\":\"register\",\"uuid\":\"" + user + "\",\"content\":\"bench\"}",
                    "{\"type\":\"login\""));
        }
        return List.of(new Step("{\"type\":\"hello\",\"user\":\"" + user + "\"}", "{\"type\":\"welcome\""),
                new Step(join(), "{\"type\":\"joined\""));
    }

    /** A v2 join of the room, as a new member gets it: the latest messages. */
    String join() {
        return "{\"type\":\"join\",\"room\":\"" + room + "\"}";
    }

    /** A v2 join that resumes after message {@code seq} of {@code epoch}. */
    String join(String epoch, long seq) {
        return "{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":{\"epoch\":\"" + epoch + "\",\"seq\":" + seq
                + "}}";
    }

    String leave() {
        return "{\"type\":\"leave\",\"room\":\"" + room + "\"}";
    }

    /**
     * How many entry events (as {@link #isEntry}) a crowd of {@code users} receives in all while entering:
     * in v1 every user gets the login of itself and of everyone after it; in v2 only its own joined.
     */
    long entryEvents(int users) {
        return isV2() ? users : (long) users * (users + 1) / 2;
    }

    boolean isEntry(String frame) {
        return isV2() ? frame.startsWith("{\"type\":\"joined\"")
                : frame.startsWith("{\"type\":\"login\"") || frame.startsWith("{\"type\": \"login\""); // Python's
    }

    /** A broadcast to the room (v2: with a cid, acknowledged). */
    String send(String text, String cid) {
        if (!isV2()) {
            return "{\"type\":\"send\",\"content\":\"" + text + "\"}";
        }
        return "{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"" + text + "\",\"cid\":\"" + cid + "\"}";
    }

    /** v2 senders are paced by their acks; v1 senders, which get none, by their own copy of each message. */
    boolean pacedByAck() {
        return isV2();
    }

    boolean isAck(String frame) {
        return isV2() && frame.startsWith("{\"type\":\"ack\"");
    }

    /** Someone left: v1's logout, or a v2 presence naming someone who left. */
    boolean isLeave(String frame) {
        return isV2() ? frame.startsWith("{\"type\":\"presence\"") && frame.contains("\"left\":[\"")
                : frame.contains("\"logout\"");
    }

    /** Where a room message's text starts in {@code frame}, or -1 if the frame is no room message. */
    int textStart(String frame) {
        if (isV2()) {
            if (!frame.startsWith("{\"type\":\"message\",\"room\"")) {
                return -1;
            }
            int at = frame.indexOf("\"text\":\"");
            return at < 0 ? -1 : at + 8;
        }
        int at = frame.indexOf("\"content\"");
        if (at < 0 || frame.contains("\"to\"")) {
            return -1; // the handshake, or a private message
        }
        return frame.indexOf('"', frame.indexOf(':', at) + 1) + 1;
    }
}
