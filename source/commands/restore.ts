import { UserError } from '../errors.js';
import type { Command } from './command.js';

// TODO(issue 14): not implemented yet.
export const restore: Command = async () => {
  throw new UserError('restore is not implemented yet.', 'See issue 14.');
};
