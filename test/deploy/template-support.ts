// Helpers for test/deploy/templates.test.ts: read a template, parse the command a template gives the
// tool, and the two semantics the offline validators do not model (Batch's evaluateOnExit matching,
// unknown Kubernetes fields).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FLAG_LIST } from '../../source/options/schema.js';

const ROOT = new URL('../../', import.meta.url);

export function readText(path: string): string {
  return readFileSync(new URL(path, ROOT), 'utf8');
}

export function readJson<T>(path: string): T {
  return JSON.parse(readText(path)) as T;
}

/**
 * The CLI contract the templates are written against (deploy/README.md): per verb, the flags that take
 * a value and the switches. A template may use these and nothing else.
 */
const CONTRACT = {
  plan: {
    values: ['bucket', 'layout', 'prefix', 'key-pattern', 'from', 'to', 'by', 'inventory', 'out', 'items'],
    switches: [] as string[],
  },
  run: {
    values: ['plan', 'shard', 'period', 'until', 'max-periods', 'report'],
    switches: ['yes', 'json'],
  },
} as const;

/** asl-validator (CommonJS, no type declarations): the Amazon States Language schema and its checks. */
export const validateAsl = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  readonly isValid: boolean;
  readonly errors: readonly unknown[];
};

export type Verb = keyof typeof CONTRACT;

export interface Invocation {
  readonly verb: Verb;
  readonly values: ReadonlyMap<string, string>;
  readonly switches: ReadonlySet<string>;
}

/**
 * The arguments a template passes to the image's ENTRYPOINT (s3collapse-tui), checked against the
 * contract and against the CLI's own flag table (source/options/schema.ts), so a flag renamed in the
 * CLI breaks the template's test, not a scheduler's run.
 */
export function parseInvocation(args: readonly string[]): Invocation {
  const [verb, ...rest] = args;
  if (verb !== 'plan' && verb !== 'run')
    throw new Error(`not a plan or run command: ${JSON.stringify(args)}`);
  const allowed = CONTRACT[verb];
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (!name) throw new Error(`${verb}: stray argument ${JSON.stringify(arg)}`);
    if (values.has(name) || switches.has(name)) throw new Error(`${verb}: --${name} given twice`);
    const known = FLAG_LIST.find((flag) => flag.flag === name);
    if ((allowed.switches as readonly string[]).includes(name)) {
      if (known?.kind !== 'boolean') throw new Error(`--${name} is not a switch of the CLI`);
      switches.add(name);
    } else if ((allowed.values as readonly string[]).includes(name)) {
      if (!known || known.kind === 'boolean')
        throw new Error(`--${name} is not a flag with a value in the CLI`);
      const value = rest[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`${verb}: --${name} has no value`);
      values.set(name, value);
    } else {
      throw new Error(`${verb}: --${name} is not in the contract for ${verb}`);
    }
  }
  return { verb, values, switches };
}

/**
 * What AWS Batch does with an attempt that ended: the first evaluateOnExit entry whose conditions all
 * match decides; when none matches, the job is retried. Patterns are globs that may end with `*`.
 * https://docs.aws.amazon.com/batch/latest/APIReference/API_EvaluateOnExit.html
 * https://docs.aws.amazon.com/batch/latest/userguide/job_retries.html
 */
export interface EvaluateOnExit {
  readonly action: string;
  readonly onExitCode?: string;
  readonly onReason?: string;
  readonly onStatusReason?: string;
}

function globMatches(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

export function batchActionOnExit(
  rules: readonly EvaluateOnExit[],
  exit: { readonly exitCode: number; readonly reason: string; readonly statusReason: string },
): 'RETRY' | 'EXIT' {
  const rule = rules.find(
    (r) =>
      globMatches(r.onExitCode, String(exit.exitCode)) &&
      globMatches(r.onReason, exit.reason) &&
      globMatches(r.onStatusReason, exit.statusReason),
  );
  return (rule?.action.toUpperCase() ?? 'RETRY') as 'RETRY' | 'EXIT';
}

/**
 * Fields of `data` that a compiled schema validator never looked at: fields the schema does not know.
 * The Kubernetes schemas allow unknown fields (the API server drops or, with strict field validation,
 * rejects them), so a misspelt field passes validation; but the generated validators read every field
 * they know by name, and read every entry of a map, so a field never read is one the API does not have.
 */
export function fieldsNeverRead(validate: (data: unknown) => void, data: unknown): string[] {
  const read = new Set<string>();
  const track = (value: unknown, path: string): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    return new Proxy(value, {
      get(target, key, receiver) {
        const child: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return child;
        read.add(`${path}/${key}`);
        return track(child, `${path}/${key}`);
      },
    });
  };
  validate(track(data, ''));
  const unread: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      const childPath = `${path}/${key}`;
      if (!Array.isArray(value) && !read.has(childPath)) unread.push(childPath);
      walk(child, childPath);
    }
  };
  walk(data, '');
  return unread;
}
