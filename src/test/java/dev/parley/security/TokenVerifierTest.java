package dev.parley.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #13's token checks, on tokens that nimbus signs here with keys made for the test. */
class TokenVerifierTest {

    private static final String SECRET = TestTokens.SECRET;
    private static final Instant NOW = Instant.now();

    private final TokenVerifier hs256 = TokenVerifier.withSecret(SECRET, Optional.empty(), Optional.empty());

    private static String token(JWSAlgorithm algorithm, JWSSigner signer, String user,
            UnaryOperator<JWTClaimsSet.Builder> claims) {
        return TestTokens.token(algorithm, signer, user, claims);
    }

    private static String hs256(String user, UnaryOperator<JWTClaimsSet.Builder> claims) {
        return TestTokens.hs256(user, claims);
    }

    @Test
    void aTokenSignedWithTheSecretNamesItsUser() throws Exception {
        Instant expires = NOW.plusSeconds(3600);
        TokenVerifier.Identity alice = hs256.verify(hs256("alice", c -> c.expirationTime(Date.from(expires))));
        assertEquals("alice", alice.user());
        assertEquals(expires.getEpochSecond(), alice.expires().getEpochSecond());
        assertTrue(alice.mayJoin("anything"), "no rooms claim: any room");
    }

    @Test
    void forgedExpiredOrUnsignedTokensAreRefused() throws Exception {
        String otherSecret = token(JWSAlgorithm.HS256, new MACSigner(SECRET.replace('a', 'b')), "alice", c -> c);
        String expired = hs256("alice", c -> c.expirationTime(Date.from(NOW.minusSeconds(60))));
        String notYet = hs256("alice", c -> c.notBeforeTime(Date.from(NOW.plusSeconds(600))));
        String unsigned = new PlainJWT(new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(Date.from(NOW.plusSeconds(3600))).build()).serialize();
        String noExpiry = hs256("alice", c -> c.expirationTime(null));
        String noUser = hs256(null, c -> c);
        String tampered = tamper(hs256("alice", c -> c));
        for (String bad : List.of(otherSecret, expired, notYet, unsigned, noExpiry, noUser, tampered, "not a token", "")) {
            assertThrows(TokenVerifier.InvalidToken.class, () -> hs256.verify(bad), bad);
        }
    }

    /** The payload of a signed token swapped for one naming another user, the signature kept. */
    private static String tamper(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("alice", "mallory");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[2];
    }

    @Test
    void issuerAndAudienceAreCheckedWhereConfigured() throws Exception {
        TokenVerifier strict = TokenVerifier.withSecret(SECRET, Optional.of("https://id.example"), Optional.of("parley"));
        assertEquals("alice", strict.verify(hs256("alice", c -> c.issuer("https://id.example").audience("parley"))).user());
        for (String bad : List.of(hs256("alice", c -> c.issuer("https://id.example").audience("other")),
                hs256("alice", c -> c.issuer("https://evil.example").audience("parley")),
                hs256("alice", c -> c.audience("parley")), hs256("alice", c -> c.issuer("https://id.example")))) {
            assertThrows(TokenVerifier.InvalidToken.class, () -> strict.verify(bad), bad);
        }
    }

    @Test
    void rs256UnderAPemPublicKeyAndNoAlgorithmConfusion() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        TokenVerifier rs256 = TokenVerifier.withPublicKey(pem, Optional.empty(), Optional.empty());

        assertEquals("bob", rs256.verify(token(JWSAlgorithm.RS256, new RSASSASigner(keys.getPrivate()), "bob", c -> c)).user());
        // the public key as an HMAC secret: the classic confusion, refused as HS256 is not accepted here
        String confused = token(JWSAlgorithm.HS256, new MACSigner(pem.getBytes()), "bob", c -> c);
        assertThrows(TokenVerifier.InvalidToken.class, () -> rs256.verify(confused));
        assertThrows(TokenVerifier.InvalidToken.class, () -> rs256.verify(hs256("bob", c -> c)));
    }

    @Test
    void es256UnderAJwksFile(@TempDir Path dir) throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key).toString(false)); // the private half too: only the public one is used
        TokenVerifier es256 = TokenVerifier.withJwksFile(jwks, Optional.empty(), Optional.empty());

        String token = token(JWSAlgorithm.ES256, new ECDSASigner(key), "carol", c -> c);
        assertEquals("carol", es256.verify(token).user());
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        assertThrows(TokenVerifier.InvalidToken.class,
                () -> es256.verify(token(JWSAlgorithm.ES256, new ECDSASigner(other), "carol", c -> c)));
    }

    @Test
    void theRoomsClaimListsRoomsAndPrefixes() throws Exception {
        TokenVerifier.Identity dana = hs256.verify(hs256("dana", c -> c.claim("rooms", List.of("lobby", "team-*"))));
        assertTrue(dana.mayJoin("lobby"));
        assertTrue(dana.mayJoin("team-red"));
        assertFalse(dana.mayJoin("lobby2"));
        assertFalse(dana.mayJoin("tea"));
        assertThrows(TokenVerifier.InvalidToken.class, () -> hs256.verify(hs256("dana", c -> c.claim("rooms", "lobby"))));
    }

    @Test
    void aShortSecretOrAMissingKeyIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.withSecret("short", Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> TokenVerifier.withPublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
                        Optional.empty(), Optional.empty()));
    }
}
