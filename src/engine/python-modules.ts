import { GlueJob } from '../model';
import { glueVersionOf } from './capacity';
import { describeAddress } from './store-location';

/**
 * Whether a run of the job installs Python modules over the internet when it starts, before it
 * reads any data: `yes` (with what is installed), or `unknown` (with why); undefined when it
 * does not (no `--additional-python-modules`, or only objects in Amazon S3).
 */
export interface PackageIndexNeed {
  readonly need: 'yes' | 'unknown';
  /** What the run installs from the internet, or why that is unknown, in words. */
  readonly why: string;
  /**
   * Set when every module the run fetches is an `https://` (or `http://`) URL of Amazon S3: an S3
   * gateway endpoint of the bucket's Region carries them as it does `s3://` paths, so the subnet
   * needs the internet only for the others (`s3UrlReach`).
   */
  readonly s3Urls?: readonly S3Url[];
  /**
   * The TCP ports pip connects to on the internet, when one is not HTTPS's 443 (a module from an
   * `http://` URL, or a URL that names its port); absent: 443 only.
   */
  readonly ports?: readonly number[];
}

const HTTPS_PORT = 443;

/** Default ports of the URL schemes pip fetches from (`git+https`: https's). */
const SCHEME_PORTS: Record<string, number> = { http: 80, https: 443, ssh: 22, git: 9418, ftp: 21 };

/**
 * The TCP port pip connects to for a module's URL: the one the URL names (`https://host:8443/`),
 * else its scheme's (`http` 80, `https` 443, `git+ssh` 22); 443 for a scheme not listed.
 */
