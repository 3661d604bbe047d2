package dev.parley.chat.bus;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Who holds which user name: one name space for both protocols and, on a cluster, for all nodes; each
 * name is held by one session at a time. A claim is a token, so that only its holder frees the name:
 * after a node was evicted, a late release of its old claim cannot free the name's new holder.
 */
public interface Names {

    /** Claims {@code name}; empty if someone holds it. */
    CompletionStage<Optional<Claim>> claim(String name);

    /** Frees the claim's name, if the claim still holds it. */
    CompletionStage<Void> release(Claim claim);

    CompletionStage<Boolean> isHeld(String name);

    /** Every name held, in order of claiming. */
    CompletionStage<List<String>> list();

    /** A name as one session holds it. */
    record Claim(String name, String token) {
    }
}
