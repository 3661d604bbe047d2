package dev.parley.chat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Who holds which user name: one name space for both protocols, each name held by one session at a time. */
public final class Names {

    private final Map<String, Object> holders = new LinkedHashMap<>();

    /** Claims {@code name} for {@code holder}; false if someone else holds it. */
    public synchronized boolean claim(String name, Object holder) {
        return holders.putIfAbsent(name, holder) == null || holders.get(name) == holder;
    }

    /** Releases {@code name} if {@code holder} holds it. */
    public synchronized boolean release(String name, Object holder) {
        return holders.remove(name, holder);
    }

    public synchronized boolean isHeld(String name) {
        return holders.containsKey(name);
    }

    /** Every name held, in order of claiming. */
    public synchronized List<String> list() {
        return List.copyOf(holders.keySet());
    }
}
