package dev.mman;

/** The project version, written here by the build from the POM, its one source. */
final class ProjectVersion {

    private static final String VALUE = "${project.version}";

    private ProjectVersion() {}

    /** The version, through a call so that {@link Mman#VERSION} is not inlined into its callers' class files. */
    static String value() {
        return VALUE;
    }
}
