import type { IncomingHttpHeaders } from 'node:http';

/** The S3 operation an HTTP request is, as far as these tests need to tell them apart. */
export type S3Operation =
  | 'ListBuckets'
  | 'ListObjectsV2'
  | 'ListObjects'
  | 'ListMultipartUploads'
  | 'HeadBucket'
  | 'HeadObject'
  | 'GetObject'
  | 'PutObject'
  | 'CopyObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'ListParts'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'DeleteObjects'
  | 'DeleteObject'
  | 'Other';

interface Shape {
  readonly operation: S3Operation;
  readonly method: string;
  readonly target: 'service' | 'bucket' | 'object';
  /** The query parameter that names the operation (`?uploads`, `?delete`). */
  readonly marker?: string;
  /** Copies carry their source in a header, not in the path. */
  readonly copy?: boolean;
  /** Parameters the operation takes; any other one is a subresource (`?tagging`, `?versioning`): 'Other'. */
  readonly params?: readonly string[];
}

const SHAPES: readonly Shape[] = [
  {
    operation: 'ListBuckets',
    method: 'GET',
    target: 'service',
    params: ['max-buckets', 'continuation-token', 'prefix', 'bucket-region'],
  },
  {
    operation: 'ListObjectsV2',
    method: 'GET',
    target: 'bucket',
    marker: 'list-type',
    params: [
      'prefix',
      'delimiter',
      'continuation-token',
      'start-after',
      'max-keys',
      'encoding-type',
      'fetch-owner',
    ],
  },
  {
    operation: 'ListMultipartUploads',
    method: 'GET',
    target: 'bucket',
    marker: 'uploads',
    params: ['prefix', 'delimiter', 'key-marker', 'upload-id-marker', 'max-uploads', 'encoding-type'],
  },
  {
    operation: 'ListObjects',
    method: 'GET',
    target: 'bucket',
    params: ['prefix', 'delimiter', 'marker', 'max-keys', 'encoding-type'],
  },
  { operation: 'HeadBucket', method: 'HEAD', target: 'bucket' },
  { operation: 'DeleteObjects', method: 'POST', target: 'bucket', marker: 'delete' },
  { operation: 'HeadObject', method: 'HEAD', target: 'object', params: ['versionId', 'partNumber'] },
  {
    operation: 'ListParts',
    method: 'GET',
    target: 'object',
    marker: 'uploadId',
    params: ['max-parts', 'part-number-marker'],
  },
  { operation: 'GetObject', method: 'GET', target: 'object', params: ['versionId', 'partNumber'] },
  {
    operation: 'UploadPartCopy',
    method: 'PUT',
    target: 'object',
    marker: 'uploadId',
    copy: true,
    params: ['partNumber'],
  },
  { operation: 'UploadPart', method: 'PUT', target: 'object', marker: 'uploadId', params: ['partNumber'] },
  { operation: 'CopyObject', method: 'PUT', target: 'object', copy: true },
  { operation: 'PutObject', method: 'PUT', target: 'object' },
  { operation: 'CreateMultipartUpload', method: 'POST', target: 'object', marker: 'uploads' },
  { operation: 'CompleteMultipartUpload', method: 'POST', target: 'object', marker: 'uploadId' },
  { operation: 'AbortMultipartUpload', method: 'DELETE', target: 'object', marker: 'uploadId' },
  { operation: 'DeleteObject', method: 'DELETE', target: 'object', params: ['versionId'] },
];

/** Bucket, decoded key and query of a path-style request target (`/bucket/key?query`). */
export function targetOf(url: string): { bucket: string; key: string; query: URLSearchParams } {
  // Split by hand rather than through `new URL`, which would resolve `..` and `.` segments that are
  // ordinary characters in an S3 key.
  const queryStart = url.indexOf('?');
  const path = queryStart < 0 ? url : url.slice(0, queryStart);
  const query = new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1));
  const [, bucket = '', ...rest] = path.split('/');
  const raw = rest.join('/');
  let key = raw;
  try {
    // In a path `+` is a plus (clients send a space as %20), so decodeURIComponent, not the form decoder.
    key = decodeURIComponent(raw);
  } catch {
    // A malformed escape is the server's to refuse; keep the key as sent.
  }
  return { bucket, key, query };
}

export function operationOf(
  method: string,
  target: { bucket: string; key: string; query: URLSearchParams },
  headers: IncomingHttpHeaders,
): S3Operation {
  const on = !target.bucket ? 'service' : !target.key ? 'bucket' : 'object';
  const copy = headers['x-amz-copy-source'] !== undefined;
  const names = [...target.query.keys()];
  const shape = SHAPES.find(
    (candidate) =>
      candidate.method === method &&
      candidate.target === on &&
      (candidate.copy ?? false) === copy &&
      (!candidate.marker || target.query.has(candidate.marker)) &&
      names.every(
        (name) =>
          name === candidate.marker ||
          candidate.params?.includes(name) ||
          // The SDK tags some requests with `x-id=GetObject`; GetObject takes `response-content-type` etc.
          name === 'x-id' ||
          (candidate.operation === 'GetObject' && name.startsWith('response-')),
      ),
  );
  return shape?.operation ?? 'Other';
}
