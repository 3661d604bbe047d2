package dev.parley.chat.bus;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Who holds which user name: one name space for both protocols and, on a cluster, for all nodes. A name is
 * held by up to as many sessions as its claims allow: one for an anonymous name, an authenticated user's
 * devices for a token's. Each claim is a token of its own, so that only its holder frees it: after a node
 * was evicted, a late release of its old claim cannot free a new holder's.
 */
public interface Names {

    /**
     * Claims {@code name} for one more session; empty if {@code most} sessions hold it already. A claim that
     * fails holds nothing: should it have been made all the same, the bus releases it.
     */
    CompletionStage<Optional<Claim>> claim(String name, int most);

    /**
     * Frees the claim, if it still holds its name; the name is free once its last claim is. Answers with the
     * first try; should it fail, the bus tries again in the background, for longer than a cluster node
     * outlives losing Redis.
     */
    CompletionStage<Void> release(Claim claim);

    CompletionStage<Boolean> isHeld(String name);

    /** Every name held, in order of first claiming. */
    CompletionStage<List<String>> list();

    /**
     * A name as one session holds it. The token is unique among every claim this bus ever made, so it also
     * names the session's memberships (see {@link ChatBus#announceJoin}).
     */
    record Claim(String name, String token) {
    }
}
