import { ChildProcess, spawn, spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { createServer } from 'net';
import { join } from 'path';

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
