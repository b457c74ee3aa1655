import { UserError } from '../errors.js';
import type { Command } from './command.js';

// TODO(issue 14): not implemented yet.
export const explain: Command = async () => {
  throw new UserError('explain is not implemented yet.', 'See issue 14.');
};
