package dev.mman;

import java.nio.charset.StandardCharsets;

/** The rules for a shared-memory name, checked before any system call. */
final class SharedMemoryName {

    private SharedMemoryName() {}

    /**
     * Checks a name and returns it with exactly one leading slash.
     *
     * @throws MMapInvalidParameterException naming the rule that {@code name} breaks
     */
    static String canonical(String call, String name, int maxLength) {
        if (name == null) {
            throw Arguments.invalid(call + ": the name is null");
        }
        String bare = name.startsWith("/") ? name.substring(1) : name;
        String rule = "; a name is an optional leading '/' then 1 to " + maxLength
                + " bytes without '/', NUL or '..'";
        if (bare.isEmpty()) {
            throw Arguments.invalid(call + ": the name \"" + name + "\" is empty" + rule);
        }
        if (bare.indexOf('/') >= 0) {
            throw Arguments.invalid(call + ": the name \"" + name + "\" has a '/' after the start" + rule);
        }
        if (bare.indexOf('\0') >= 0) {
            throw Arguments.invalid(call + ": the name \"" + name.replace("\0", "\\0") + "\" contains NUL" + rule);
        }
        if (bare.contains("..") || bare.equals(".")) {
            throw Arguments.invalid(call + ": the name \"" + name + "\" contains '..' or is '.'" + rule);
        }
        int bytes = bare.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxLength) {
            throw Arguments.invalid(call + ": the name \"" + name + "\" is " + bytes + " bytes long" + rule);
        }
        return "/" + bare;
    }
}
