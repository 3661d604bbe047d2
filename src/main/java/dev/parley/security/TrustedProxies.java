package dev.parley.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
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

    private final List<Block> blocks;

    /** Addresses ({@code 10.0.0.7}) and CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}). */
    public TrustedProxies(List<String> entries) {
        List<Block> parsed = new ArrayList<>();
        for (String entry : entries) {
            if (!entry.isBlank()) {
                parsed.add(Block.parse(entry.strip()));
            }
        }
        this.blocks = List.copyOf(parsed);
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
        Optional<byte[]> bytes = Block.bytes(address);
        return bytes.isPresent() && blocks.stream().anyMatch(block -> block.contains(bytes.get()));
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
        return Block.bytes(h).isPresent() ? Optional.of(h) : Optional.empty();
    }

    /** An address block: its network bytes and prefix length. */
    private record Block(byte[] network, int prefix) {

        static Block parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] network = bytes(address).orElseThrow(() -> new IllegalArgumentException(
                    "parley.trusted-proxies: '" + entry + "' is not an IP address or CIDR block"));
            int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(entry.substring(slash + 1));
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("parley.trusted-proxies: bad prefix in '" + entry + "'");
            }
            return new Block(network, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        /** A literal IPv4 or IPv6 address's bytes. Checked here first, so that no string ever leads to a DNS lookup. */
        static Optional<byte[]> bytes(String literal) {
            if (literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                String[] octets = literal.split("\\.");
                byte[] v4 = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(octets[i]);
                    if (octet > 255) {
                        return Optional.empty();
                    }
                    v4[i] = (byte) octet;
                }
                return Optional.of(v4);
            }
            if (!literal.matches("[0-9A-Fa-f:.]+") || literal.chars().filter(c -> c == ':').count() < 2) {
                return Optional.empty();
            }
            try {
                return Optional.of(InetAddress.getByName(literal).getAddress()); // an IPv6 literal
            } catch (UnknownHostException | SecurityException e) {
                return Optional.empty();
            }
        }
    }

    @Override
    public String toString() {
        return blocks.size() + " trusted proxy blocks";
    }
}
