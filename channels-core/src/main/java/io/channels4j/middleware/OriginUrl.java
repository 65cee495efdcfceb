package io.channels4j.middleware;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The parts of a URL that origin checks look at, split exactly as Python's
 * {@code urllib.parse.urlsplit} (Python 3.11 with its security fixes, the Python Channels 4.0.0
 * runs on) splits them: scheme, network location, and from the network location the host name and
 * the port. Channels' {@code OriginValidator} compares origins and patterns through that parser, so
 * copying its quirks is what makes the same header match the same patterns here.
 *
 * <p>What Python rejects with {@code ValueError} (unbalanced or invalid brackets, a network
 * location that NFKC-normalizes into delimiters, a port that is not a number in 0..65535) is an
 * {@link IllegalArgumentException} here. Immutable and thread-safe.
 */
final class OriginUrl {

    /** Python's {@code urllib.parse.scheme_chars}. */
    private static final String SCHEME_CHARS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.";
    /** Python's {@code _check_bracketed_host} pattern for IPvFuture; {@code .} excludes only LF. */
    private static final Pattern IP_FUTURE = Pattern.compile("v[a-fA-F0-9]+\\..+", Pattern.UNIX_LINES);
    private static final String HEX_DIGITS = "0123456789abcdefABCDEF";
    private static final int HEXTET_COUNT = 8;

    private final String scheme;
    private final String netloc;

    private OriginUrl(String scheme, String netloc) {
        this.scheme = scheme;
        this.netloc = netloc;
    }

    /**
     * Splits a URL as {@code urlsplit(url)} does.
     *
     * @param url the URL, e.g. an Origin header value or a pattern
     * @return its parts
     * @throws IllegalArgumentException where {@code urlsplit} raises {@code ValueError}
     */
    static OriginUrl parse(String url) {
        // Leading C0 controls and spaces go (WHATWG), tabs and line breaks go everywhere.
        int start = 0;
        while (start < url.length() && url.charAt(start) <= ' ') {
            start++;
        }
        String rest = url.substring(start).replace("\t", "").replace("\r", "").replace("\n", "");
        String scheme = "";
        int colon = rest.indexOf(':');
        if (colon > 0 && isAsciiLetter(rest.charAt(0)) && allSchemeChars(rest, colon)) {
            scheme = rest.substring(0, colon).toLowerCase(Locale.ROOT);
            rest = rest.substring(colon + 1);
        }
        String netloc = "";
        if (rest.startsWith("//")) {
            int end = rest.length();
            for (char delimiter : new char[] {'/', '?', '#'}) {
                int at = rest.indexOf(delimiter, 2);
                if (at >= 0) {
                    end = Math.min(end, at);
                }
            }
            netloc = rest.substring(2, end);
            boolean open = netloc.indexOf('[') >= 0;
            boolean close = netloc.indexOf(']') >= 0;
            if (open != close) {
                throw new IllegalArgumentException("Invalid IPv6 URL");
            }
            if (open) {
                checkBracketedNetloc(netloc);
            }
        }
        checkNetloc(netloc);
        return new OriginUrl(scheme, netloc);
    }

    /** @return the scheme, lower-cased; empty when there is none */
    String scheme() {
        return scheme;
    }

    /** @return whether a scheme was found */
    boolean hasScheme() {
        return !scheme.isEmpty();
    }

    /**
     * Python's {@code hostname}: the host of the network location without user info, brackets and
     * port, lower-cased (an IPv6 zone after {@code %} keeps its case).
     *
     * @return the host name, or null when there is none
     */
    String hostname() {
        String hostname = hostInfo()[0];
        if (hostname.isEmpty()) {
            return null;
        }
        int percent = hostname.indexOf('%');
        return percent < 0
                ? hostname.toLowerCase(Locale.ROOT)
                : hostname.substring(0, percent).toLowerCase(Locale.ROOT) + hostname.substring(percent);
    }

