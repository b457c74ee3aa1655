/** The command line: one flag table (options/schema.ts) from which parsing, types and help are derived. */
export { parseCliArgs, type CliOptions } from './options/parse.js';
export { HELP } from './options/help.js';
