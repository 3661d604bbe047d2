package dev.parley.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The close codes and phrases are a wire contract: clients match on them. */
class DisconnectTest {

    @Test
    void eachReasonCarriesTheCodeAndPhraseClientsKnow() {
        Map<Disconnect, String> expected = Map.ofEntries(
                Map.entry(Disconnect.MESSAGE_TOO_BIG, "1009 message too big"),
                Map.entry(Disconnect.FLOOD, "1008 rate limit exceeded"),
                Map.entry(Disconnect.TOO_MANY_CONNECTIONS, "1013 too many connections"),
                Map.entry(Disconnect.NO_ANSWER, "1001 no answer to ping"),
                Map.entry(Disconnect.CONNECTION_LOST, "1001 connection lost"),
                Map.entry(Disconnect.SLOW_CONSUMER, "1008 slow consumer"),
                Map.entry(Disconnect.SHUTDOWN, "1001 server shutting down"),
                Map.entry(Disconnect.NODE_LAPSED, "1012 node out of the cluster; reconnect"),
                Map.entry(Disconnect.UNAUTHORIZED, "4001 unauthorized"),
                Map.entry(Disconnect.TOKEN_EXPIRED, "4003 token expired"));
        Map<Disconnect, String> actual = Stream.of(Disconnect.values()).collect(Collectors.toMap(d -> d,
                d -> d.reason().getCloseCode().getCode() + " " + d.reason().getReasonPhrase()));
        assertEquals(expected, actual);
    }
}
