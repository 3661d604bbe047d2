package dev.parley.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy sameOriginOnly = new OriginPolicy(List.of());

    @Test
    void allowsClientsThatSendNoOrigin() {
        assertTrue(sameOriginOnly.permits(null, "chat.example:8080"));
        assertTrue(sameOriginOnly.permits("", "chat.example:8080"));
    }

    @Test
    void allowsThePagesOwnHostAndPort() {
        assertTrue(sameOriginOnly.permits("http://chat.example:8080", "chat.example:8080"));
        assertTrue(sameOriginOnly.permits("http://Chat.Example:8080/", "chat.example:8080"));
        assertTrue(sameOriginOnly.permits("http://chat.example", "chat.example"));
        assertTrue(sameOriginOnly.permits("https://chat.example", "chat.example"));
        assertTrue(sameOriginOnly.permits("http://chat.example", "chat.example:80"));
    }

    @Test
    void refusesOtherSitesPortsAndOpaqueOrigins() {
        assertFalse(sameOriginOnly.permits("http://evil.example", "chat.example:8080"));
        assertFalse(sameOriginOnly.permits("http://chat.example:9090", "chat.example:8080"));
        assertFalse(sameOriginOnly.permits("http://chat.example.evil.example:8080", "chat.example:8080"));
        assertFalse(sameOriginOnly.permits("null", "chat.example:8080"));
        assertFalse(sameOriginOnly.permits("http://chat.example:8080", null));
    }

    @Test
    void allowsWhatTheListNames() {
        OriginPolicy listed = new OriginPolicy(List.of("https://app.example", "http://localhost:3000/"));
        assertTrue(listed.permits("https://app.example", "chat.example"));
        assertTrue(listed.permits("http://localhost:3000", "chat.example"));
        assertFalse(listed.permits("https://other.example", "chat.example"));
        assertTrue(new OriginPolicy(List.of("*")).permits("https://anyone.example", "chat.example"));
    }
}
