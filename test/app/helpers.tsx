import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import type { ReactNode } from 'react';
import { inject } from 'vitest';
import { KeyRouter } from '../../source/app/keys.js';
import { createS3Client } from '../../source/aws/s3-client.js';
import type { ConnectionOptions } from '../../source/aws/s3-client.js';
import type { Demo } from '../../source/demo/demo.js';
import { seedBuckets } from '../../source/demo/demo.js';
import type { SeedObject } from '../../source/demo/log-generator.js';
import { LOCAL_S3_CREDENTIALS } from '../../source/demo/s3-server.js';
import type { FaceContext } from '../../source/job/face.js';
import { parseCliArgs } from '../../source/options.js';

/** Raw key sequences as a terminal sends them. */
export const KEY = {
  enter: '\r',
  escape: '\u001B',
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  tab: '\t',
  backspace: '\u007F',
  ctrlC: '\u0003',
  space: ' ',
} as const;

export const DAY = 86_400_000;

interface Rendered {
  readonly lastFrame: () => string | undefined;
  readonly stdin: { write: (data: string) => void };
}

/** The last frame as plain text (no colour codes). */
export function screen(rendered: Rendered): string {
  return stripVTControlCharacters(rendered.lastFrame() ?? '');
}

/** Polls until `check` passes or the deadline is reached; the last failure is rethrown. */
export async function eventually<T>(check: () => T, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Waits until the screen shows `wanted`; fails with the screen it saw. */
export async function waitForText(
  rendered: Rendered,
  wanted: string | RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  return eventually(() => {
    const text = screen(rendered);
    const found = typeof wanted === 'string' ? text.includes(wanted) : wanted.test(text);
    if (!found) throw new Error(`screen never showed ${String(wanted)}; last screen:\n${text}`);
    return text;
  }, timeoutMs);
}

/**
 * Types keys and waits until the screen shows `wanted`. Ink re-attaches input handlers after each
 * render: waiting for the frame between writes is what a person's typing speed gives for free.
 */
export async function press(rendered: Rendered, keys: string, wanted: string | RegExp): Promise<string> {
  rendered.stdin.write(keys);
  return waitForText(rendered, wanted);
}

/** Types text one character at a time, waiting for each to be drawn. */
export async function typeText(
  rendered: Rendered,
  text: string,
  shownAs: (typed: string) => string,
): Promise<string> {
  let last = '';
  for (let index = 1; index <= text.length; index += 1)
    last = await press(rendered, text[index - 1]!, shownAs(text.slice(0, index)));
  return last;
}

export function localConnection(): ConnectionOptions {
  return { endpoint: inject('s3Endpoint'), credentials: LOCAL_S3_CREDENTIALS };
}

export function localClient(): S3Client {
  return createS3Client(localConnection());
}

/** A bucket of its own for one test, seeded with the given objects. */
export async function seededBucket(
  s3: S3Client,
  objects: readonly SeedObject[],
  stem = 'app',
): Promise<string> {
  const name = `${stem}-${randomUUID().slice(0, 8)}`;
  if (objects.length === 0) await s3.send(new CreateBucketCommand({ Bucket: name }));
  else await seedBuckets(s3, [{ name, what: 'test', objects }]);
  return name;
}

export async function listKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** Midnight UTC of the day `daysAgo` days before `now`. */
export function dayStart(now: Date, daysAgo: number): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - daysAgo * DAY);
}

const NOT_A_STREAM = process;

/**
 * What the entry point hands a face: options parsed from real flags, the local server as connection.
 * `demo` makes it the `--demo` context (one demo identity, the connection already pointing at the server).
 */
export function faceContext(
  argv: readonly string[],
  extra: { demo?: boolean; now?: () => Date } = {},
): FaceContext {
  const connection = localConnection();
  const demo: Demo | undefined = extra.demo
    ? {
        server: { endpoint: connection.endpoint!, directory: '', stop: async () => {} },
        buckets: [],
        credentials: LOCAL_S3_CREDENTIALS,
        stop: async () => {},
      }
    : undefined;
  return {
    options: parseCliArgs(argv),
    connection,
    demo,
    controller: new AbortController(),
    now: extra.now ?? (() => new Date()),
    version: '0.0.0-test',
    stdin: NOT_A_STREAM.stdin,
    stdout: NOT_A_STREAM.stdout,
    stderr: NOT_A_STREAM.stderr,
  };
}

/** The screen with wrapped shell commands joined back into one line each. */
export function joinedCommands(text: string): string {
  return text.replace(/ \\\n\s+/g, ' ');
}

/** Renders one screen the way the app does: under the key router its keys go through. */
export function renderScreen(node: ReactNode) {
  return render(<KeyRouter>{node}</KeyRouter>);
}
