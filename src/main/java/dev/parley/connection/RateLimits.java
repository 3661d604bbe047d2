package dev.parley.connection;

/** The settings every connection's {@link RateLimit} is made from. */
public record RateLimits(double perSecond, int burst, int strikes) {

    public RateLimit start(long now) {
        return new RateLimit(perSecond, burst, strikes, now);
    }
}
