package dev.parley.config;

import dev.parley.connection.OutboxLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every Parley setting, read through MicroProfile Config: a system property {@code parley.x.y} or an
 * environment variable {@code PARLEY_X_Y} overrides the default named here.
 */
@ApplicationScoped
public class ParleyConfig {

    public static final String DEFAULT_MAX_TEXT_BYTES = "65536";
    public static final String DEFAULT_OUTBOX_MAX_FRAMES = "4096";
    public static final String DEFAULT_OUTBOX_MAX_BYTES = "4194304";

    @Inject
    @ConfigProperty(name = "parley.max-text-bytes", defaultValue = DEFAULT_MAX_TEXT_BYTES)
    int maxTextBytes;

    @Inject
    @ConfigProperty(name = "parley.outbox.max-frames", defaultValue = DEFAULT_OUTBOX_MAX_FRAMES)
    int outboxMaxFrames;

    @Inject
    @ConfigProperty(name = "parley.outbox.max-bytes", defaultValue = DEFAULT_OUTBOX_MAX_BYTES)
    long outboxMaxBytes;

    /** Largest text or binary message a client may send, in bytes. */
    public int maxTextBytes() {
        return maxTextBytes;
    }

    /** How much may wait to be written to one session. */
    public OutboxLimits outboxLimits() {
        return new OutboxLimits(outboxMaxFrames, outboxMaxBytes);
    }
}
