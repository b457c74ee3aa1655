import { z } from 'zod';
import { ENDPOINT_EXAMPLE, isHttpUrl } from '../aws/endpoint-url.js';
import { isUserError } from '../errors.js';
import { keyPatternLayout, PATTERN_HELP } from '../layouts/user-pattern.js';

/** Why a flag's value is refused, and what to type instead: the two lines the faces print. */
export interface Refusal {
  readonly refused: string;
  readonly fix: string;
}

const refusal = (refused: string, fix: string): Refusal => ({ refused, fix });

function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'refused' in value && 'fix' in value;
}

/**
 * A string flag read by `read`, which returns the value or a refusal. The refusal travels as a zod
 * custom issue whose `fix` param the parser turns into the UserError's second line.
 */
function flagString<T>(read: (raw: string) => T | Refusal) {
  return z.string().transform((raw, ctx) => {
    const value = read(raw);
    if (!isRefusal(value)) return value;
    ctx.issues.push({ code: 'custom', input: raw, message: value.refused, params: { fix: value.fix } });
    return z.NEVER;
  });
}

/** Plain decimal digits only: Number() would also take 0x10, 1e1, " 4" and 4.0. */
export function wholeNumber(flag: string, min: number, max: number, unit: string, fix: string) {
  return flagString((raw) => {
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (value >= min && value <= max) return value;
    return refusal(
      `--${flag} ${raw} is not a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}.`,
      fix,
    );
  });
}

/** One of a fixed list of words. */
export function oneOf<T extends string>(flag: string, choices: readonly T[], noun: string, fix: string) {
  return flagString((raw) => {
    const chosen = choices.find((candidate) => candidate === raw);
    return chosen ?? refusal(`--${flag} ${JSON.stringify(raw)} is not ${noun}.`, fix);
  });
}

/** A key prefix: S3 keys never start with "/", so a prefix that does would match nothing. */
export function keyPrefix(flag: string) {
  return flagString((raw) => {
    if (!raw.startsWith('/')) return raw;
    const stripped = raw.replace(/^\/+/, '');
    return refusal(`--${flag} ${raw} starts with "/": S3 keys do not.`, `Use --${flag} ${stripped || '""'}`);
  });
}

/** A `--key-pattern`: refused here, with the fields it accepts, when no layout can be built from it. */
export function keyPattern() {
  return flagString((raw) => {
    try {
      keyPatternLayout(raw);
      return raw;
    } catch (error) {
      if (!isUserError(error)) throw error;
      return refusal(error.message, error.fix ?? PATTERN_HELP);
    }
  });
}

export function endpointUrl(flag: string) {
  return flagString((raw) =>
    isHttpUrl(raw)
      ? raw
      : refusal(
          `--${flag} ${JSON.stringify(raw)} is not an http:// or https:// URL.`,
          `Give the S3 server's URL, e.g. --${flag} ${ENDPOINT_EXAMPLE}.`,
        ),
  );
}

/** The SDK puts the region into a host name, even for a custom endpoint: one DNS label at least. */
const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * AWS's own region names: us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1.
 * Only checked when no custom endpoint is in use: S3-compatible servers name theirs freely (auto, garage).
 */
export const AWS_REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** `onAws`: the name would do for an S3-compatible server, so the fix says how to use one. */
export function regionRefusal(flag: string, raw: string, onAws = false): Refusal {
  return refusal(
    `--${flag} ${JSON.stringify(raw)} is not a region name.`,
    `For example --${flag} eu-west-1${onAws ? ' (other names only with --endpoint)' : ''}.`,
  );
}

export function regionName(flag: string) {
  return flagString((raw) => (HOST_LABEL.test(raw) ? raw : regionRefusal(flag, raw)));
}

/** `HH:MM` in UTC, as hours and minutes: the end of a run's window (`--until`). */
export function utcTime(flag: string) {
  return flagString((raw) => {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(raw);
    if (match) return { hours: Number(match[1]), minutes: Number(match[2]) };
    return refusal(
      `--${flag} ${raw} is not a time HH:MM (UTC, 00:00 to 23:59).`,
      `For example --${flag} 05:30.`,
    );
  });
}
