import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import { fileURLToPath } from 'node:url';

/** Keys as a terminal sends them. */
export const ENTER = '\r';
export const TAB = '\t';
export const ESC = '\u001b';
export const UP = '\u001b[A';
export const DOWN = '\u001b[B';
export const RIGHT = '\u001b[C';
export const LEFT = '\u001b[D';
export const SPACE = ' ';
export const BACKSPACE = '\u007f';
export const CTRL_C = '\u0003';
export const CTRL_D = '\u0004';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built entry point: `npm test` builds first (pretest). */
export const CLI = fileURLToPath(new URL('../../dist/bin/cli.js', import.meta.url));

export interface SpawnOptions {
  readonly cols?: number;
  readonly rows?: number;
  /** Added to the environment (CI and CONTINUOUS_INTEGRATION are always removed). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

export interface CliTerminal {
  /** Resolves once `text` is on the screen (or anywhere in the scrollback with `{ scrollback: true }`). */
  waitFor(text: string | RegExp, timeoutMs?: number, options?: { scrollback?: boolean }): Promise<void>;
  /** The visible screen, one line per row, trailing blanks trimmed. */
  screen(): string;
  /** Everything written so far that the terminal still holds: scrollback and screen. */
  text(): string;
  write(keys: string): void;
  /** The exit code, once the process has ended and its output is on the screen. */
  exit(timeoutMs?: number): Promise<number>;
  /** Ends the process if it still runs (for test cleanup). */
  kill(): void;
  readonly pid: number;
}

/** Ink and others draw differently when they think they run in CI: the child must not. */
function childEnv(extra: SpawnOptions['env']): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...extra })) {
    if (value !== undefined && name !== 'CI' && name !== 'CONTINUOUS_INTEGRATION') env[name] = value;
  }
  return { TERM: 'xterm-256color', ...env, FORCE_COLOR: env.FORCE_COLOR ?? '0' };
}

function matches(haystack: string, needle: string | RegExp): boolean {
  return typeof needle === 'string' ? haystack.includes(needle) : needle.test(haystack);
}

/**
 * Runs the built CLI in a pseudo-terminal and keeps a headless xterm screen of what it draws, so a
 * test reads what a user would see (after cursor moves and redraws), types keys, and waits for text
 * with a deadline instead of sleeping.
 */
export async function spawnCli(args: readonly string[], options: SpawnOptions = {}): Promise<CliTerminal> {
  const cols = options.cols ?? 100;
  const rows = options.rows ?? 30;
  const terminal = new xterm.Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
  const child = pty.spawn(process.execPath, [CLI, ...args], {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: options.cwd ?? ROOT,
    env: childEnv(options.env),
  });

  // xterm parses writes asynchronously: count what is still queued, to know when the screen is current.
  let pending = 0;
  const flushed: Array<() => void> = [];
  const afterWrites = () => {
    if (pending === 0) for (const resolve of flushed.splice(0)) resolve();
  };
  child.onData((data) => {
    pending += 1;
    terminal.write(data, () => {
      pending -= 1;
      afterWrites();
    });
  });
  const settled = () =>
    new Promise<void>((resolve) => {
      flushed.push(resolve);
      afterWrites();
    });

  let exitCode: number | undefined;
  const exited = new Promise<number>((resolve) => {
    child.onExit(({ exitCode: code, signal }) => {
      exitCode = signal ? 128 + signal : code;
      resolve(exitCode);
    });
  });

  const lines = (from: number, to: number): string => {
    const buffer = terminal.buffer.active;
    const out: string[] = [];
    for (let row = from; row < to; row += 1) out.push(buffer.getLine(row)?.translateToString(true) ?? '');
    return out.join('\n');
  };
  const screen = () => lines(terminal.buffer.active.viewportY, terminal.buffer.active.viewportY + rows);
  const text = () => lines(0, terminal.buffer.active.length);

  const waitFor = async (
    needle: string | RegExp,
    timeoutMs = 10_000,
    { scrollback = false } = {},
  ): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    const look = () => matches(scrollback ? text() : screen(), needle);
    for (;;) {
      await settled();
      if (look()) return;
      if (exitCode !== undefined) {
        // Output may still be on its way after the exit notice; one last look once it has landed.
        await settled();
        if (look()) return;
        throw new Error(
          `The CLI exited (${exitCode}) before ${String(needle)} appeared. Screen:\n${screen()}`,
        );
      }
      if (Date.now() > deadline)
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for ${String(needle)}. Screen:\n${screen()}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const exit = async (timeoutMs = 30_000): Promise<number> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`The CLI did not exit within ${timeoutMs} ms. Screen:\n${screen()}`)),
        timeoutMs,
      );
    });
    try {
      const code = await Promise.race([exited, timeout]);
      await settled();
      return code;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    pid: child.pid,
    waitFor,
    screen,
    text,
    write: (keys) => child.write(keys),
    exit,
    kill: () => {
      if (exitCode === undefined) child.kill();
    },
  };
}
