/**
 * The CLI as a function: parse argv, run the command, return the exit code
 * (0 success, 1 failure asked for by --strict or a missing result, 2 usage).
 * Tests call it in-process; src/cli/main.ts is the executable wrapper.
 */
import { UsageError } from './args.js';
import type { Command } from './command.js';
import { CORE_COMMANDS } from './commands.js';
import { matchCommand } from './match.js';

export const COMMANDS: Record<string, Command> = { ...CORE_COMMANDS, match: matchCommand };

const MAIN_USAGE = `ruleatlas — normalize Sigma, Elastic and Splunk detection rules into one AST and build a per-technique catalog

Usage: ruleatlas <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run 'ruleatlas <command> --help' for a command's options.

Environment:
  RULEATLAS_V8_TUNING=0  keep V8's default optimization timing (by default, on Node 20, V8 waits
                         four times longer before optimizing a function: faster one-shot builds;
                         see the README, "Speed")`;

export async function runCli(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(MAIN_USAGE + '\n');
    return cmd ? 0 : 2;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[cmd];
  if (!command) {
    process.stderr.write(`ruleatlas: unknown command '${cmd}'\n\n${MAIN_USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ruleatlas ${cmd}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

