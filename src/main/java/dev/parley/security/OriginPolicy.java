package dev.parley.security;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which browser pages may open a WebSocket to Parley. Neither Tyrus nor Undertow checks {@code Origin},
 * so without this any site a user visits could talk to Parley in that user's name (cross-site
 * WebSocket hijacking). Allowed: requests with no {@code Origin} (not from a browser), requests from a
 * page of the same host and port, and the origins on the allow-list.
 */
public record OriginPolicy(List<String> allowed) {

    public OriginPolicy {
        allowed = allowed.stream().map(OriginPolicy::normalise).toList();
    }

    /** Whether a handshake with {@code origin} (null when absent) to {@code host} (the Host header) may proceed. */
    public boolean permits(String origin, String host) {
        if (origin == null || origin.isBlank()) {
            return true;
        }
        String normalised = normalise(origin);
        return allowed.contains("*") || allowed.contains(normalised) || isSameOrigin(normalised, host);
    }

    private static boolean isSameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null) {
                return false;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            String hostHeader = host.toLowerCase(Locale.ROOT);
            return hostHeader.equals(uri.getHost() + ":" + port)
                    || port == ("https".equals(uri.getScheme()) ? 443 : 80) && hostHeader.equals(uri.getHost());
        } catch (IllegalArgumentException e) {
            return false; // "null" and other opaque origins are never the same origin
        }
    }

    private static String normalise(String origin) {
        String lower = origin.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
