package io.channels4j.redis;

/**
 * Thrown when an encrypted channels_redis message cannot be decrypted: the token is malformed,
 * has an unknown version, was signed with none of the configured keys, has expired, carries a
 * timestamp too far in the future, or decrypts to badly padded data. The Java counterpart of
 * Python's {@code cryptography.fernet.InvalidToken}.
 *
 * <p>The message says which check failed; it never contains key material or plaintext.
 */
public final class InvalidTokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which check failed
     */
    public InvalidTokenException(String message) {
        super(message);
    }
}
