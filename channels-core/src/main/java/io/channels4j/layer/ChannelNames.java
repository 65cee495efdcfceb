package io.channels4j.layer;

/**
 * The name rules of Channels 4.0 for channels and groups, shared by every {@link ChannelLayer}.
 *
 * <ul>
 *   <li>A <b>group</b> name is one or more ASCII letters, digits, hyphens, underscores or periods
 *       ({@code ^[a-zA-Z\d\-_.]+$}).</li>
 *   <li>A <b>channel</b> name is the same, optionally followed by one {@code !} and a
 *       process-local part of letters, digits, hyphens, underscores and periods
 *       ({@code ^[a-zA-Z\d\-_.]+(![\d\w\-_.]*)?$}). As in Python, {@code \w} and {@code \d} are
 *       Unicode-aware in the local part, so {@code specific.x!ü} is valid.</li>
 *   <li>Every name is shorter than {@value #MAX_NAME_LENGTH} characters (at most 99 code
 *       points).</li>
 * </ul>
 *
 * <p>Two deliberate differences from Python's regular expressions, both stricter: a trailing
 * newline (which Python's {@code $} lets through) is rejected, and only ASCII digits are accepted
 * before the {@code !} (Python's {@code \d} also takes other scripts' digits there; the spec says
 * ASCII).
 *
 * <p>Thread-safe: stateless static methods. Every failure is an
 * {@link InvalidChannelNameException} whose message quotes the bad name, says what is wrong with
 * it and states the rule.
 */
public final class ChannelNames {

    /** Names must be shorter than this many characters (Channels' {@code MAX_NAME_LENGTH}). */
    public static final int MAX_NAME_LENGTH = 100;

    private static final String GROUP_RULE = "only ASCII letters, digits, hyphens, underscores and periods are "
            + "allowed, and the name must be shorter than " + MAX_NAME_LENGTH + " characters";
    private static final String CHANNEL_RULE = "only ASCII letters, digits, hyphens, underscores and periods are "
            + "allowed, optionally followed by one '!' and a process-local part of letters, digits, hyphens, "
            + "underscores and periods, and the name must be shorter than " + MAX_NAME_LENGTH + " characters";

    private ChannelNames() {
    }

    /**
     * Checks a channel name for {@link ChannelLayer#send} and group membership.
     *
     * @param name the name
     * @return the name, for chaining
     * @throws InvalidChannelNameException if it is null or breaks the rules
     */
    public static String requireValidChannelName(String name) {
        String problem = channelProblem(name);
        if (problem != null) {
            throw invalid("Channel name", name, problem, CHANNEL_RULE);
        }
        return name;
    }

    /**
     * Checks a channel name for {@link ChannelLayer#receive}: a valid channel name that, if
     * process-local, is the full name ({@code prefix!local}). Unlike Python Channels, where
     * {@code receive("prefix!")} takes messages for every local name under the prefix,
     * channels4j receives one full name at a time, so a name ending at the {@code !} is refused
     * rather than left waiting forever.
     *
     * @param name the name
     * @return the name, for chaining
     * @throws InvalidChannelNameException if it is null, breaks the rules or has an empty local
     *                                     part
     */
    public static String requireValidReceiveName(String name) {
        requireValidChannelName(name);
        if (name.endsWith("!")) {
            throw new InvalidChannelNameException("Channel name '" + name + "' is invalid for receive: "
                    + "channels4j receives a full process-local name ('prefix!local', as returned by newChannel), "
                    + "not the prefix up to the '!' as in Python Channels");
        }
        return name;
    }

    /**
     * Checks a group name.
     *
     * @param name the name
     * @return the name, for chaining
     * @throws InvalidChannelNameException if it is null or breaks the rules
     */
    public static String requireValidGroupName(String name) {
        String problem = groupProblem(name);
        if (problem != null) {
            throw invalid("Group name", name, problem, GROUP_RULE);
        }
        return name;
    }