function urlPort(url: string): number {
  const m = /^([a-z0-9+.-]+):\/\/(?:[^@/?#\s]*@)?(\[[^\]]*\]|[^/:?#\s]*)(?::(\d+))?/i.exec(url.trim());
  if (!m) return HTTPS_PORT;
  if (m[3] !== undefined && Number(m[3]) >= 1 && Number(m[3]) <= 65535) return Number(m[3]);
  const scheme = m[1].toLowerCase().split('+').pop()!;
  return SCHEME_PORTS[scheme] ?? HTTPS_PORT;
}

/**
 * A module given as the URL of an object in Amazon S3, or as the `s3://` path of a wheel or a zip
 * of wheels, with the bucket's Region when the inputs show it.
 */
export interface S3Url {
  /** The entry, as the message shows it. */
  readonly url: string;
  /**
   * The bucket's Region: the one its host names (`bucket.s3.eu-west-1.amazonaws.com`), or for an
   * `s3://` path the Region of the stack that creates the bucket; undefined when not shown.
   */
  readonly region?: string;
  /** An `s3://` path (not an `https://` URL). */
  readonly path?: true;
  /** For an `s3://` path to a bucket of the templates: the stack that creates it (same stack as the VPC: same Region). */
  readonly stack?: string;
  /** For an `s3://` path whose bucket's Region is not shown: why, in words. */
  readonly unshown?: string;
  /** Set when `region` is an assumption (read from the bucket's name): what is assumed, in words. */
  readonly regionAssumed?: string;
}

/**
 * AWS Glue installs `--additional-python-modules` with pip3 when a run starts (Glue 2.0 and later
 * for Spark jobs; Python shell jobs too): each comma-separated entry is a module pip fetches from
 * the Python Package Index, or the `s3://` path of a wheel, a zip of wheels or (Glue 5.0) a
 * requirements file (AWS Glue, "Using Python libraries with AWS Glue",
 * https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-libraries.html).
 * In a VPC, pip runs on the ENIs in the selected connection's subnet, which must give a network
 * path to pypi.org (AWS Glue, "Setting up a VPC to connect to PyPI for AWS Glue",
 * https://docs.aws.amazon.com/glue/latest/dg/setup-vpc-for-pypi.html).
 *
 * - A module name, or a URL that is not in S3: from the internet (`yes`).
 * - Only `https://` URLs of S3 objects (`s3UrlOf`): `yes` with `s3Urls`, which an S3 gateway
 *   endpoint of their Region carries instead of the internet (the subnet decides). A URL whose
 *   host is known only at deploy time may be one: `unknown`.
 * - Only wheels or zips of wheels in S3: not from the internet. Assumed: their dependencies are
 *   in Glue's environment or among them (pip would fetch a missing one from the index).
 * - A requirements file in S3: what it lists, and from where, is not in the inputs (`unknown`).
 * - `--python-modules-installer-option`, or pip's options after a module in
 *   `--additional-python-modules` itself, naming an index or links of its own (`--index-url`,
 *   `--extra-index-url`, `--find-links`, `--no-index`): where pip fetches from is not PyPI, and
 *   the inputs do not say where it is (`unknown`).
 * - A value (or part of an entry) known only at deploy time: `unknown`, unless what is known of
 *   the entry (`s3://...`) decides it.
 * - A Python shell job whose `Command.PythonVersion` is not `3.9`: AWS documents the installer for
 *   Python shell jobs on Python 3.9 only (AWS Glue, "Configuring job properties for Python shell
 *   jobs", https://docs.aws.amazon.com/glue/latest/dg/add-job-python.html), so `unknown`.
 * - A Spark job of Glue 0.9 or 1.0: Glue documents the installer for 2.0 and later only, so
 *   nothing is installed. Without `GlueVersion`, the version is unknown (`glueVersionOf`): `unknown`.
 */
export function packageIndexNeed(job: GlueJob): PackageIndexNeed | undefined {
  const modules = job.additionalPythonModules;
  if (!modules) return undefined;
  if (job.kind === 'crawler' || job.kind === 'dev-endpoint') return undefined;
  const spark = job.command.known && (job.command.value === 'glueetl' || job.command.value === 'gluestreaming');
  const version = spark ? glueVersionOf(job) : undefined;
  if (version?.known && version.value < 2) return undefined;
  if (!modules.known) return { need: 'unknown', why: `its --additional-python-modules cannot be resolved (${modules.reason}), and modules it names are fetched from the Python Package Index (pypi.org) when a run starts` };

  const fromInternet: string[] = [];
  const undecided: string[] = [];
  const requirements: string[] = [];
  const s3Urls: S3Url[] = [];
  // Every entry pip fetches over the network (names, URLs, S3's too): the ports it connects to.
  const fetched: string[] = [];
  const entries = entriesOf(modules.value);
  for (const entry of entries) {
    const kind = entryKind(entry);
    if (kind === 'internet') fetched.push(entry);
    const words = describeAddress(entry);
    const s3 = kind === 'internet' ? s3UrlOf(entry) : undefined;
    if (s3) s3Urls.push({ url: words, ...s3.region ? { region: s3.region } : {} });
    // A wheel's s3:// path: read from S3 through the subnet's S3 path, which a gateway endpoint
    // gives only for buckets of its Region (s3UrlReach).
    else if (kind === 's3') s3Urls.push(s3PathOf(job, entry, words));
    // A host known only at deploy time may be S3's (CDK's virtualHostedUrlForObject in a stack of no Region).
    else if (kind === 'internet' && /^https?:\/\/[^/?#]*\{\{/i.test(entry.trim())) undecided.push(words);
    else if (kind === 'internet') fromInternet.push(words);
    else if (kind === 'requirements') requirements.push(words);
    else if (kind === 'unknown') undecided.push(words);
  }
  if (!fromInternet.length && !requirements.length && !undecided.length && !s3Urls.length) return undefined;
  // Objects of S3 alone: the subnet decides whether they need the internet (s3UrlReach).
  const onlyS3 = !fromInternet.length && !requirements.length && !undecided.length ? { s3Urls } : {};
  // (Beside modules from the internet, s3:// paths change nothing: the internet path decides.)
  const byUrl = s3Urls.filter((u) => !u.path);
  if (onlyS3.s3Urls) fromInternet.push(...s3Urls.map((u) => u.url));
  const fromS3 = onlyS3.s3Urls && byUrl.length < s3Urls.length ? 'from Amazon S3' : undefined;
  // An http:// URL (of S3 too, beside other modules or alone) is fetched on 80, whatever the verdict's branch.
  const ports = [...new Set(fetched.map((e) => e.includes('://') ? urlPort(e) : HTTPS_PORT))].sort((a, b) => a - b);
  const onPorts = ports.some((p) => p !== HTTPS_PORT) ? { ports } : {};

  const index = customIndex(job, entries);
  if (index) {
    return { need: 'unknown', why: `${index} has pip fetch ${listed([...fromInternet, ...requirements, ...undecided])} from an index or location of its own, which the inputs do not locate`, ...onPorts };
  }
  if (fromInternet.length && version && !version.known) {
    return { need: 'unknown', why: `pip installs ${listed(fromInternet)} (--additional-python-modules) ${fromS3 ?? (onlyS3.s3Urls ? `from Amazon S3 over ${onPorts.ports ? 'HTTP' : 'HTTPS'}` : 'from the Python Package Index (pypi.org)')} when a run starts on Glue 2.0 and later, and the job's GlueVersion is unknown (${version.reason})`, ...onlyS3, ...onPorts };
  }
  if (fromInternet.length && job.command.known && job.command.value === 'pythonshell' && !(job.pythonVersion?.known && job.pythonVersion.value.trim() === '3.9')) {
    const python = !job.pythonVersion ? 'not set' : job.pythonVersion.known ? `"${job.pythonVersion.value}"` : `unknown (${job.pythonVersion.reason})`;
    return { need: 'unknown', why: `pip installs ${listed(fromInternet)} (--additional-python-modules) ${fromS3 ?? (onlyS3.s3Urls ? `from Amazon S3 over ${onPorts.ports ? 'HTTP' : 'HTTPS'}` : 'from the internet')} when a run starts on a Python shell job of Python 3.9, the only one on which AWS documents it ("Python shell using Python 3.9 lets you provide additional Python modules": AWS Glue, "Configuring job properties for Python shell jobs"), and this job's Command.PythonVersion is ${python}`, ...onlyS3, ...onPorts };
  }
  if (fromInternet.length && !job.command.known) {
    // A Ray job does not run in your VPCs: what it installs does not cross the connection's subnet.
    return { need: 'unknown', why: `pip installs ${listed(fromInternet)} (--additional-python-modules) ${fromS3 ?? (onlyS3.s3Urls ? `from Amazon S3 over ${onPorts.ports ? 'HTTP' : 'HTTPS'}` : 'from the Python Package Index (pypi.org)')} when a run starts, in the connection's subnet unless the job is a Ray job, and its kind is unknown (Command.Name ${job.command.reason})`, ...onlyS3, ...onPorts };
  }
  if (onlyS3.s3Urls) {
    const paths = s3Urls.filter((u) => u.path).map((u) => u.url);
    const why = [
      ...paths.length ? [`Glue installs ${listed(paths)} (--additional-python-modules) from Amazon S3 when a run starts`] : [],
      ...byUrl.length ? [`pip downloads ${listed(byUrl.map((u) => u.url))} (--additional-python-modules) from Amazon S3 over ${onPorts.ports ? 'HTTP' : 'HTTPS'}, by URL rather than by s3:// path`] : [],
    ];
    return { need: 'yes', why: why.join('; '), ...onlyS3, ...onPorts };
  }
  if (fromInternet.length) {
    const urls = fromInternet.filter((e) => e.includes('://'));
    const names = fromInternet.filter((e) => !e.includes('://'));
    // S3 URLs beside them: named too (an http:// one may be what needs port 80).
    const s3ByUrl = byUrl.map((u) => u.url);
    const from = [
      ...names.length ? [`${listed(names)} from the Python Package Index (pypi.org, files.pythonhosted.org)`] : [],
      ...urls.length ? [`${listed(urls)} from ${urls.length > 1 ? 'their URLs' : 'its URL'} on the internet`] : [],
      ...s3ByUrl.length ? [`${listed(s3ByUrl)} from Amazon S3 by URL`] : [],
    ];
    return { need: 'yes', why: `pip installs ${from.join(', and ')} (--additional-python-modules)`, ...onPorts };
  }
  const causes = [
    ...requirements.length ? [`pip installs what requirements file ${requirements.join(', ')} lists, which is not in the inputs (modules it names are fetched from the Python Package Index, pypi.org)`] : [],
    ...undecided.length ? [`entry ${undecided.join(', ')} of --additional-python-modules is known only at deploy time (a module name is fetched from the Python Package Index, pypi.org; an s3:// path is not)`] : [],
  ];
  return { need: 'unknown', why: causes.join('; '), ...onPorts };
}

/**
 * An `s3://` path's bucket and where it is: a bucket of the templates (`{{ref:<bucket>:...}}`) is in
 * its stack's Region; the CDK's bootstrap bucket (`cdk-<qualifier>-assets-<account>-<region>`, where
 * `Code.fromAsset` puts files) is in the Region its name ends with (**assumed**: the CDK bootstrap
 * template names it so, in the Region it is bootstrapped in); any other name shows no Region.
 */
function s3PathOf(job: GlueJob, entry: string, words: string): S3Url {
  const bucket = /^s3:\/\/(\{\{ref:[^}]*\}\}|[^/]*)/i.exec(entry.trim())?.[1] ?? '';
  const ref = /^\{\{ref:([^}]*):[^}:]*\}\}$/.exec(bucket);
  const place = ref ? job.moduleBuckets?.[ref[1]] : undefined;
  if (place) return { url: words, path: true, stack: place.stack, ...place.region ? { region: place.region } : {} };
  const bootstrap = /^cdk-[a-z0-9]+-assets-\d{12}-([a-z]{2}(?:-[a-z]+)+-\d+)$/.exec(bucket);
  if (bootstrap) return { url: words, path: true, region: bootstrap[1], regionAssumed: 'the Region its bucket\'s name ends with: assumed, as the CDK bootstrap template names its assets bucket cdk-<qualifier>-assets-<account>-<region> in that Region' };
  return {
    url: words,
    path: true,
    unshown: ref ? `its bucket (${describeAddress(bucket)}) is not an S3 bucket of the templates` : bucket.includes('{{') ? 'its bucket\'s name is known only at deploy time' : `bucket ${bucket} is not one of the templates`,
  };
}

/** A resource marker (`{{ref:id:attribute}}`) or a deploy-time value's marker (`{{unknown:why}}`). */
const MARKER = /\{\{ref:[^}]*?:[^}]*\}\}|\{\{unknown:[^}]*\}\}/g;

