package io.channels4j.server;

import io.channels4j.Headers;

/**
 * A parsed HTTP request head.
 *
 * @param method      the method, upper case as sent
 * @param target      the request target as sent (path and query)
 * @param httpVersion {@code 1.0} or {@code 1.1}
 * @param headers     the header fields in order, names as sent
 */
record RequestHead(String method, String target, String httpVersion, Headers headers) {

    /** @return the path part of the target, still percent-encoded */
    String rawPath() {
        int q = target.indexOf('?');
        return q >= 0 ? target.substring(0, q) : target;
    }

    /** @return the query part of the target without {@code ?}; empty if none */
    String queryString() {
        int q = target.indexOf('?');
        return q >= 0 ? target.substring(q + 1) : "";
    }

    /** @return whether the request asks for a WebSocket upgrade */
    boolean isWebsocketUpgrade() {
        String upgrade = headers.get("upgrade");
        return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket") && hasToken("connection", "upgrade");
    }

    /**
     * Whether a comma-separated header holds a token, ignoring case.
     *
     * @param name  the header
     * @param token the token
     * @return true if any value lists the token
     */
    boolean hasToken(String name, String token) {
        for (Headers.Field field : headers.fields()) {
            if (field.is(name) && listHas(field.value(), token)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a comma-separated list holds {@code token} (any case, blanks around it ignored). */
    private static boolean listHas(String list, String token) {
        int start = 0;
        while (start <= list.length()) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? list.length() : comma;
            int from = start;
            int to = end;
            while (from < to && list.charAt(from) <= ' ') {
                from++;
            }
            while (to > from && list.charAt(to - 1) <= ' ') {
                to--;
            }
            if (to - from == token.length() && list.regionMatches(true, from, token, 0, token.length())) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
