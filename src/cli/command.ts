/** One CLI command: a summary line for the main help, its usage text, and what it does (returns the exit code). */
export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}
