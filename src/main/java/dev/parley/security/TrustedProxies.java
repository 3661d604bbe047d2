package dev.parley.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code parley.trusted-proxies}: the load balancers whose word on the client's address Parley takes.
 * Behind one, every connection comes from the balancer, and the per-address limit would cap the whole
 * site; so for a peer in this list the client is the nearest address in {@code X-Forwarded-For} (or,
 * without it, {@code Forwarded}) that is not itself a trusted proxy. Anyone else can write those headers,
 * so from any other peer they are ignored.
 */
public final class TrustedProxies {

    private final AddressBlocks blocks;

    /** Addresses ({@code 10.0.0.7}) and CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}). */
    public TrustedProxies(List<String> entries) {
        this.blocks = AddressBlocks.parse("parley.trusted-proxies", entries);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /**
     * The client's address: {@code peer}, unless it is trusted and the headers name who it forwarded for.
     *
     * @param forwardedFor every {@code X-Forwarded-For} header, in order
     * @param forwarded every {@code Forwarded} header (RFC 7239), in order
     */
    public String clientOf(String peer, List<String> forwardedFor, List<String> forwarded) {
        if (blocks.isEmpty() || !isTrusted(peer)) {
            return peer;
        }
        List<String> hops = !forwardedFor.isEmpty() ? split(forwardedFor) : forwardedHops(forwarded);
        String client = peer;
        // right to left: the last hop is what the nearest proxy saw; stop at the first one nobody vouches for
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<String> hop = address(hops.get(i));
            if (hop.isEmpty()) {
                break; // "unknown", an obfuscated name or garbage: what came before it cannot be believed
            }
            client = hop.get();
            if (!isTrusted(client)) {
                break;
            }
        }
        return client;
    }

    boolean isTrusted(String address) {
        return blocks.contains(address);
    }

    private static List<String> split(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String header : headers) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        return hops;
    }

    /** The {@code for=} of each element of RFC 7239 {@code Forwarded} headers. */
    private static List<String> forwardedHops(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String element : split(headers)) {
            String found = "";
            for (String pair : element.split(";")) {
                String[] nameValue = pair.strip().split("=", 2);
                if (nameValue.length == 2 && nameValue[0].strip().toLowerCase(Locale.ROOT).equals("for")) {
                    found = nameValue[1].strip();
                }
            }
            hops.add(found);
        }
        return hops;
    }

    /** A hop's address without quotes, brackets or port; empty unless it is a literal IP address. */
    private static Optional<String> address(String hop) {
        String h = hop.startsWith("\"") && hop.endsWith("\"") && hop.length() > 1 ? hop.substring(1, hop.length() - 1) : hop;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end > 0 ? h.substring(1, end) : "";
        } else if (h.indexOf(':') == h.lastIndexOf(':') && h.indexOf(':') > 0) {
            h = h.substring(0, h.indexOf(':')); // IPv4 with a port
        }
        return AddressBlocks.isLiteral(h) ? Optional.of(h) : Optional.empty();
    }

    @Override
    public String toString() {
        return blocks + " of trusted proxies";
    }
}
