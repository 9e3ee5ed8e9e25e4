/** Worker-thread entry for the parallel loader (see src/loader/parallel.ts). */
export {};
