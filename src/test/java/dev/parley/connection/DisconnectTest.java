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
        Map<Disconnect, String> expected = Map.of(
                Disconnect.MESSAGE_TOO_BIG, "1009 message too big",
                Disconnect.FLOOD, "1008 rate limit exceeded",
                Disconnect.TOO_MANY_CONNECTIONS, "1013 too many connections",
                Disconnect.NO_ANSWER, "1001 no answer to ping",
                Disconnect.CONNECTION_LOST, "1001 connection lost",
                Disconnect.SLOW_CONSUMER, "1008 slow consumer",
                Disconnect.SHUTDOWN, "1001 server shutting down",
                Disconnect.NODE_LAPSED, "1012 node out of the cluster; reconnect");
        Map<Disconnect, String> actual = Stream.of(Disconnect.values()).collect(Collectors.toMap(d -> d,
                d -> d.reason().getCloseCode().getCode() + " " + d.reason().getReasonPhrase()));
        assertEquals(expected, actual);
    }
}
