package dev.parley.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the signed token (JWT) a v2 {@code hello} carries: its signature, {@code exp} and {@code nbf}, and
 * {@code iss} and {@code aud} where configured. nimbus-jose-jwt does the parsing and the cryptography; only
 * the algorithms named here are accepted, so an {@code alg:none} token or one re-signed with HS256 under a
 * public key is refused.
 */
public final class TokenVerifier {

    /** Tokens are signed with a shared secret. */
    private static final Set<JWSAlgorithm> SECRET_ALGORITHMS = Set.of(JWSAlgorithm.HS256);
    /** Tokens are signed with a private key whose public half Parley is given. */
    private static final Set<JWSAlgorithm> KEY_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    /**
     * Leeway for the issuer's clock on {@code exp} and {@code nbf}: a token minted by a clock a second ahead
     * must not be refused with a close that tells clients not to come back (nimbus's default is 60 s).
     */
    private static final int CLOCK_SKEW_SECONDS = 5;
    /** HS256 keys shorter than this are guessable; nimbus refuses them too. */
    private static final int MIN_SECRET_BYTES = 32;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    private TokenVerifier(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys, Optional<String> issuer,
            Optional<String> audience) {
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        issuer.ifPresent(exact::issuer);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience.orElse(null),
                exact.build(), Set.of("sub", "exp"));
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** Tokens signed with HS256 under {@code secret}. */
    public static TokenVerifier withSecret(String secret, Optional<String> issuer, Optional<String> audience) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("parley.auth.jwt.secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        return new TokenVerifier(SECRET_ALGORITHMS, new ImmutableSecret<>(bytes), issuer, audience);
    }

    /**
     * Tokens signed with RS256 or ES256 under the key whose public half {@code pem} holds: a PEM {@code PUBLIC
     * KEY} (X.509 SubjectPublicKeyInfo, what {@code openssl pkey -pubout} writes). Read with the JDK, as
     * nimbus's own PEM reader needs BouncyCastle.
     */
    public static TokenVerifier withPublicKey(String pem, Optional<String> issuer, Optional<String> audience) {
        String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(body));
            JWK key;
            try {
                key = new RSAKey.Builder((RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(spec)).build();
            } catch (InvalidKeySpecException notRsa) {
                ECPublicKey ec = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(spec);
                key = new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
            }
            return withKeys(new JWKSet(key), issuer, audience);
        } catch (IllegalArgumentException | GeneralSecurityException | NullPointerException e) {
            throw new IllegalArgumentException("parley.auth.jwt.public-key is not a PEM RSA or EC public key", e);
        }
    }

    /** Tokens signed with RS256 or ES256 under one of the keys of the JWKS file at {@code path}. */
    public static TokenVerifier withJwksFile(Path path, Optional<String> issuer, Optional<String> audience) {
        try {
            return withKeys(JWKSet.load(path.toFile()), issuer, audience);
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("parley.auth.jwt.jwks-file " + path + " is not a JWKS file: "
                    + e.getMessage(), e);
        }
    }

    /** The text of a PEM file, for {@link #withPublicKey}. */
    public static String readPem(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("parley.auth.jwt.public-key " + path + " cannot be read: " + e, e);
        }
    }

    private static TokenVerifier withKeys(JWKSet keys, Optional<String> issuer, Optional<String> audience) {
        JWKSet publicKeys = keys.toPublicJWKSet(); // a private key given by mistake is never used
        if (publicKeys.getKeys().isEmpty()) {
            throw new IllegalArgumentException("no public key given for parley.auth");
        }
        return new TokenVerifier(KEY_ALGORITHMS, new ImmutableJWKSet<>(publicKeys), issuer, audience);
    }

    /** Who a valid token says the user is; the reason it is refused otherwise. */
    public Identity verify(String token) throws InvalidToken {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            String user = claims.getSubject();
            if (user == null || user.isBlank()) {
                throw new InvalidToken("the token names no user (sub)");
            }
            return new Identity(user, claims.getExpirationTime().toInstant(), rooms(claims));
        } catch (ParseException e) {
            throw new InvalidToken("not a signed token");
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidToken(e.getMessage());
        }
    }

    private static Optional<List<String>> rooms(JWTClaimsSet claims) throws InvalidToken {
        if (claims.getClaim("rooms") == null) {
            return Optional.empty();
        }
        try {
            List<String> rooms = claims.getStringListClaim("rooms");
            if (rooms.stream().anyMatch(room -> room == null || room.isEmpty())) {
                throw new InvalidToken("the rooms claim holds an empty room");
            }
            return Optional.of(List.copyOf(rooms));
        } catch (ParseException e) {
            throw new InvalidToken("the rooms claim is not a list of rooms");
        }
    }

    /** A token's user, when it expires, and the rooms it may join (any, if the token lists none). */
    public record Identity(String user, Instant expires, Optional<List<String>> rooms) {

        /** Whether the token lets its user join {@code room}: listed, or under a listed prefix ending in {@code *}. */
        public boolean mayJoin(String room) {
            return rooms.isEmpty() || rooms.get().stream().anyMatch(allowed -> allowed.endsWith("*")
                    ? room.startsWith(allowed.substring(0, allowed.length() - 1)) : room.equals(allowed));
        }
    }

    /** A token refused: the reason goes to the client in its {@code unauthorized} error. */
    public static final class InvalidToken extends Exception {

        private static final long serialVersionUID = 1L;

        public InvalidToken(String reason) {
            super(reason);
        }
    }
}
