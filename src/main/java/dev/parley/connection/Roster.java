package dev.parley.connection;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An immutable snapshot of who is registered as whom, in order of registration. */
final class Roster {

    static final Roster EMPTY = new Roster(new LinkedHashMap<>());

    private final Map<String, Connection> byUuid;
    private final Map<Connection, String> byConnection = new IdentityHashMap<>();
    private final List<String> users;

    private Roster(LinkedHashMap<String, Connection> byUuid) {
        this.byUuid = Collections.unmodifiableMap(byUuid);
        byUuid.forEach((uuid, connection) -> byConnection.put(connection, uuid));
        this.users = List.copyOf(byUuid.keySet());
    }

    Roster with(String uuid, Connection connection) {
        LinkedHashMap<String, Connection> next = new LinkedHashMap<>(byUuid);
        next.put(uuid, connection);
        return new Roster(next);
    }

    Roster without(String uuid) {
        LinkedHashMap<String, Connection> next = new LinkedHashMap<>(byUuid);
        next.remove(uuid);
        return new Roster(next);
    }

    Optional<Connection> connectionOf(String uuid) {
        return Optional.ofNullable(byUuid.get(uuid));
    }

    Optional<String> userOf(Connection connection) {
        return Optional.ofNullable(byConnection.get(connection));
    }

    List<String> users() {
        return users;
    }

    Collection<Connection> connections() {
        return byUuid.values();
    }
}
