package dev.parley.chat.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which URIs name a Redis Cluster, and its seed nodes. */
class RedisLinkTest {

    @Test
    void aClusterUriListsItsSeeds() {
        List<RedisURI> seeds = RedisLink.clusterSeeds("redis-cluster://127.0.0.1:7000, 127.0.0.1:7001,redis-3").orElseThrow();
        assertEquals(List.of("127.0.0.1:7000", "127.0.0.1:7001", "redis-3:6379"),
                seeds.stream().map(seed -> seed.getHost() + ":" + seed.getPort()).toList());
        seeds.forEach(seed -> assertEquals(false, seed.isSsl()));
    }

    @Test
    void eachSeedTakesTheUserInfoAndTheOptions() {
        List<RedisURI> seeds = RedisLink.clusterSeeds("rediss-cluster://parley:s3cret@a:7000,b:7001?timeout=5s")
                .orElseThrow();
        for (RedisURI seed : seeds) {
            assertEquals(true, seed.isSsl());
            assertEquals("parley", seed.getUsername());
            assertEquals("s3cret", new String(seed.getPassword()));
            assertEquals(Duration.ofSeconds(5), seed.getTimeout());
        }
        assertEquals(List.of("a", "b"), seeds.stream().map(RedisURI::getHost).toList());
    }

    @Test
    void otherSchemesAreOneRedis() {
        for (String uri : List.of("redis://127.0.0.1:6379", "rediss://h:6380", "redis-sentinel://h:26379/0#mymaster")) {
            assertEquals(Optional.empty(), RedisLink.clusterSeeds(uri), uri);
        }
    }

    @Test
    void anEmptySeedIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RedisLink.clusterSeeds("redis-cluster://a:7000,,b:7001"));
    }
}