    /**
     * Python's {@code port}.
     *
     * @return the explicit port, or null when there is none (or it is empty)
     * @throws IllegalArgumentException if it is not ASCII digits or out of 0..65535
     */
    Integer port() {
        String port = hostInfo()[1];
        if (port == null) {
            return null;
        }
        for (int i = 0; i < port.length(); i++) {
            char c = port.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("Port could not be cast to integer value as '" + port + "'");
            }
        }
        String digits = port.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 5 || Integer.parseInt(digits) > 65535) {
            throw new IllegalArgumentException("Port out of range 0-65535");
        }
        return Integer.parseInt(digits);
    }

    /**
     * Channels' {@code get_origin_port}: the explicit port, else 80 for {@code http}/{@code ws}
     * and 443 for {@code https}/{@code wss}, else null.
     *
     * @return the port or null
     * @throws IllegalArgumentException if the explicit port is invalid
     */
    Integer portOrDefault() {
        Integer port = port();
        if (port != null) {
            return port;
        }
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> null;
        };
    }

    /** Python's {@code _hostinfo}: {host, port-or-null}. */
    private String[] hostInfo() {
        String hostInfo = netloc.substring(netloc.lastIndexOf('@') + 1);
        int open = hostInfo.indexOf('[');
        String hostname;
        String port;
        if (open >= 0) {
            String bracketed = hostInfo.substring(open + 1);
            int close = bracketed.indexOf(']');
            hostname = close < 0 ? bracketed : bracketed.substring(0, close);
            String afterBracket = close < 0 ? "" : bracketed.substring(close + 1);
            int colon = afterBracket.indexOf(':');
            port = colon < 0 ? "" : afterBracket.substring(colon + 1);
        } else {
            int colon = hostInfo.indexOf(':');
            hostname = colon < 0 ? hostInfo : hostInfo.substring(0, colon);
            port = colon < 0 ? "" : hostInfo.substring(colon + 1);
        }
        return new String[] {hostname, port.isEmpty() ? null : port};
    }

    /**
     * Django's {@code is_same_domain}: a pattern starting with {@code .} matches the domain and
     * every subdomain, anything else must match exactly; the pattern is lower-cased, the host is
     * taken as it is (lower-cased by {@link #hostname()}).
     *
     * @param host    the host name
     * @param pattern the pattern, or null
     * @return whether they match
     */
    static boolean isSameDomain(String host, String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return false;
        }
        String p = pattern.toLowerCase(Locale.ROOT);
        return p.charAt(0) == '.' && (host.endsWith(p) || host.equals(p.substring(1))) || p.equals(host);
    }

    // ------------------------------------------------------------------ urlsplit's checks

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean allSchemeChars(String s, int end) {
        for (int i = 0; i < end; i++) {
            if (SCHEME_CHARS.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Python's {@code _checknetloc}: no characters that NFKC turns into URL delimiters. */
    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static void checkNetloc(String netloc) {
        if (netloc.isEmpty() || isAscii(netloc)) {
            return;
        }
        String n = netloc.replace("@", "").replace(":", "").replace("#", "").replace("?", "");
        String normalized = Normalizer.normalize(n, Normalizer.Form.NFKC);
        if (n.equals(normalized)) {
            return;
        }
        for (char c : "/?#@:".toCharArray()) {
            if (normalized.indexOf(c) >= 0) {
                throw new IllegalArgumentException("netloc '" + netloc
                        + "' contains invalid characters under NFKC normalization");
            }
        }
    }

    /** Python's {@code _check_bracketed_netloc}. */
    private static void checkBracketedNetloc(String netloc) {
        String hostAndPort = netloc.substring(netloc.lastIndexOf('@') + 1);
        int open = hostAndPort.indexOf('[');
        String hostname;
        if (open >= 0) {
            if (open > 0) {
                throw new IllegalArgumentException("Invalid IPv6 URL");
            }
            String bracketed = hostAndPort.substring(1);
            int close = bracketed.indexOf(']');
            hostname = close < 0 ? bracketed : bracketed.substring(0, close);
            String port = close < 0 ? "" : bracketed.substring(close + 1);
            if (!port.isEmpty() && !port.startsWith(":")) {
                throw new IllegalArgumentException("Invalid IPv6 URL");
            }
        } else {
            int colon = hostAndPort.indexOf(':');
            hostname = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
        }
        checkBracketedHost(hostname);
    }

    /** Python's {@code _check_bracketed_host}: IPvFuture, or an IPv6 (not IPv4) address. */
    private static void checkBracketedHost(String hostname) {
        if (hostname.startsWith("v")) {
            if (!IP_FUTURE.matcher(hostname).matches()) {
                throw new IllegalArgumentException("IPvFuture address is invalid");
            }
            return;
        }
        if (isIpv4(hostname)) {
            throw new IllegalArgumentException("An IPv4 address cannot be in brackets");
        }
        if (!isIpv6(hostname)) {
            throw new IllegalArgumentException("'" + hostname + "' does not appear to be an IPv4 or IPv6 address");
        }
    }

    /** Python's {@code IPv4Address(str)} validation: four decimal octets, no leading zeros. */
    static boolean isIpv4(String s) {
        if (s.isEmpty() || s.indexOf('/') >= 0) {
            return false;
        }
        String[] octets = s.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')
                    || octet.length() > 1 && octet.charAt(0) == '0' || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Python's {@code IPv6Address(str)} validation, scope id ({@code %zone}) included. */
    static boolean isIpv6(String s) {
        if (s.indexOf('/') >= 0) {
            return false;
        }
        int percent = s.indexOf('%');
        String address = s;
        if (percent >= 0) {
            String scope = s.substring(percent + 1);
            if (scope.isEmpty() || scope.indexOf('%') >= 0) {
                return false;
            }
            address = s.substring(0, percent);
        }
        if (address.isEmpty()) {
            return false;
        }
        java.util.List<String> parts = new java.util.ArrayList<>(java.util.List.of(address.split(":", -1)));
        if (parts.size() < 3) {
            return false;
        }
        if (parts.get(parts.size() - 1).indexOf('.') >= 0) {
            if (!isIpv4(parts.remove(parts.size() - 1))) {
                return false;
            }
            parts.add("0"); // two hextets' worth; their values do not matter for validity
            parts.add("0");
        }
        if (parts.size() > HEXTET_COUNT + 1) {
            return false;
        }
        int skipIndex = -1;
        for (int i = 1; i < parts.size() - 1; i++) {
            if (parts.get(i).isEmpty()) {
                if (skipIndex >= 0) {
                    return false;
                }
                skipIndex = i;
            }
        }
        int partsHi;
        int partsLo;
        if (skipIndex >= 0) {
            partsHi = skipIndex;
            partsLo = parts.size() - skipIndex - 1;
            if (parts.get(0).isEmpty()) {
                partsHi--;
                if (partsHi != 0) {
                    return false;
                }
            }
            if (parts.get(parts.size() - 1).isEmpty()) {
                partsLo--;
                if (partsLo != 0) {
                    return false;
                }
            }
            if (HEXTET_COUNT - (partsHi + partsLo) < 1) {
                return false;
            }
        } else {
            if (parts.size() != HEXTET_COUNT || parts.get(0).isEmpty() || parts.get(parts.size() - 1).isEmpty()) {
                return false;
            }
            partsHi = parts.size();
            partsLo = 0;
        }
        for (int i = 0; i < partsHi; i++) {
            if (!isHextet(parts.get(i))) {
                return false;
            }
        }
        for (int i = parts.size() - partsLo; i < parts.size(); i++) {
            if (!isHextet(parts.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHextet(String s) {
        return !s.isEmpty() && s.length() <= 4 && s.chars().allMatch(c -> HEX_DIGITS.indexOf(c) >= 0);
    }

    @Override
    public String toString() {
        return scheme + "://" + netloc;
    }
}
