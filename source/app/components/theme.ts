/**
 * Colours carry state (green done, yellow running, red failed, dim untouched); every coloured thing
 * also says it in words or symbols, so with NO_COLOR (https://no-color.org) nothing is lost.
 */
export type Tone = 'done' | 'running' | 'failed' | 'accent';

const COLOURS: Readonly<Record<Tone, string>> = {
  done: 'green',
  running: 'yellow',
  failed: 'red',
  accent: 'cyan',
};

export function coloursOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR;
}

export function colour(tone: Tone): string | undefined {
  return coloursOn() ? COLOURS[tone] : undefined;
}
