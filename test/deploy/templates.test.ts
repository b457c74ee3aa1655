// Offline checks of the fan-out templates in deploy/ and of the Dockerfile: each is validated by the
// tool that models it (AWS SDK for Batch, kubernetes-models' schemas, asl-validator, dockerfile-ast),
// and every command a template gives the tool is checked against the CLI contract. What these checks
// cannot see (IAM, quotas, a real cluster or account) is listed in deploy/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  BatchClient,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  type RegisterJobDefinitionCommandInput,
  type SubmitJobCommandInput,
} from '@aws-sdk/client-batch';
import { DockerfileParser } from 'dockerfile-ast';
import jsonata from 'jsonata';
import { Job } from 'kubernetes-models/batch/v1';
import { ServiceAccount } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  batchActionOnExit,
  fieldsNeverRead,
  parseInvocation,
  readJson,
  readText,
  validateAsl,
  type Invocation,
} from './template-support.js';

/** N of a `--shard auto/N` (the index comes from the scheduler's variable). */
function autoShards(run: Invocation): number {
  const match = /^auto\/(\d+)$/.exec(run.values.get('shard') ?? '');
  if (!match) throw new Error(`--shard is not auto/N: ${run.values.get('shard')}`);
  return Number(match[1]);
}

function expectUnattendedRun(run: Invocation): void {
  expect(run.verb).toBe('run');
  expect(run.values.get('plan')).toMatch(/^s3:\/\/[^/]+\/.+\.json$/);
  expect(run.switches.has('yes')).toBe(true);
  expect(run.switches.has('json')).toBe(true);
}

/** The JSON body the SDK would send for `command`: it keeps only members the API model knows. */
async function bodySentFor(command: RegisterJobDefinitionCommand | SubmitJobCommand): Promise<unknown> {
  let body: unknown;
  const client = new BatchClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' },
    requestHandler: {
      handle: (request: { body?: unknown }) => {
        body = JSON.parse(new TextDecoder().decode(request.body as Uint8Array));
        return Promise.reject(new Error('captured, not sent'));
      },
    },
  });
  await expect(client.send(command as RegisterJobDefinitionCommand)).rejects.toThrow('captured, not sent');
  client.destroy();
  return body;
}