    /**
     * Checks the prefix given to {@link ChannelLayer#newChannel(String)}: a group-style name
     * (no {@code !}) short enough to leave {@code room} characters for the rest of the name.
     *
     * @param prefix the prefix
     * @param room   how many characters the layer appends
     * @return the prefix, for chaining
     * @throws InvalidChannelNameException if it is null, breaks the rules or is too long
     */
    public static String requireValidPrefix(String prefix, int room) {
        String problem = groupProblem(prefix);
        if (problem == null && codePoints(prefix) + room >= MAX_NAME_LENGTH) {
            problem = "with the " + room + " characters newChannel appends it would be "
                    + (codePoints(prefix) + room) + " characters long";
        }
        if (problem != null) {
            throw invalid("newChannel prefix", prefix, problem, GROUP_RULE);
        }
        return prefix;
    }

    /**
     * Whether a name is valid as a channel name.
     *
     * @param name the name, may be null
     * @return true if {@link #requireValidChannelName} would accept it
     */
    public static boolean isValidChannelName(String name) {
        return channelProblem(name) == null;
    }

    /**
     * Whether a name is valid as a group name.
     *
     * @param name the name, may be null
     * @return true if {@link #requireValidGroupName} would accept it
     */
    public static boolean isValidGroupName(String name) {
        return groupProblem(name) == null;
    }

    /**
     * Whether a channel name is process-local ({@code prefix!local}).
     *
     * @param name a channel name
     * @return true if it contains {@code !}
     */
    public static boolean isProcessLocal(String name) {
        return name.indexOf('!') >= 0;
    }

    /**
     * The non-local part of a channel name: up to and including the first {@code !}, or the whole
     * name when it has none (Channels' {@code non_local_name}).
     *
     * @param name a channel name
     * @return the non-local part
     */
    public static String nonLocalName(String name) {
        int bang = name.indexOf('!');
        return bang < 0 ? name : name.substring(0, bang + 1);
    }

    // ---------------------------------------------------------------- checks

    private static String groupProblem(String name) {
        String basic = basicProblem(name);
        if (basic != null) {
            return basic;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isRemoteChar(name.charAt(i))) {
                return badChar(name, i);
            }
        }
        return null;
    }

    private static String channelProblem(String name) {
        String basic = basicProblem(name);
        if (basic != null) {
            return basic;
        }
        int i = 0;
        while (i < name.length() && isRemoteChar(name.charAt(i))) {
            i++;
        }
        if (i == name.length()) {
            return null;
        }
        if (name.charAt(i) != '!') {
            return badChar(name, i);
        }
        if (i == 0) {
            return "it starts with '!', and the part before the '!' must not be empty";
        }
        int local = i + 1;
        for (int j = local; j < name.length(); ) {
            int cp = name.codePointAt(j);
            if (cp == '!') {
                return "it has a second '!' at index " + j;
            }
            if (!isLocalCodePoint(cp)) {
                return badChar(name, j);
            }
            j += Character.charCount(cp);
        }
        return null;
    }

    private static String basicProblem(String name) {
        if (name == null) {
            return "it is null";
        }
        if (name.isEmpty()) {
            return "it is empty";
        }
        int length = codePoints(name);
        if (length >= MAX_NAME_LENGTH) {
            return "it is " + length + " characters long";
        }
        return null;
    }

    private static int codePoints(String s) {
        return s.codePointCount(0, s.length());
    }

    private static boolean isRemoteChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.';
    }

    /** Python's Unicode {@code [\d\w\-_.]}: letters, numbers, underscore, hyphen, period. */
    private static boolean isLocalCodePoint(int cp) {
        if (cp < 128) {
            return isRemoteChar((char) cp);
        }
        if (Character.isLetter(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    private static String badChar(String name, int index) {
        int cp = name.codePointAt(index);
        String shown = Character.isISOControl(cp) || Character.isWhitespace(cp) && cp != ' '
                ? String.format("U+%04X", cp)
                : "'" + new String(Character.toChars(cp)) + "'";
        return "character " + shown + " at index " + index + " is not allowed";
    }

    private static InvalidChannelNameException invalid(String what, String name, String problem, String rule) {
        String quoted = name == null ? "null" : "'" + name + "'";
        return new InvalidChannelNameException(what + " " + quoted + " is invalid (" + problem + "): " + rule);
    }
}
