package dev.mman.cli;

import dev.mman.SharedMemory;

/** A child process for the shm tests: creates a small named object, says so, and keeps it mapped until killed. */
final class ShmHolder {

    private ShmHolder() {}

    public static void main(String[] args) throws InterruptedException {
        SharedMemory memory = SharedMemory.create(args[0], 4096);
        System.out.println("ready " + memory.name());
        System.out.flush();
        Thread.sleep(120_000); // the test kills it long before; the bound keeps a lost child from living on
        memory.close();
    }
}
