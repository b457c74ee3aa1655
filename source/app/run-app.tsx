import { render } from 'ink';
import type { Face } from '../job/face.js';
import { App } from './app.js';
import { TerminalWidth } from './components/width.js';

/**
 * The guided Ink face. The entry point picks it only on a terminal: with stdin not a TTY, Ink cannot
 * read keys. Ctrl-C arrives as a key (raw mode), so the app asks before it aborts the run.
 */
export const runApp: Face = async (context) => {
  let code = 2;
  const instance = render(
    <TerminalWidth>
      <App context={context} onExit={(exitCode) => (code = exitCode)} />
    </TerminalWidth>,
    {
      stdin: context.stdin,
      stdout: context.stdout,
      exitOnCtrlC: false,
    },
  );
  await instance.waitUntilExit();
  return code;
};
