import pMap from 'p-map';
import { utcParts, type Period } from '../periods.js';
import { WALK_CONCURRENCY } from './folder-walk.js';
import { childNames } from './key-pattern.js';
import type { ListChildren } from './types.js';

/** How a layout names its date folders: `2024/05/01/13/`, or Hive's `year=2024/month=05/day=01/hour=13/`. */
export interface DateFolderNames {
  readonly year: string;
  readonly month: string;
  readonly day: string;
  readonly hour: string;
}

export const PLAIN_DATE_FOLDERS: DateFolderNames = { year: '', month: '', day: '', hour: '' };
export const HIVE_DATE_FOLDERS: DateFolderNames = {
  year: 'year=',
  month: 'month=',
  day: 'day=',
  hour: 'hour=',
};

export const monthFolder = (names: DateFolderNames, date: Date): string => {
  const { yyyy, mm } = utcParts(date);
  return `${names.year}${yyyy}/${names.month}${mm}/`;
};

export const dayFolder = (names: DateFolderNames, date: Date): string =>
  `${monthFolder(names, date)}${names.day}${utcParts(date).dd}/`;

export const hourFolder = (names: DateFolderNames, date: Date): string =>
  `${names.hour}${utcParts(date).hh}/`;

/**
 * The month and day folders under `base` whose file names can name a series: those the periods
 * cover (their months too, where month outputs sit), or without periods every year, month and day
 * folder there is, so no series is ever missed.
 */
export async function dateFoldersToRead(
  base: string,
  names: DateFolderNames,
  listChildren: ListChildren,
  periods?: readonly Period[],
): Promise<{ months: string[]; days: string[] }> {
  const months = new Set<string>();
  const days = new Set<string>();
  if (periods) {
    for (const period of periods) {
      months.add(monthFolder(names, period.start));
      if (period.by !== 'month') days.add(dayFolder(names, period.start));
    }
    // A month period reads every day folder of its month: list them rather than guess them.
    const wholeMonths = [
      ...new Set(periods.filter((p) => p.by === 'month').map((p) => monthFolder(names, p.start))),
    ];
    for (const found of await pMap(
      wholeMonths,
      (month) => childFolders(base + month, names.day, listChildren),
      {
        concurrency: WALK_CONCURRENCY,
      },
    ))
      for (const day of found) days.add(day.slice(base.length));
  } else {
    const years = await childFolders(base, names.year, listChildren, /^\d{4}$/);
    const monthLists = await pMap(years, (year) => childFolders(year, names.month, listChildren), {
      concurrency: WALK_CONCURRENCY,
    });
    for (const month of monthLists.flat()) months.add(month.slice(base.length));
    const dayLists = await pMap([...months], (month) => childFolders(base + month, names.day, listChildren), {
      concurrency: WALK_CONCURRENCY,
    });
    for (const day of dayLists.flat()) days.add(day.slice(base.length));
  }
  return {
    months: [...months].map((folder) => base + folder),
    days: [...days].map((folder) => base + folder),
  };
}

/** The child folders of `parent` named `<label><digits>`: full prefixes. */
async function childFolders(
  parent: string,
  label: string,
  listChildren: ListChildren,
  digits = /^\d{2}$/,
): Promise<string[]> {
  return childNames(await listChildren(parent), parent, /^[^/]+$/)
    .filter((name) => name.startsWith(label) && digits.test(name.slice(label.length)))
    .map((name) => `${parent}${name}/`);
}

/**
 * The ids named in file names under each folder: a listing of `<folder><stem>` with delimiter `_`
 * answers `<folder><stem><id>_` once per id, however many files name it.
 */
export async function idsAfterStem(
  folders: readonly string[],
  stem: string,
  id: RegExp,
  listChildren: ListChildren,
): Promise<string[]> {
  const lists = await pMap(folders, (folder) => listChildren(`${folder}${stem}`, '_'), {
    concurrency: WALK_CONCURRENCY,
  });
  const ids = new Set<string>();
  folders.forEach((folder, index) => {
    for (const prefix of lists[index] ?? []) {
      const name = prefix.slice(folder.length + stem.length, -1);
      if (prefix.startsWith(folder + stem) && prefix.endsWith('_') && id.test(name)) ids.add(name);
    }
  });
  return [...ids];
}
