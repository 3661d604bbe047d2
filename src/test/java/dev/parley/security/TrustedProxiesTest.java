package dev.parley.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private final TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8", "192.168.1.5", "fd00::/8"));

    @Test
    void withoutTrustedProxiesTheHeadersAreIgnored() {
        assertEquals("10.1.1.1", TrustedProxies.none().clientOf("10.1.1.1", List.of("203.0.113.9"), List.of()));
    }

    @Test
    void anUntrustedPeerCannotClaimAnotherAddress() {
        assertEquals("198.51.100.7", proxies.clientOf("198.51.100.7", List.of("203.0.113.9"), List.of()));
    }

    @Test
    void aTrustedProxyNamesTheClient() {
        assertEquals("203.0.113.9", proxies.clientOf("10.2.3.4", List.of("203.0.113.9"), List.of()));
        assertEquals("203.0.113.9", proxies.clientOf("192.168.1.5", List.of("203.0.113.9:51234"), List.of()));
    }

    @Test
    void theNearestUntrustedHopIsTheClientWhateverTheClientWroteBeforeIt() {
        // the client forged "1.2.3.4"; its real address was appended by the first proxy, 10.9.9.9 by the second
        assertEquals("203.0.113.9", proxies.clientOf("10.0.0.1", List.of("1.2.3.4, 203.0.113.9", "10.9.9.9"),
                List.of()));
    }

    @Test
    void onlyProxiesAllTheWayIsTheFirstHop() {
        assertEquals("10.0.0.3", proxies.clientOf("10.0.0.1", List.of("10.0.0.3, 10.0.0.2"), List.of()));
    }

    @Test
    void anUnreadableHopStopsTheWalk() {
        assertEquals("10.0.0.2", proxies.clientOf("10.0.0.1", List.of("203.0.113.9, unknown, 10.0.0.2"), List.of()));
        assertEquals("10.0.0.1", proxies.clientOf("10.0.0.1", List.of("999.1.1.1"), List.of()));
    }

    @Test
    void forwardedIsReadWhenThereIsNoXForwardedFor() {
        assertEquals("203.0.113.9", proxies.clientOf("10.0.0.1", List.of(),
                List.of("for=203.0.113.9;proto=https, for=10.0.0.2")));
        assertEquals("2001:db8::1", proxies.clientOf("10.0.0.1", List.of(),
                List.of("for=\"[2001:db8::1]:4711\"")));
    }

    @Test
    void blocksMatchByPrefix() {
        assertTrue(proxies.isTrusted("10.255.0.1"));
        assertFalse(proxies.isTrusted("11.0.0.1"));
        assertTrue(proxies.isTrusted("192.168.1.5"));
        assertFalse(proxies.isTrusted("192.168.1.6"));
        assertTrue(proxies.isTrusted("fd12:3456::1"));
        assertFalse(proxies.isTrusted("fe80::1"));
        assertFalse(proxies.isTrusted("example.com"), "names are never looked up");
    }

    @Test
    void aBadEntryIsRefusedAtStartUp() {
        assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(List.of("proxy.internal")));
    }
}
