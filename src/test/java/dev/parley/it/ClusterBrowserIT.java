package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The browser page with the cluster in place (issues #14 and #12): the node serving one browser is killed
 * with SIGKILL while another person keeps talking from a browser on the other node. The page shows the
 * banner, comes back through nginx on the surviving node, and shows every message once, in order; what was
 * typed on it while it was away is sent once. Nothing acknowledged is lost: the rooms' history is in Redis.
 */
class ClusterBrowserIT {

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final int MESSAGES = 40;
    /** Sent before the kill: the rest is said while the page is away and while it comes back. */
    private static final int BEFORE_KILL = 10;

    @Test
    void aBrowserWhoseNodeIsKilledResumesOnAnotherThroughNginxWithNothingLost() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(List.of(ParleyNode.Server.WILDFLY, ParleyNode.Server.WILDFLY),
                TTL, false, 0, Map.of(), Set.of());
                BrowserUser dana = new BrowserUser(cluster.http(""))) {
            dana.join("dana");
            dana.joinRoom("relay");
            int serving = nodeServingOneChat(cluster);
            int other = 3 - serving;
            try (BrowserUser eli = new BrowserUser(cluster.nodes.get(other - 1).http(""))) { // beside nginx: stays up
                eli.join("eli");
                eli.joinRoom("relay");
                dana.awaitMembers(List.of("dana", "eli"));

                List<String> said = IntStream.rangeClosed(1, MESSAGES).mapToObj(i -> "m " + i).toList();
                long killed = 0;
                for (String text : said) {
                    eli.say(text);
                    if (text.equals("m " + BEFORE_KILL)) {
                        dana.awaitLine("#relay", "eli: " + text);
                        cluster.nodes.get(serving - 1).kill();
                        killed = System.nanoTime();
                        dana.awaitBanner(true);
                        dana.say("typed while the node was dead");
                    }
                    Thread.sleep(100);
                }
                dana.awaitBanner(false);
                System.out.printf("ClusterBrowserIT: the page was back %d ms after its node was killed (node TTL %d s)%n",
                        Duration.ofNanos(System.nanoTime() - killed).toMillis(), TTL.toSeconds());
                dana.awaitLine("#relay", "eli: m " + MESSAGES);
                assertEquals(said, textsFrom(dana.lines("#relay"), "eli: "), "every message once, in order");
                eli.awaitLine("#relay", "dana: typed while the node was dead");
                assertEquals(List.of("typed while the node was dead"), textsFrom(eli.lines("#relay"), "dana: "),
                        "sent once");
                assertTrue(eli.pending("#relay").isEmpty(), "every send acknowledged: " + eli.pending("#relay"));
                dana.awaitNoPending("#relay");
                assertTrue(cluster.nodes.get(other - 1).isAlive());
                assertEquals(2, connectionsOn(cluster, other), "dana is back, on the surviving node, beside eli");
            }
        }
    }

    /** The messages of {@code from} (given as "name: ") among a conversation's lines, in order. */
    private static List<String> textsFrom(List<String> lines, String from) {
        List<String> texts = new ArrayList<>();
        for (String line : lines) {
            int at = line.indexOf(from);
            if (at >= 0) {
                texts.add(line.substring(at + from.length()));
            }
        }
        return texts;
    }

    /** The node (from 1) that nginx gave the one browser connected so far. */
    private static int nodeServingOneChat(LocalCluster cluster) throws Exception {
        List<Integer> serving = new ArrayList<>();
        for (int node = 1; node <= cluster.nodes.size(); node++) {
            if (connectionsOn(cluster, node) == 1) {
                serving.add(node);
            }
        }
        assertEquals(1, serving.size(), "one node serves the browser");
        return serving.get(0);
    }

    private static int connectionsOn(LocalCluster cluster, int node) throws Exception {
        String metrics = MetricsIT.scrape(cluster.nodes.get(node - 1).http("api/metrics"));
        return (int) MetricsIT.sample(metrics, "parley_connections", "endpoint=\"chat\",protocol=\"v2\"");
    }
}