/** The comma-separated entries, trimmed; commas inside markers do not split. */
function entriesOf(value: string): string[] {
  const markers: string[] = [];
  const masked = value.includes('{{') ? value.replace(MARKER, (m) => `\u0000${markers.push(m) - 1}\u0000`) : value;
  return masked.split(',')
    .map((part) => part.trim().replace(/\u0000(\d+)\u0000/g, (_, i: string) => markers[Number(i)]))
    .filter((part) => part !== '');
}

/** Where pip fetches an entry from: S3, the internet, a requirements file in S3, or unknown. */
function entryKind(entry: string): 's3' | 'internet' | 'requirements' | 'unknown' {
  const marker = entry.indexOf('{{');
  const known = marker < 0 ? entry : entry.slice(0, marker);
  if (/^s3:\/\//i.test(known)) {
    if (/\.txt$/i.test(entry)) return 'requirements';
    // A wheel, a zip of wheels, or (its name known) another object: read from S3.
    return marker < 0 || /\.(whl|zip)$/i.test(entry) ? 's3' : 'unknown';
  }
  // The scheme or the module's name is known: from the internet (a name: from the index).
  if (marker < 0 || /^[A-Za-z]{2,}/.test(known)) return 'internet';
  return 'unknown';
}

/**
 * The Region an `http(s)://` URL of an Amazon S3 object names, when its host is S3's: virtual-hosted
 * (`bucket.s3.us-east-1.amazonaws.com`), path style (`s3.us-east-1.amazonaws.com/bucket`), the
 * legacy dash form (`s3-us-west-2.amazonaws.com`), dual-stack, FIPS and access points
 * (`name-111111111111.s3-accesspoint.us-east-1.amazonaws.com`) name it (Amazon S3 User Guide,
 * "Virtual hosting of general purpose buckets",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html); the global endpoint
 * (`bucket.s3.amazonaws.com`), Transfer Acceleration, website and S3 Express hosts do not, and an
 * interface endpoint's name (`*.vpce.amazonaws.com`) resolves to its private addresses: those are
 * S3 hosts of no Region shown (a gateway endpoint may not carry them). Undefined: not an S3 host.
 * A deploy-time value in the bucket's label does not matter; one in the Region's makes it unshown.
 */
