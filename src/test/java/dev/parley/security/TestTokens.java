package dev.parley.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.function.UnaryOperator;

/** Tokens as an identity provider issues them, signed by nimbus with the tests' keys. */
public final class TestTokens {

    /** The HS256 secret of the tests' token-mode servers. */
    public static final String SECRET = "a secret of thirty-two bytes or more, for HS256";

    private TestTokens() {
    }

    /** A token for {@code user} valid for an hour from now, as {@code claims} changes it, signed by {@code signer}. */
    public static String token(JWSAlgorithm algorithm, JWSSigner signer, String user,
            UnaryOperator<JWTClaimsSet.Builder> claims) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().subject(user).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)));
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.apply(builder).build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
        return jwt.serialize();
    }

    /** An HS256 token under {@link #SECRET}. */
    public static String hs256(String user, UnaryOperator<JWTClaimsSet.Builder> claims) {
        try {
            return token(JWSAlgorithm.HS256, new MACSigner(SECRET), user, claims);
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }

    public static String hs256(String user) {
        return hs256(user, claims -> claims);
    }
}
