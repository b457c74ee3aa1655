// s3rver 4.0.4 escapes every text value of its XML answers with `he`, and fast-xml-parser 5's
// builder escapes it again: a key `a&b` is listed (ListObjectsV2, DeleteObjects…) as `a&amp;b`.
// S3 escapes once. Bodies still plain objects on their way out are written here first, with the
// same object conventions as s3rver's writer (`'@'` holds attributes); it passes strings through.
import { XMLBuilder } from 'fast-xml-parser';
import type { Middleware } from './s3rver-internals.js';

const builder = new XMLBuilder({ ignoreAttributes: false, attributesGroupName: '@' });

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

export const writeXmlOnce: Middleware = async (ctx, next) => {
  await next();
  if (isPlainObject(ctx.body)) {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(ctx.body)}`;
    ctx.body = xml;
    ctx.type = 'application/xml';
  }
};
