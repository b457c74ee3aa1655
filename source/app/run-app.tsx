import { render } from 'ink';
import { ExitCode } from '../exit-code.js';
import type { Face } from '../job/face.js';
import { App } from './app.js';
import { TerminalWidth } from './components/width.js';

/**
 * The guided Ink face. The entry point picks it only on a terminal: with stdin not a TTY, Ink cannot
 * read keys. Ctrl-C arrives as a key (raw mode), so the app asks before it aborts the run.
 */
export const runApp: Face = async (context) => {
  const instance = render(
    <TerminalWidth>
      <App context={context} />
    </TerminalWidth>,
    { stdin: context.stdin, stdout: context.stdout, exitOnCtrlC: false },
  );
  // The app ends with exit(code): waitUntilExit() resolves with that code.
  const code = await instance.waitUntilExit();
  return typeof code === 'number' ? (code as ExitCode) : ExitCode.BadInput;
};
