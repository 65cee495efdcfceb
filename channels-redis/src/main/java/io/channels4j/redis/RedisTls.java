package io.channels4j.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to Redis ({@code rediss://} hosts): the server's certificate must chain to a trusted
 * certificate authority and name the host the URL gives (its DNS name, or its IP address for an
 * IP literal), as a browser checks an HTTPS server. Trust is the JVM's default (its
 * {@code cacerts}, or {@code -Djavax.net.ssl.trustStore=...}) unless the layer is given an
 * {@link SSLContext} or, in a layer URL, {@code ssl_ca_certs=<PEM file>} (redis-py's name for the
 * same setting). Stateless.
 */
final class RedisTls {

    /** The URL setting naming a PEM file of trusted authorities (redis-py's name). */
    static final String CA_CERTS = "ssl_ca_certs";

    private RedisTls() {
    }

    /**
     * What every {@code rediss://} connection checks beyond the certificate chain.
     *
     * @return fresh parameters that verify the server's host name (endpoint identification
     *         {@code HTTPS}); protocols and cipher suites are left to the context
     */
    static SSLParameters verifyingHostName() {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    /**
     * The {@value #CA_CERTS} setting of a URL (the layers' and the session store's).
     *
     * @param pemPath its value: a PEM file's path, or empty when not set
     * @return a context trusting that file's authorities ({@link #trusting}), or null when not set
     * @throws IllegalArgumentException as {@link #trusting}
     */
    static SSLContext fromCaCertsSetting(String pemPath) {
        return pemPath == null || pemPath.isEmpty() ? null : trusting(Path.of(pemPath));
    }

    /**
     * A context that trusts the certificate authorities of a PEM file (one or more
     * {@code -----BEGIN CERTIFICATE-----} blocks) and nothing else.
     *
     * @param pem the file, e.g. {@code /etc/redis/ca.crt}
     * @return the context
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    static SSLContext trusting(Path pem) {
        Collection<? extends Certificate> authorities;
        try (InputStream in = Files.newInputStream(pem)) {
            authorities = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Redis CA certificates " + pem + ": " + e, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("no X.509 certificate could be read from " + pem + ": "
                    + e.getMessage(), e);
        }
        if (authorities.isEmpty()) {
            throw new IllegalArgumentException("no certificate in " + pem
                    + " (expected PEM blocks: -----BEGIN CERTIFICATE-----)");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate authority : authorities) {
                store.setCertificateEntry("ca-" + i++, authority);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not set up TLS trusting " + pem + ": " + e.getMessage(), e);
        }
    }
}
