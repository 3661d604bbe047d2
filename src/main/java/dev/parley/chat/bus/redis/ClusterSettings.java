package dev.parley.chat.bus.redis;

import java.time.Duration;

/**
 * How a node joins a cluster.
 *
 * @param redisUri {@code parley.redis.uri}: where the cluster's Redis is
 * @param nodeId   {@code parley.node.id}: this node's name in logs and leases
 * @param nodeTtl  {@code parley.cluster.node-ttl-seconds}: how long a node that stopped renewing its
 *                 lease counts as alive; after that its members are evicted, and it closes its clients
 * @param timeout  {@code parley.redis.timeout-millis}: how long a Redis call may take before it fails
 * @param replicas {@code parley.redis.replicas}: how many of Redis's replicas must hold a message before
 *                 it is acknowledged (0: none, the ack only says the master has it)
 */
public record ClusterSettings(String redisUri, String nodeId, Duration nodeTtl, Duration timeout, int replicas) {

    public ClusterSettings {
        if (nodeId.isBlank() || nodeId.contains("/") || nodeTtl.toMillis() < 1000 || timeout.toMillis() < 1
                || replicas < 0) {
            throw new IllegalArgumentException("cluster settings out of range: node id '" + nodeId + "', ttl "
                    + nodeTtl + ", timeout " + timeout + ", replicas " + replicas);
        }
    }

    /** Acks that wait for no replica. */
    public ClusterSettings(String redisUri, String nodeId, Duration nodeTtl, Duration timeout) {
        this(redisUri, nodeId, nodeTtl, timeout, 0);
    }
}