export function s3UrlOf(entry: string): { region?: string } | undefined {
  // Markers may hold '/', ':' and '.': each becomes one opaque label part.
  const m = /^https?:\/\/([^/?#]*)/i.exec(entry.trim().replace(MARKER, '\u0001'));
  if (!m) return undefined;
  const host = m[1].replace(/:\d*$/, '').replace(/\.$/, '').toLowerCase();
  const labels = host.split('.');
  const suffix = labels.slice(-2).join('.') === 'amazonaws.com' ? 2 : labels.slice(-3).join('.') === 'amazonaws.com.cn' ? 3 : 0;
  if (!suffix) return undefined;
  const service = labels.slice(0, -suffix);
  // The labels that may start S3's part of the host. A bucket's own labels may look like one
  // (`s3-wheels.s3.us-east-1...`, `my.s3.bucket.s3...`): the host is read from each, the bucket's
  // name being what comes before.
  const starts = service.flatMap((l, i) => l === 's3' || l.startsWith('s3-') || l.startsWith('s3express-') ? [i] : []);
  if (!starts.length) return undefined;
  // The labels after the bucket's (or the access point's) must be known: a Region known only at
  // deploy time, or an interface endpoint's name, shows no Region.
  if (service.slice(starts[starts.length - 1]).some((l) => l.includes('\u0001')) || service.includes('vpce')) return {};
  for (const at of starts) {
    const regional = /^(?:s3|s3-fips|s3-accesspoint|s3-accesspoint-fips)(?:\.dualstack)?[.-]([a-z]{2}(?:-[a-z]+)+-\d+)$/.exec(service.slice(at).join('.'));
    if (regional) return { region: regional[1] };
  }
  return {};
}

/**
 * pip's options that send it elsewhere than PyPI: an index, extra index or links of its own, or
 * none (`--index-url`/`-i`, `--extra-index-url`, `--find-links`/`-f`, `--no-index`; `-ihttps://...`
 * is `-i` with its value attached).
 */
const INDEX_OPTION = /(^|\s)(--index-url|--extra-index-url|--find-links|--no-index)(?=[\s=]|$)|(^|\s)-[if]/;

/**
 * Where the job sends pip elsewhere than PyPI, in words, when it does: in
 * `--python-modules-installer-option`, or in `--additional-python-modules` itself, which takes
 * pip's options after a module ("You can pass additional pip3 options inside the
 * --additional-python-modules value. For example, "scikit-learn==0.21.3 -i
 * https://pypi.python.org/simple/"": AWS Glue, "Configuring job properties for Python shell jobs",
 * https://docs.aws.amazon.com/glue/latest/dg/add-job-python.html).
 */
function customIndex(job: GlueJob, entries: readonly string[]): string | undefined {
  const options = job.pythonInstallerOptions;
  if (options && !options.known) return `its --python-modules-installer-option (cannot be resolved: ${options.reason})`;
  if (options && INDEX_OPTION.test(options.value)) return `its --python-modules-installer-option (${describeAddress(options.value)})`;
  const inline = entries.filter((entry) => INDEX_OPTION.test(entry));
  return inline.length ? `pip's options in its --additional-python-modules (${inline.map((entry) => describeAddress(entry)).join(', ')})` : undefined;
}

function listed(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : items[0];
}
