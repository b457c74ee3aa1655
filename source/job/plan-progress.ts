import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { explainS3Error } from '../aws/s3-errors.js';
import type { PeriodPlan, PeriodResult } from '../engine/types.js';
import { UserError } from '../errors.js';
import { locationOf, writeText, type TextLocation } from './text-location.js';

/**
 * A plan's progress across restarts: beside the plan file (`plan.json.done/`, a folder or an S3
 * prefix), one small marker per unit that finished completely — its output verified and recorded,
 * and every original it listed deleted. A restarted run (a shard retried by its scheduler, a cron
 * window that ran out) reads the markers with one listing per thousand and skips those units
 * without listing them again. A unit is marked only when nothing of it is left to do, so skipping
 * it never leaves an original behind: a run killed before its deletes ended leaves no marker, and
 * the unit is planned again. Keys that arrived after a unit finished are for the next plan.
 */

const SUFFIX = '.done/';

const markerName = (unitId: string): string => `${encodeURIComponent(unitId)}.json`;
const unitIdOf = (name: string): string | undefined =>
  name.endsWith('.json') ? decodeURIComponent(name.slice(0, -'.json'.length)) : undefined;

/** Where the markers of the plan file at `planValue` are. */
export function progressLocation(planValue: string): TextLocation {
  const plan = locationOf('plan', planValue);
  return plan.kind === 'file'
    ? { kind: 'file', path: `${plan.path}${SUFFIX}` }
    : { kind: 's3', bucket: plan.bucket, key: `${plan.key}${SUFFIX}` };
}

/** The ids of the units marked finished. */
export async function finishedUnits(
  where: TextLocation,
  s3: () => S3Client,
  signal?: AbortSignal,
): Promise<Set<string>> {
  const ids = new Set<string>();
  if (where.kind === 'file') {
    const names = await readdir(where.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw new UserError(
        `Cannot read the plan's progress folder ${where.path} (${error.code}).`,
        'Check its permissions, or remove it to plan every unit again.',
      );
    });
    for (const name of names) {
      const id = unitIdOf(name);
      if (id !== undefined) ids.add(id);
    }
    return ids;
  }
  let token: string | undefined;
  do {
    const page = await s3()
      .send(new ListObjectsV2Command({ Bucket: where.bucket, Prefix: where.key, ContinuationToken: token }), {
        abortSignal: signal,
      })
      .catch((error: unknown) => {
        throw explainS3Error(error, { operation: 'ListObjectsV2', bucket: where.bucket, key: where.key });
      });
    for (const object of page.Contents ?? []) {
      const id = unitIdOf((object.Key ?? '').slice(where.key.length));
      if (id !== undefined) ids.add(id);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return ids;
}

/** Pure: whether a period's run left nothing of it to do (so it may be skipped from now on). */
export function finishedCompletely(period: PeriodPlan, result: PeriodResult): boolean {
  const done =
    result.status === 'collapsed' ||
    result.status === 'already-collapsed' ||
    (result.status === 'skipped' && !result.error);
  return (
    done &&
    result.deleteFailed.length === 0 &&
    result.keysDeleted + (result.keysGone ?? 0) === result.keys &&
    (period.waitingForDigest?.length ?? 0) === 0
  );
}

/** Writes a unit's marker once its period finished completely; failures only cost a re-plan later. */
export class ProgressMarks {
  private readonly writes: Promise<boolean>[] = [];
  private readonly periods: ReadonlyMap<string, PeriodPlan>;

  constructor(
    private readonly where: TextLocation,
    periods: readonly PeriodPlan[],
    private readonly s3: () => S3Client,
  ) {
    this.periods = new Map(periods.map((period) => [period.id, period]));
  }

  record(result: PeriodResult): void {
    const period = this.periods.get(result.id);
    if (!period || !finishedCompletely(period, result)) return;
    const body = `${JSON.stringify({ unit: result.id, finishedAt: new Date().toISOString(), output: result.outputKey, sha256: result.sha256 ?? null })}\n`;
    const marker: TextLocation =
      this.where.kind === 'file'
        ? { kind: 'file', path: join(this.where.path, markerName(result.id)) }
        : { kind: 's3', bucket: this.where.bucket, key: `${this.where.key}${markerName(result.id)}` };
    const folder =
      this.where.kind === 'file' ? mkdir(this.where.path, { recursive: true }) : Promise.resolve();
    this.writes.push(
      folder
        .then(() => writeText(marker, body, this.s3))
        .then(
          () => true,
          () => false,
        ),
    );
  }

  /** Markers written, and those that could not be (their units are planned again next time). */
  async settled(): Promise<{ written: number; failed: number }> {
    const outcomes = await Promise.all(this.writes);
    const written = outcomes.filter(Boolean).length;
    return { written, failed: outcomes.length - written };
  }
}
