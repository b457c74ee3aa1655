import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The S3 operation an HTTP request is, as far as these tests need to tell them apart. */
export type S3Operation =
  | 'ListObjectsV2'
  | 'ListBuckets'
  | 'HeadBucket'
  | 'HeadObject'
  | 'GetObject'
  | 'PutObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'DeleteObjects'
  | 'DeleteObject'
  | 'Other';

export interface ProxiedRequest {
  readonly operation: S3Operation;
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
}

/** `deny` answers 403 AccessDenied; `delete-errors` answers a DeleteObjects with an error for every key. */
export type Verdict = 'pass' | 'deny' | 'delete-errors';

export function operationOf(method: string, url: URL): ProxiedRequest {
  const [, bucket = '', ...rest] = url.pathname.split('/');
  const key = decodeURIComponent(rest.join('/'));
  const query = url.searchParams;
  let operation: S3Operation = 'Other';
  if (method === 'GET' && !bucket) operation = 'ListBuckets';
  else if (method === 'GET' && !key) operation = 'ListObjectsV2';
  else if (method === 'HEAD' && !key) operation = 'HeadBucket';
  else if (method === 'HEAD') operation = 'HeadObject';
  else if (method === 'GET') operation = 'GetObject';
  else if (method === 'POST' && query.has('delete')) operation = 'DeleteObjects';
  else if (method === 'POST' && query.has('uploads')) operation = 'CreateMultipartUpload';
  else if (method === 'POST' && query.has('uploadId')) operation = 'CompleteMultipartUpload';
  else if (method === 'PUT' && query.has('uploadId')) operation = 'UploadPart';
  else if (method === 'PUT' && key) operation = 'PutObject';
  else if (method === 'DELETE' && query.has('uploadId')) operation = 'AbortMultipartUpload';
  else if (method === 'DELETE' && key) operation = 'DeleteObject';
  return { operation, method, bucket, key };
}

async function body(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface DenyProxy {
  readonly endpoint: string;
  /** Every request seen, in order: lets a test assert what was (not) attempted. */
  readonly seen: ProxiedRequest[];
  setRule(rule: (request: ProxiedRequest) => Verdict): void;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the real local S3 server that plays an IAM policy: it forwards every
 * request untouched, except those the rule denies, which get the answer S3 gives for a denied call.
 * s3rver has no permissions of its own; this is how the tests meet AccessDenied on a real wire.
 */
export async function startDenyProxy(
  target: string,
  rule: (request: ProxiedRequest) => Verdict = () => 'pass',
  options: { latencyMs?: number } = {},
): Promise<DenyProxy> {
  const upstream = new URL(target);
  let currentRule = rule;
  const seen: ProxiedRequest[] = [];
  const server: Server = createServer(async (incoming, outgoing) => {
    const url = new URL(incoming.url ?? '/', target);
    const described = operationOf(incoming.method ?? 'GET', url);
    seen.push(described);
    const payload = await body(incoming);
    // The benchmark uses this to stand in for the round trip to S3, which a local server does not have.
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const verdict = currentRule(described);
    if (verdict === 'deny') {
      outgoing.writeHead(403, { 'content-type': 'application/xml' });
      outgoing.end(
        described.method === 'HEAD'
          ? undefined
          : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`,
      );
      return;
    }
    if (verdict === 'delete-errors') {
      const keys = [...payload.toString().matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => match[1]);
      const errors = keys
        .map(
          (key) =>
            `<Error><Key>${key}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`,
        )
        .join('');
      outgoing.writeHead(200, { 'content-type': 'application/xml' });
      outgoing.end(`<?xml version="1.0" encoding="UTF-8"?><DeleteResult>${errors}</DeleteResult>`);
      return;
    }
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    forwarded.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    setRule: (next) => {
      currentRule = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
