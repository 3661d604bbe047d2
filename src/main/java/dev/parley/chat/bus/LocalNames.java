package dev.parley.chat.bus;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The names of a single node, in memory; every call completes before it returns. */
final class LocalNames implements Names {

    /** Name to its claims' tokens, in order of first claiming. */
    private final Map<String, Set<String>> holders = new LinkedHashMap<>();
    private long claims;

    @Override
    public synchronized CompletionStage<Optional<Claim>> claim(String name, int most) {
        Set<String> held = holders.computeIfAbsent(name, free -> new HashSet<>(2));
        if (held.size() >= most) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String token = Long.toString(++claims);
        held.add(token);
        return CompletableFuture.completedFuture(Optional.of(new Claim(name, token)));
    }

    @Override
    public synchronized CompletionStage<Void> release(Claim claim) {
        Set<String> held = holders.get(claim.name());
        if (held != null && held.remove(claim.token()) && held.isEmpty()) {
            holders.remove(claim.name());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Boolean> isHeld(String name) {
        return CompletableFuture.completedFuture(holders.containsKey(name));
    }

    @Override
    public synchronized CompletionStage<List<String>> list() {
        return CompletableFuture.completedFuture(List.copyOf(holders.keySet()));
    }
}
