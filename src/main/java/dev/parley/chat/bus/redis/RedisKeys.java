package dev.parley.chat.bus.redis;

import dev.parley.chat.bus.Stream;

/**
 * Where a stream lives in Redis. All of one stream's keys and its channel share a hash tag, so that one
 * script touches one slot and the layout works unchanged on a Redis Cluster; rooms and inboxes are
 * tagged apart, so that no room name reaches an inbox.
 */
record RedisKeys(String meta, String log, String members, String sessions, String held, String channel, String tag) {

    static RedisKeys of(Stream stream) {
        String tag = "parley:{" + (stream.kind() == Stream.Kind.ROOM ? "r:" : "i:") + stream.name() + "}";
        return new RedisKeys(tag + ":meta", tag + ":log", tag + ":members", tag + ":sessions", tag + ":held",
                tag + ":events", tag);
    }

    /** The keys a stream's scripts read, in the order they take them. */
    String[] stream() {
        return new String[] {meta, log, members};
    }

    String[] membership() {
        return new String[] {meta, log, members, sessions, held};
    }

    // the cluster's own keys: the nodes' leases and the user names, each set in one slot of its own

    /** The live nodes' leases, scored by expiry. */
    static final String LEASES = "parley:{nodes}:leases";

    /** The rooms where a lease's node has (or had) members: where its eviction looks. */
    static String roomsOf(String lease) {
        return "parley:{nodes}:rooms:" + lease;
    }

    /** Every name held, to how many claims hold it. */
    static final String NAME_HOLDERS = "parley:{names}:held";
    /** Every name held, scored by when it was first claimed. */
    static final String NAME_ORDER = "parley:{names}:order";

    /** The names scripts' keys: holders, order, the lease's claims, the claims counter, each claim's name. */
    static String[] names(String lease) {
        return new String[] {NAME_HOLDERS, NAME_ORDER, "parley:{names}:lease:" + lease, "parley:{names}:claims",
                "parley:{names}:tokens"};
    }

    /** A send's idempotency key: its sender and cid, each length-prefixed so that no ':' in them is ambiguous. */
    String cid(String from, String cid) {
        return tag + ":cid:" + from.length() + ":" + from + ":" + cid;
    }
}
