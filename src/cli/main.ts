/**
 * The `ruleatlas` command line. Each command has --help; usage errors exit 2,
 * rule failures exit 0 unless --strict asks otherwise.
 */
import { UsageError } from './args.js';
import { COMMANDS } from './commands.js';

const MAIN_USAGE = `ruleatlas — normalize Sigma, Elastic and Splunk detection rules into one AST and build a per-technique catalog

Usage: ruleatlas <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run 'ruleatlas <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
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

// A closed pipe (`ruleatlas normalize … | head`) is a normal way to stop reading.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ruleatlas: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
