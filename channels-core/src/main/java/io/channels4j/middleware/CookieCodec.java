package io.channels4j.middleware;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The cookie text rules of Django and Python's {@code http.cookies}, so that values round-trip
 * with Channels: {@code parse_cookie} for the request header, {@code _quote}/{@code _unquote} for
 * values, {@code http_date} for {@code expires}. Stateless; thread-safe.
 */
final class CookieCodec {

    /** Python's {@code _LegalChars}: what a name may hold and a value may hold unquoted. */
    private static final String LEGAL = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~:";
    /** Python's {@code _UnescapedChars}: kept as they are inside a quoted value. */
    private static final String UNESCAPED = LEGAL + " ()/<=>?@[]{}";
    /** Attribute names Python refuses as cookie names ({@code Morsel._reserved}). */
    private static final Set<String> RESERVED = Set.of("expires", "path", "comment", "domain", "max-age", "secure",
            "httponly", "version", "samesite");

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private CookieCodec() {
    }

    /**
     * Django's {@code parse_cookie}: split on {@code ;}, the first {@code =} separates name and
     * value (a chunk without one is a value with an empty name), both stripped, values unquoted;
     * a later duplicate wins.
     */
    static Map<String, String> parse(String header) {
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String chunk : header.split(";", -1)) {
            int eq = chunk.indexOf('=');
            String name = eq >= 0 ? chunk.substring(0, eq).strip() : "";
            String value = (eq >= 0 ? chunk.substring(eq + 1) : chunk).strip();
            if (!name.isEmpty() || !value.isEmpty()) {
                cookies.put(name, unquote(value));
            }
        }
        return Collections.unmodifiableMap(cookies);
    }

    /** Python's {@code _unquote}: a value in double quotes loses them and its backslash escapes. */
    static String unquote(String value) {
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
            return value;
        }
        String inner = value.substring(1, value.length() - 1);
        StringBuilder sb = new StringBuilder(inner.length());
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c != '\\' || i + 1 >= inner.length()) {
                sb.append(c);
            } else if (isOctal(inner, i + 1)) {
                sb.append((char) Integer.parseInt(inner.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(inner.charAt(++i));
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int at) {
        return at + 3 <= s.length() && s.charAt(at) >= '0' && s.charAt(at) <= '3'
                && s.charAt(at + 1) >= '0' && s.charAt(at + 1) <= '7'
                && s.charAt(at + 2) >= '0' && s.charAt(at + 2) <= '7';
    }

    /**
     * Python's {@code _quote}: a value of legal characters only is written as is; anything else
     * goes in double quotes with {@code "} and {@code \} escaped and other special characters up to
     * U+00FF as three-digit octal escapes.
     */
    static String quote(String value) {
        if (isLegal(value)) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + 8).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c <= 0xFF && UNESCAPED.indexOf(c) < 0) {
                sb.append('\\').append(String.format("%03o", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** @throws IllegalArgumentException if Python would refuse the name ({@code CookieError}) */
    static void checkName(String name) {
        if (name.isEmpty() || !isLegal(name)) {
            throw new IllegalArgumentException("cookie name '" + name + "' holds characters a cookie name cannot ("
                    + "allowed: letters, digits and " + LEGAL.substring(62) + ")");
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("cookie name '" + name + "' is a reserved cookie attribute name");
        }
    }

    private static boolean isLegal(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (LEGAL.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Django's {@code http_date}: {@code Wed, 21 Oct 2015 07:28:00 GMT}. */
    static String httpDate(Instant instant) {
        return HTTP_DATE.format(instant);
    }
}
