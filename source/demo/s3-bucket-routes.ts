// HeadBucket and GetBucketVersioning as S3 answers them. s3rver routes HEAD /bucket to its object
// listing (1,000 keys and their metadata: hundreds of milliseconds on a large bucket) and lists for
// ?versioning too; S3 answers both without looking at the objects.
import { noSuchBucket, pathTarget, type Middleware } from './s3rver-internals.js';

/** The region this server answers as (s3rver knows none). */
const REGION = 'us-east-1';

export const bucketRoutes: Middleware = async (ctx, next) => {
  const target = pathTarget(ctx.path);
  if (!target || target.key !== '') return next();
  const headBucket = ctx.method === 'HEAD' && Object.keys(ctx.query).length === 0;
  const versioning = ctx.method === 'GET' && 'versioning' in ctx.query;
  if (!headBucket && !versioning) return next();
  if (!(await ctx.store.getBucket(target.bucket))) throw noSuchBucket(target.bucket);
  ctx.set('x-amz-bucket-region', REGION);
  ctx.status = 200;
  // No versioning here: S3 answers an empty configuration for a bucket that never had it enabled.
  if (versioning)
    ctx.body = { VersioningConfiguration: { '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' } } };
};
