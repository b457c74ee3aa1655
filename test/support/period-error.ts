import type { PeriodError } from '../../source/engine/period-error.js';
import { periodErrorText } from '../../source/job/period-outcome.js';

/** A period's error as the faces print it; empty when there is none. */
export const errorText = (error: PeriodError | null | undefined): string =>
  error ? periodErrorText(error) : '';
