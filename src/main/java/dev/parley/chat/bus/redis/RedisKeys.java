package dev.parley.chat.bus.redis;

import dev.parley.chat.bus.Stream;

/**
 * Where a stream lives in Redis. All of one stream's keys and its channel share a hash tag, so that one
 * script touches one slot and the layout works unchanged on a Redis Cluster; rooms and inboxes are
 * tagged apart, so that no room name reaches an inbox.
 */
record RedisKeys(String meta, String log, String members, String channel, String tag) {

    static RedisKeys of(Stream stream) {
        String tag = "parley:{" + (stream.kind() == Stream.Kind.ROOM ? "r:" : "i:") + stream.name() + "}";
        return new RedisKeys(tag + ":meta", tag + ":log", tag + ":members", tag + ":events", tag);
    }

    /** A send's idempotency key: its sender and cid, each length-prefixed so that no ':' in them is ambiguous. */
    String cid(String from, String cid) {
        return tag + ":cid:" + from.length() + ":" + from + ":" + cid;
    }
}
