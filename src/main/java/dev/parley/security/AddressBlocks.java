package dev.parley.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A setting's list of addresses ({@code 10.0.0.7}) and CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}),
 * and whether an address falls in one. Only literal addresses are read, so no string ever leads to a DNS
 * lookup.
 */
public final class AddressBlocks {

    private final List<Block> blocks;

    private AddressBlocks(List<Block> blocks) {
        this.blocks = blocks;
    }

    /** The blocks {@code entries} name; a bad one fails with the {@code setting}'s name. */
    public static AddressBlocks parse(String setting, List<String> entries) {
        List<Block> parsed = new ArrayList<>();
        for (String entry : entries) {
            if (!entry.isBlank()) {
                parsed.add(Block.parse(setting, entry.strip()));
            }
        }
        return new AddressBlocks(List.copyOf(parsed));
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether {@code address}, a literal IP address, is in one of the blocks; false for anything else. */
    public boolean contains(String address) {
        Optional<byte[]> bytes = Block.bytes(address);
        return bytes.isPresent() && blocks.stream().anyMatch(block -> block.contains(bytes.get()));
    }

    /** Whether {@code text} is a literal IPv4 or IPv6 address. */
    static boolean isLiteral(String text) {
        return Block.bytes(text).isPresent();
    }

    @Override
    public String toString() {
        return blocks.size() + " address blocks";
    }

    /** An address block: its network bytes and prefix length. */
    private record Block(byte[] network, int prefix) {

        static Block parse(String setting, String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] network = bytes(address).orElseThrow(() -> new IllegalArgumentException(
                    setting + ": '" + entry + "' is not an IP address or CIDR block"));
            int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(entry.substring(slash + 1));
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException(setting + ": bad prefix in '" + entry + "'");
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

}
