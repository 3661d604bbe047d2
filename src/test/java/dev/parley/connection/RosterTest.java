package dev.parley.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RosterTest {

    private static Connection connection(ParleyEndpoint endpoint) {
        return new Connection(null, endpoint, Optional.empty(), null, 0, new RateLimits(1, 1, 1), Ticker.SYSTEM);
    }

    @Test
    void keepsRegistrationOrderAndLooksUpBothWays() {
        Connection a = connection(ParleyEndpoint.CHAT);
        Connection b = connection(ParleyEndpoint.CHAT);
        Roster roster = Roster.EMPTY.with("zed", a).with("amy", b);
        assertEquals(List.of("zed", "amy"), roster.users());
        assertEquals(Optional.of(b), roster.connectionOf("amy"));
        assertEquals(Optional.of("zed"), roster.userOf(a));
        assertEquals(List.of(a, b), List.copyOf(roster.connections()));
    }

    @Test
    void isUnchangedByItsSuccessors() {
        Connection a = connection(ParleyEndpoint.CHAT);
        Roster before = Roster.EMPTY.with("a", a);
        Roster after = before.without("a");
        assertEquals(List.of("a"), before.users());
        assertTrue(after.users().isEmpty());
        assertTrue(after.userOf(a).isEmpty());
        Roster back = after.with("b", connection(ParleyEndpoint.CHAT)).with("a", a);
        assertEquals(List.of("b", "a"), back.users(), "a returning user goes to the end");
    }
}
