import { createHash, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  Agent,
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { operationOf, targetOf, type S3Operation } from './s3-operations.js';

export type { S3Operation };

export interface ProxiedRequest {
  readonly operation: S3Operation;
  readonly method: string;
  readonly bucket: string;
  /** Decoded: the key as the client named it. */
  readonly key: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** 1-based count of requests of this operation so far, this one included. */
  readonly nth: number;
  /** 1-based count of requests of this operation on this bucket and key, this one included. */
  readonly nthForKey: number;
}

/** What the proxy does with one request: the trouble real S3 and real networks give. */
export type Fault =
  | { readonly kind: 'pass' }
  /** 403 AccessDenied, as S3 answers a call the policy does not grant. */
  | { readonly kind: 'deny' }
  /** S3's XML error answer (headers only for HEAD), e.g. 503 SlowDown, 500 InternalError, 412 PreconditionFailed. */
  | { readonly kind: 'error'; readonly status: number; readonly code: string; readonly message?: string }
  /** The connection drops before any answer: the client sees ECONNRESET. */
  | { readonly kind: 'reset' }
  /** Forwards, sends the headers and the first `afterBytes` of the body, then drops the connection. */
  | { readonly kind: 'cut-body'; readonly afterBytes: number }
  /** Holds the request `ms` milliseconds, then applies `then` (default: pass). */
  | { readonly kind: 'delay'; readonly ms: number; readonly then?: Fault }
  /**
   * Forwards with one byte of the request body inverted (default: the middle one) and every header
   * as sent, so a server that checks the client's Content-MD5 or checksum refuses it.
   */
  | { readonly kind: 'flip-byte'; readonly at?: number }
  /**
   * Answers a DeleteObjects with an `<Error>` for the chosen keys (default: all, code AccessDenied)
   * and forwards the rest as a real DeleteObjects: the answer is partial, as S3's can be.
   */
  | { readonly kind: 'delete-errors'; readonly code?: string; readonly keys?: (key: string) => boolean }
  /** Parks the request until `until` settles, then applies `then`: lines up two clients racing for one object. */
  | { readonly kind: 'hold'; readonly until: Promise<unknown>; readonly then?: Fault }
  /**
   * Forwards, and calls `after` once the server has acted but before the client has its answer: the
   * moment a client killed there leaves the bucket changed without knowing it.
   */
  | {
      readonly kind: 'forward-then';
      readonly after: (request: ProxiedRequest) => void | Promise<void>;
    };

export type FaultRule = (request: ProxiedRequest) => Fault;

export interface FaultProxy {
  readonly endpoint: string;
  /** Every request seen, in arrival order, with its headers: lets a test assert what was (not) sent. */
  readonly seen: ProxiedRequest[];
  setRule(rule: FaultRule): void;
  /** Drops every open connection, parked requests included. */
  close(): Promise<void>;
}

const PASS: Fault = { kind: 'pass' };

const MESSAGES: Readonly<Record<string, string>> = {
  AccessDenied: 'Access Denied',
  SlowDown: 'Please reduce your request rate.',
  InternalError: 'We encountered an internal error. Please try again.',
  ServiceUnavailable: 'Service is unable to handle request.',
  PreconditionFailed: 'At least one of the pre-conditions you specified did not hold',
  ConditionalRequestConflict:
    'A conflicting operation occurred. If using PutObject you can retry the request. If using CompleteMultipartUpload you can retry the request.',
  NoSuchKey: 'The specified key does not exist.',
};

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-f]+|#[0-9]+);/gi, (entity, name: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (name in named) return named[name]!;
    const code =
      name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return Number.isFinite(code) ? String.fromCodePoint(code) : entity;
  });

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function answerError(
  request: ProxiedRequest,
  outgoing: ServerResponse,
  status: number,
  code: string,
  message = MESSAGES[code] ?? code,
): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>`;
  outgoing.writeHead(status, {
    'content-type': 'application/xml',
    'x-amz-request-id': requestId,
    // A HEAD answer has no body: the SDK can only name the error from the status.
    ...(request.method === 'HEAD' ? {} : { 'content-length': Buffer.byteLength(xml) }),
  });
  outgoing.end(request.method === 'HEAD' ? undefined : xml);
}

/**
 * The headers of a request whose body the proxy rewrote. The server ignores signatures but not
 * lengths, and checks what checksums it can, so every one the client sent is recomputed.
 */
function headersFor(original: IncomingHttpHeaders, body: Buffer): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...original, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  const digest = (algorithm: string) => createHash(algorithm).update(body).digest('base64');
  if (headers['content-md5']) headers['content-md5'] = digest('md5');
  if (headers['x-amz-checksum-sha256']) headers['x-amz-checksum-sha256'] = digest('sha256');
  if (headers['x-amz-checksum-sha1']) headers['x-amz-checksum-sha1'] = digest('sha1');
  if (headers['x-amz-checksum-crc32']) {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    headers['x-amz-checksum-crc32'] = crc.toString('base64');
  }
  // No CRC32C or CRC64NVME in Node: drop them rather than send one that no longer matches.
  delete headers['x-amz-checksum-crc32c'];
  delete headers['x-amz-checksum-crc64nvme'];
  const payloadHash = headers['x-amz-content-sha256'];
  if (typeof payloadHash === 'string' && /^[0-9a-f]{64}$/.test(payloadHash))
    headers['x-amz-content-sha256'] = createHash('sha256').update(body).digest('hex');
  return headers;
}

/**
 * An HTTP proxy in front of the real local S3 server that plays what real S3 and a real network do
 * to a client: denied calls, throttling, dropped connections, bodies cut short, corrupted uploads,
 * partial batch deletes, and requests held to line up a race. s3rver does none of this by itself.
 * The rule picks a fault for each request as it arrives; without one, every request passes untouched.
 */
export async function startFaultProxy(
  target: string,
  rule: FaultRule = () => PASS,
  options: { latencyMs?: number } = {},
): Promise<FaultProxy> {
  const upstream = new URL(target);
  // Its own agent, so close() can drop the upstream connections too.
  const agent = new Agent({ keepAlive: true });
  const shutdown = new AbortController();
  // Every delayed request listens for the close: with the benchmark's latency that is hundreds at once.
  setMaxListeners(0, shutdown.signal);
  const stopped = new Promise<void>((resolve) =>
    shutdown.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  /** Waits for `until` or the proxy's close; says whether the request should still be answered. */
  const park = async (until: Promise<unknown>): Promise<boolean> => {
    await Promise.race([
      until.then(
        () => undefined,
        () => undefined,
      ),
      stopped,
    ]);
    return !shutdown.signal.aborted;
  };
  let currentRule = rule;
  const seen: ProxiedRequest[] = [];
  const counts = new Map<string, number>();
  const count = (name: string) => {
    const next = (counts.get(name) ?? 0) + 1;
    counts.set(name, next);
    return next;
  };

  const sendUpstream = (
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    replacement?: { body: Buffer; headers: IncomingHttpHeaders },
  ): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: replacement?.headers ?? incoming.headers,
          agent,
        },
        resolve,
      );
      forwarded.on('error', reject);
      // A client that gives up (or is killed) must not leave its upstream request running.
      outgoing.on('close', () => {
        if (!outgoing.writableFinished) forwarded.destroy();
      });
      if (replacement) forwarded.end(replacement.body);
      else incoming.pipe(forwarded);
    });

  const relay = async (answer: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
    await pipeline(answer, outgoing);
  };

  const relayCut = async (answer: IncomingMessage, outgoing: ServerResponse, afterBytes: number) => {
    outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
    outgoing.flushHeaders();
    let left = afterBytes;
    for await (const chunk of answer) {
      const part = (chunk as Buffer).subarray(0, left);
      left -= part.length;
      // Wait until the bytes are on the wire: destroying the socket discards what is still queued.
      if (part.length)
        await new Promise<void>((resolve, reject) =>
          outgoing.write(part, (error) => (error ? reject(error) : resolve())),
        );
      if (left <= 0) {
        outgoing.destroy();
        return;
      }
    }
    // The body was shorter than the cut: nothing to cut.
    outgoing.end();
  };

  const deleteWithErrors = async (
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    code: string,
    chosen: (key: string) => boolean,
  ) => {
    const body = (await readBody(incoming)).toString('utf8');
    const failed: string[] = [];
    const kept = body.replace(/<Object>([\s\S]*?)<\/Object>/g, (entry, inner: string) => {
      const key = /<Key>([\s\S]*?)<\/Key>/.exec(inner)?.[1] ?? '';
      if (!chosen(unescapeXml(key))) return entry;
      failed.push(key);
      return '';
    });
    // Keys stay as the client escaped them: already valid XML.
    const errors = failed
      .map(
        (key) =>
          `<Error><Key>${key}</Key><Code>${escapeXml(code)}</Code><Message>${escapeXml(MESSAGES[code] ?? code)}</Message></Error>`,
      )
      .join('');
    // S3 refuses a Delete with no Object (MalformedXML): when every key fails, the server sees nothing.
    if (!/<Object>/.test(kept)) {
      const xml = `<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${errors}</DeleteResult>`;
      outgoing.writeHead(200, {
        'content-type': 'application/xml',
        'content-length': Buffer.byteLength(xml),
      });
      outgoing.end(xml);
      return;
    }
    const rewritten = Buffer.from(kept);
    const answer = await sendUpstream(incoming, outgoing, {
      body: rewritten,
      headers: headersFor(incoming.headers, rewritten),
    });
    const result = (await readBody(answer)).toString('utf8');
    const merged =
      answer.statusCode === 200 ? result.replace('</DeleteResult>', `${errors}</DeleteResult>`) : result;
    const headers: IncomingHttpHeaders = {
      ...answer.headers,
      'content-length': String(Buffer.byteLength(merged)),
    };
    delete headers['transfer-encoding'];
    outgoing.writeHead(answer.statusCode ?? 502, headers);
    outgoing.end(merged);
  };

  const apply = async (
    fault: Fault,
    request: ProxiedRequest,
    incoming: IncomingMessage,
    outgoing: ServerResponse,
  ): Promise<void> => {
    switch (fault.kind) {
      case 'pass':
        return relay(await sendUpstream(incoming, outgoing), outgoing);
      case 'deny':
      case 'error': {
        // Read the upload first, as S3 does: answering mid-upload would break the client's write instead.
        await readBody(incoming);
        if (fault.kind === 'deny') answerError(request, outgoing, 403, 'AccessDenied');
        else answerError(request, outgoing, fault.status, fault.code, fault.message);
        return;
      }
      case 'reset':
        // An RST rather than a FIN: the client's socket errors with ECONNRESET.
        incoming.socket.resetAndDestroy();
        return;
      case 'cut-body':
        return relayCut(await sendUpstream(incoming, outgoing), outgoing, fault.afterBytes);
      case 'delay':
        if (await park(sleep(fault.ms, undefined, { signal: shutdown.signal })))
          return apply(fault.then ?? PASS, request, incoming, outgoing);
        return;
      case 'hold':
        if (await park(fault.until)) return apply(fault.then ?? PASS, request, incoming, outgoing);
        return;
      case 'flip-byte': {
        const body = await readBody(incoming);
        const at = fault.at ?? Math.floor(body.length / 2);
        // A body too short to flip goes through as sent; the test's check of the stored bytes tells.
        if (at < body.length) body[at] = body[at]! ^ 0xff;
        return relay(await sendUpstream(incoming, outgoing, { body, headers: incoming.headers }), outgoing);
      }
      case 'delete-errors':
        if (request.operation !== 'DeleteObjects')
          throw new Error(`delete-errors applies to DeleteObjects, not ${request.operation}`);
        return deleteWithErrors(incoming, outgoing, fault.code ?? 'AccessDenied', fault.keys ?? (() => true));
      case 'forward-then': {
        const answer = await sendUpstream(incoming, outgoing);
        await fault.after(request);
        return relay(answer, outgoing);
      }
    }
  };

  const server = createServer((incoming, outgoing) => {
    const method = incoming.method ?? 'GET';
    const target = targetOf(incoming.url ?? '/');
    const operation = operationOf(method, target, incoming.headers);
    const request: ProxiedRequest = {
      operation,
      method,
      ...target,
      headers: incoming.headers,
      nth: count(operation),
      nthForKey: count(`${operation} ${target.bucket}/${target.key}`),
    };
    seen.push(request);
    let fault: Fault;
    try {
      // Chosen on arrival, so a rule that counts requests sees them in the order they came.
      fault = currentRule(request);
    } catch (error) {
      answerError(request, outgoing, 502, 'FaultProxyError', `the rule threw: ${String(error)}`);
      return;
    }
    // The benchmark uses this to stand in for the round trip to S3, which a local server does not have.
    const waited = options.latencyMs
      ? park(sleep(options.latencyMs, undefined, { signal: shutdown.signal }))
      : Promise.resolve(true);
    void waited
      .then((open) => (open ? apply(fault, request, incoming, outgoing) : undefined))
      .catch((error: unknown) => {
        if (outgoing.headersSent || shutdown.signal.aborted) outgoing.destroy();
        else answerError(request, outgoing, 502, 'FaultProxyError', String(error));
      });
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
        shutdown.abort();
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