describe('AWS Batch array job (deploy/aws-batch)', () => {
  const jobDefinition = readJson<RegisterJobDefinitionCommandInput>('deploy/aws-batch/job-definition.json');
  const arrayJob = readJson<SubmitJobCommandInput>('deploy/aws-batch/submit-array-job.json');
  const planJob = readJson<SubmitJobCommandInput>('deploy/aws-batch/submit-plan-job.json');

  it('uses only fields of the Batch API: the SDK serializes each file back to itself', async () => {
    expect(await bodySentFor(new RegisterJobDefinitionCommand(jobDefinition))).toEqual(jobDefinition);
    expect(await bodySentFor(new SubmitJobCommand(arrayJob))).toEqual(arrayJob);
    expect(await bodySentFor(new SubmitJobCommand(planJob))).toEqual(planJob);
  });

  it('is a Fargate container job with valid resource values', () => {
    expect(jobDefinition.type).toBe('container');
    expect(jobDefinition.platformCapabilities).toEqual(['FARGATE']);
    const resources = jobDefinition.containerProperties?.resourceRequirements ?? [];
    expect(resources.map((r) => r.type).sort()).toEqual(['MEMORY', 'VCPU']);
    expect(jobDefinition.containerProperties?.jobRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(arrayJob.jobDefinition).toBe(jobDefinition.jobDefinitionName);
  });

  it.each([
    { exitCode: 1, expected: 'RETRY', why: 'unfinished: run it again' },
    { exitCode: 130, expected: 'RETRY', why: 'interrupted (a stopped or reclaimed task)' },
    { exitCode: 2, expected: 'EXIT', why: 'bad input fails the same way again' },
    { exitCode: 137, expected: 'EXIT', why: 'killed for memory: a retry would be too' },
  ])('retryStrategy: exit $exitCode → $expected ($why)', ({ exitCode, expected }) => {
    const rules = jobDefinition.retryStrategy?.evaluateOnExit ?? [];
    const exit = { exitCode, reason: 'Essential container in task exited', statusReason: '' };
    expect(batchActionOnExit(rules as Parameters<typeof batchActionOnExit>[0], exit)).toBe(expected);
    expect(jobDefinition.retryStrategy?.attempts).toBeGreaterThan(1);
  });

  it('runs shard AWS_BATCH_JOB_ARRAY_INDEX of N, N the array size, on the plan the plan job writes', () => {
    // Ref::NAME placeholders take the submitted parameters, else the job definition's defaults.
    // https://docs.aws.amazon.com/batch/latest/userguide/example-use-parameters.html
    const parameters = { ...jobDefinition.parameters, ...arrayJob.parameters };
    const command = (jobDefinition.containerProperties?.command ?? []).map((arg) =>
      arg.startsWith('Ref::') ? (parameters[arg.slice(5)] ?? arg) : arg,
    );
    const run = parseInvocation(command);
    expectUnattendedRun(run);
    expect(autoShards(run)).toBe(arrayJob.arrayProperties?.size);
    expect(arrayJob.arrayProperties?.size).toBeGreaterThanOrEqual(2); // an array job has 2 to 10,000

    const plan = parseInvocation(planJob.containerOverrides?.command ?? []);
    expect(plan.verb).toBe('plan');
    expect(plan.values.get('out')).toBe(run.values.get('plan'));
  });
});

describe('Kubernetes Indexed Job (deploy/kubernetes)', () => {
  const [account, job] = parseAllDocuments(readText('deploy/kubernetes/indexed-job.yaml')).map(
    (doc) => doc.toJS() as Record<string, unknown>,
  );
  const planJob = parseAllDocuments(readText('deploy/kubernetes/plan-job.yaml'))[0]?.toJS() as Record<
    string,
    unknown
  >;
  const typedJob = new Job(job);
  const typedPlanJob = new Job(planJob);

  it('passes the Kubernetes API schema, with no field the API does not have', () => {
    expect(() => new ServiceAccount(account).validate()).not.toThrow();
    expect(() => typedJob.validate()).not.toThrow();
    expect(() => typedPlanJob.validate()).not.toThrow();
    const validate = (data: unknown) => Job.prototype.validate.call(data as Job);
    expect(fieldsNeverRead(validate, job)).toEqual([]);
    expect(fieldsNeverRead(validate, planJob)).toEqual([]);
    expect(
      fieldsNeverRead((data) => ServiceAccount.prototype.validate.call(data as ServiceAccount), account),
    ).toEqual([]);
  });

  it('runs shard JOB_COMPLETION_INDEX of N with N = completions, retried per index, exit 2 not retried', () => {
    const spec = typedJob.spec!;
    const pod = spec.template.spec!;
    const container = pod.containers[0]!;
    const run = parseInvocation(container.args ?? []);
    expectUnattendedRun(run);
    expect(spec.completionMode).toBe('Indexed');
    expect(autoShards(run)).toBe(spec.completions);
    expect(spec.parallelism).toBeLessThanOrEqual(spec.completions!);
    expect(spec.backoffLimitPerIndex).toBeGreaterThan(0);
    expect(pod.restartPolicy).toBe('Never'); // backoffLimitPerIndex and podFailurePolicy require it
    const failIndex = spec.podFailurePolicy?.rules.find((rule) => rule.action === 'FailIndex');
    expect(failIndex?.onExitCodes).toEqual({ containerName: container.name, operator: 'In', values: [2] });
  });

  it('uses an IRSA service account and the image’s non-root user', () => {
    const pod = typedJob.spec!.template.spec!;
    const metadata = account?.metadata as { name: string; annotations: Record<string, string> };
    expect(pod.serviceAccountName).toBe(metadata.name);
    expect(metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(`${pod.securityContext?.runAsUser}:${pod.securityContext?.runAsGroup}`).toBe(imageUser());
  });

  it('plans to the plan file the Indexed Job runs', () => {
    const run = parseInvocation(typedJob.spec!.template.spec!.containers[0]!.args ?? []);
    const plan = parseInvocation(typedPlanJob.spec!.template.spec!.containers[0]!.args ?? []);
    expect(plan.verb).toBe('plan');
    expect(plan.values.get('out')).toBe(run.values.get('plan'));
  });
});

describe('Step Functions Distributed Map (deploy/step-functions)', () => {
  type State = Record<string, unknown> & { Arguments?: Record<string, unknown> };
  const machine = readJson<{ States: Record<string, State> }>('deploy/step-functions/state-machine.asl.json');
  const input = readJson<Record<string, string>>('deploy/step-functions/execution-input.json');
  const plan = machine.States.Plan!;
  const collapse = machine.States.Collapse as State & {
    ItemReader: { Resource: string; ReaderConfig: { InputType: string }; Arguments: Record<string, string> };
    ItemSelector: Record<string, string>;
    ItemProcessor: { ProcessorConfig: Record<string, string>; States: Record<string, State> };
  };
  const child = collapse.ItemProcessor.States.CollapsePeriod!;

  /** Every `{% … %}` string in `value`, evaluated by JSONata as Step Functions would, with $states. */
  async function evaluate(value: unknown, states: object): Promise<unknown> {
    if (typeof value === 'string') {
      const expression = /^\{%([\s\S]*)%\}$/.exec(value)?.[1];
      return expression === undefined ? value : jsonata(expression).evaluate({}, { states });
    }
    if (Array.isArray(value)) return Promise.all(value.map((item) => evaluate(item, states)));
    if (value && typeof value === 'object') {
      const entries = await Promise.all(
        Object.entries(value).map(async ([key, item]) => [key, await evaluate(item, states)] as const),
      );
      return Object.fromEntries(entries);
    }
    return value;
  }

  it('is valid Amazon States Language (asl-validator)', () => {
    const { isValid, errors } = validateAsl(structuredClone(machine));
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it('reads the items array from S3 and runs each unit as a Batch job, failing on any failure', () => {
    // A JSON file read by ItemReader must hold the array of items itself (InputType JSON).
    // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
    expect(collapse.ItemReader.Resource).toBe('arn:aws:states:::s3:getObject');
    expect(collapse.ItemReader.ReaderConfig.InputType).toBe('JSON');
    expect(collapse.ItemProcessor.ProcessorConfig).toEqual({
      Mode: 'DISTRIBUTED',
      ExecutionType: 'STANDARD',
    });
    expect(collapse.ToleratedFailurePercentage).toBe(0);
    expect(collapse.MaxConcurrency).toBeGreaterThan(0);
    expect(plan.Resource).toBe('arn:aws:states:::batch:submitJob.sync');
    expect(child.Resource).toBe('arn:aws:states:::batch:submitJob.sync');
    expect(child.Retry).toEqual([expect.objectContaining({ ErrorEquals: ['States.TaskFailed'] })]);
  });

  it('plans to the files the map reads, and runs each item as `run --plan … --period <id>`', async () => {
    const planArgs = (await evaluate(plan.Arguments, {
      input,
    })) as SubmitJobCommandInput['containerOverrides'] & Record<string, { Command: string[] }>;
    const planned = parseInvocation(planArgs.ContainerOverrides!.Command);
    expect(planned.verb).toBe('plan');
    expect(planned.values.get('bucket')).toBe(input.bucket);

    const reader = (await evaluate(collapse.ItemReader.Arguments, { input })) as {
      Bucket: string;
      Key: string;
    };
    expect(`s3://${reader.Bucket}/${reader.Key}`).toBe(planned.values.get('items'));

    // One line of the items file the plan step writes: [{"period": "<unit id>"}, …]
    const item = { period: 'AWSLogs/123456789012/CloudTrail/eu-west-1/|2026-11-23' };
    const context = { Map: { Item: { Index: 0, Value: item } } };
    const childInput = await evaluate(collapse.ItemSelector, { input, context });
    const childArgs = (await evaluate(child.Arguments, { input: childInput })) as Record<
      string,
      { Command: string[] }
    >;
    const run = parseInvocation(childArgs.ContainerOverrides!.Command);
    expectUnattendedRun(run);
    expect(run.values.get('plan')).toBe(planned.values.get('out'));
    expect(run.values.get('period')).toBe(item.period);
    expect(run.values.has('shard')).toBe(false);
  });
});

/** The `USER` of the image's default stage. */
function imageUser(): string {
  const dockerfile = DockerfileParser.parse(readText('Dockerfile'));
  const last = dockerfile.getFROMs().at(-1)!;
  const user = dockerfile
    .getInstructions()
    .filter((i) => i.getKeyword() === 'USER' && i.getRange().start.line > last.getRange().start.line)
    .at(-1);
  return user?.getArgumentsContent() ?? 'root';
}

describe('Dockerfile', () => {
  const dockerfile = DockerfileParser.parse(readText('Dockerfile'));
  const stages = dockerfile.getFROMs().map((from) => from.getBuildStage());
  /** The instructions of one stage, from its FROM to the next. */
  const stage = (name: string) => {
    const froms = dockerfile.getFROMs();
    const index = stages.indexOf(name);
    const start = froms[index]!.getRange().start.line;
    const end = froms[index + 1]?.getRange().start.line ?? Infinity;
    return dockerfile.getInstructions().filter((i) => {
      const line = i.getRange().start.line;
      return line >= start && line < end;
    });
  };
  const lines = (name: string, keyword: string) =>
    stage(name)
      .filter((i) => i.getKeyword() === keyword)
      .map((i) => i.getArgumentsContent());

  it('builds the published package by default, on Node 20 slim, at a version given by build arg', () => {
    expect(stages.at(-1)).toBe('published');
    const base = dockerfile.getInitialARGs().find((arg) => arg.getProperty()?.getName() === 'NODE_IMAGE');
    expect(base?.getProperty()?.getValue()).toBe('node:20-slim');
    expect(dockerfile.getFROMs().every((from) => from.getImage() === '${NODE_IMAGE}')).toBe(true);
    expect(lines('published', 'ARG')).toEqual(['S3COLLAPSE_VERSION=latest']);
    expect(lines('published', 'RUN').join('\n')).toMatch(
      /npm install -g .*"s3collapse-tui@\$\{S3COLLAPSE_VERSION\}"/,
    );
    const pkg = readJson<{ name: string; bin: Record<string, string>; engines: { node: string } }>(
      'package.json',
    );
    expect(pkg.name).toBe('s3collapse-tui');
    expect(Object.keys(pkg.bin)).toContain('s3collapse-tui');
    expect(pkg.engines.node).toBe('>=20');
  });

  it.each(['published', 'local'])('stage %s runs s3collapse-tui as a non-root user', (name) => {
    expect(lines(name, 'ENTRYPOINT')).toEqual(['["s3collapse-tui"]']);
    expect(lines(name, 'USER')).toEqual(['1000:1000']);
    expect(imageUser()).toBe('1000:1000');
  });

  it('builds the local target from files the checkout has and .dockerignore keeps', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    const copied = stage('build')
      .filter((i) => i.getKeyword() === 'COPY' && !i.getArgumentsContent()?.startsWith('--from'))
      .flatMap((i) =>
        i
          .getArguments()
          .slice(0, -1)
          .map((arg) => arg.getValue()),
      );
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'source']));
    for (const path of copied) {
      expect(existsSync(new URL(`../../${path}`, import.meta.url)), path).toBe(true);
      expect(ignored, path).not.toContain(path);
    }
  });

  it('packs what the local target installs: the built binary, without sources or tests', () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: new URL('../../', import.meta.url),
        encoding: 'utf8',
      }),
    ) as [{ files: { path: string }[] }];
    const files = packed.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'dist/bin/cli.js', 'dist/demo/s3-server-child.js']),
    );
    expect(
      files.filter((path) =>
        /^(source|scripts|test|bench|deploy)\/|^Dockerfile$|^\.dockerignore$/.test(path),
      ),
    ).toEqual([]);
  });
});

describe('IAM (deploy/iam/task-role-policy.json)', () => {
  it('grants the task role what the tool calls, on the log bucket, the inventory and the plans', () => {
    const policy = readJson<{ Statement: { Action: string[]; Resource: string }[] }>(
      'deploy/iam/task-role-policy.json',
    );
    const granted = (resource: string) =>
      policy.Statement.filter((s) => s.Resource === resource).flatMap((s) => s.Action);
    expect(granted('arn:aws:s3:::LOG_BUCKET')).toEqual(
      expect.arrayContaining(['s3:ListBucket', 's3:ListBucketMultipartUploads']),
    );
    expect(granted('arn:aws:s3:::LOG_BUCKET/*')).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']),
    );
    expect(granted('arn:aws:s3:::INVENTORY_BUCKET/LOG_BUCKET/*')).toContain('s3:GetObject');
    expect(granted('arn:aws:s3:::PLANS_BUCKET/runs/*')).toEqual(['s3:GetObject', 's3:PutObject']);
  });
});
