import { ChildProcess, spawn, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { createServer as createHttpServer, Server } from 'http';
import { AddressInfo, createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCliAsync } from '../../src/cli/run';

/** A real AWS API emulator (Python moto) on 127.0.0.1 and a free port, for the account reader's tests. */
export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface MotoOptions {
  /**
   * Add CloudFormation support for AWS::Glue::Connection and AWS::Glue::Job (moto has none) on
   * top of moto's Glue backend: test/cli/moto-glue-cloudformation.py, run with moto's Python.
   */
  readonly glueCloudFormation?: boolean;
}

export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('moto_server is not installed: install it with `pip install "moto[server]"` (the account reader is tested against it)');
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const args = ['-H', '127.0.0.1', '-p', String(port)];
  const child: ChildProcess = options.glueCloudFormation
    ? spawn(motoPython(), [join(__dirname, 'moto-glue-cloudformation.py'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn('moto_server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk) => { log = (log + String(chunk)).slice(-2000); });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok || response.status < 500) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`moto_server did not start on ${endpoint}: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    endpoint,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill();
    }),
  };
}

/** The Python that runs moto_server (its script's `#!` line), so that the Glue extension imports the same moto. */
function motoPython(): string {
  const which = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).stdout.trim();
  const real = spawnSync('sh', ['-c', `pyenv which moto_server 2>/dev/null || echo ${JSON.stringify(which)}`], { encoding: 'utf8' }).stdout.trim() || which;
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(real, 'utf8').split('\n')[0]);
  return shebang && !shebang[1].endsWith('/env') ? shebang[1] : 'python3';
}

/** Points the SDK at the emulator with dummy credentials; returns a function restoring the environment. */
export function useEmulator(endpoint: string): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  };
}

/**
 * A test file's life against moto_server: started before the file's tests, the SDK pointed at it,
 * `createWorld` run against it; stopped and the environment restored after them. Each test gets
 * a fresh working directory (`prefix`...) removed after it. `started` and `workdir` hand the
 * server and the directory to the file's own variables.
 */
export function onMotoServer(options: { prefix: string; createWorld: () => Promise<void>; started?: (moto: Moto) => void; workdir: (dir: string) => void }): void {
  let moto: Moto | undefined;
  let restoreEnv: (() => void) | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    moto = await startMoto();
    options.started?.(moto);
    restoreEnv = useEmulator(moto.endpoint);
    await options.createWorld();
  });
  afterAll(async () => {
    restoreEnv?.();
    await moto?.stop();
  });
  beforeEach(() => { options.workdir(dir = mkdtempSync(join(tmpdir(), options.prefix))); });
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });
}

/** An error to answer an action with; `query`: the XML of RDS and Redshift (EC2's otherwise, or JSON for JSON protocols). */
export interface Fault {
  readonly status: number;
  readonly code: string;
  readonly protocol?: 'query';
}

/**
 * Faults AWS returns and moto does not: an HTTP proxy in front of moto answers the chosen
 * actions with the error AWS sends (EC2 query-protocol XML, the query protocol's XML of RDS and
 * Redshift, JSON for Glue), forwards the rest; it counts the calls by action.
 */
export async function withFaults(moto: Moto, faults: Record<string, Fault>, body: (counts: Map<string, number>) => Promise<void>): Promise<void> {
  const counts = new Map<string, number>();
  const server: Server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const payload = Buffer.concat(chunks);
      // JSON protocols name the action in a header, query protocols in the body; REST ones (MSK) by method and path.
      const action = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? /Action=(\w+)/.exec(payload.toString())?.[1] ?? `${request.method} ${request.url?.split('?')[0]}`;
      counts.set(action, (counts.get(action) ?? 0) + 1);
      const fault = faults[action];
      if (fault && request.headers['x-amz-target']) {
        response.writeHead(fault.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': fault.code });
        response.end(JSON.stringify({ __type: fault.code, message: 'injected' }));
        return;
      }
      if (fault) {
        response.writeHead(fault.status, { 'content-type': 'text/xml' });
        response.end(fault.protocol === 'query'
          ? `<ErrorResponse><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>injected</Message></Error><RequestId>r</RequestId></ErrorResponse>`
          : `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${fault.code}</Code><Message>injected</Message></Error></Errors><RequestID>r</RequestID></Response>`);
        return;
      }
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.headers)) if (typeof value === 'string' && key !== 'host' && key !== 'content-length') headers[key] = value;
      fetch(`${moto.endpoint}${request.url}`, { method: request.method, headers, body: payload.length ? payload : undefined })
        .then(async (answer) => {
          response.writeHead(answer.status, Object.fromEntries([...answer.headers.entries()].filter(([k]) => !['content-length', 'content-encoding', 'transfer-encoding'].includes(k))));
          response.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => { response.writeHead(502); response.end(); });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await body(counts);
  } finally {
    process.env.AWS_ENDPOINT_URL = endpoint;
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The CLI run in process in the directory `cwd()` names when it is called, its output captured. */
export function cliIn(cwd: () => string): (...argv: string[]) => Promise<{ code: number; stdout: string; stderr: string }> {
  return async (...argv) => {
    let stdout = '';
    let stderr = '';
    const code = await runCliAsync(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: cwd() });
    return { code, stdout, stderr };
  };
}
