package dev.parley.chat.bus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The names of a single node, in memory; every call completes before it returns. */
final class LocalNames implements Names {

    /** Name to token, in order of claiming. */
    private final Map<String, String> holders = new LinkedHashMap<>();
    private long claims;

    @Override
    public synchronized CompletionStage<Optional<Claim>> claim(String name) {
        if (holders.containsKey(name)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String token = Long.toString(++claims);
        holders.put(name, token);
        return CompletableFuture.completedFuture(Optional.of(new Claim(name, token)));
    }

    @Override
    public synchronized CompletionStage<Void> release(Claim claim) {
        holders.remove(claim.name(), claim.token());
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
