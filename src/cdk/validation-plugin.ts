import { resolve } from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { ALL_RULES, Severity } from '../engine';
import { FactsDocument, loadFacts } from '../ingest';
import { NetworkQuotas } from './quotas';
import { QuotaOptions } from '../engine/quotas';
import { combineFacts } from '../ingest/aws';
import { PACKAGE_NAME, packageInfo } from '../report/package-info';
import { CheckWorker, WorkerStopped } from './private/check-in-worker';
import { CheckRequest, factsForRequest, runCheck } from './private/check-protocol';
import { answerFromTree, treeEnvironment, workerStoppedReport } from './private/guard-check';
import { lookupContextFactsOf } from './private/lookup-context';
import { checkedQuotas } from './private/quotas';

/**
 * Properties of a {@link GlueNetworkValidationPlugin}.
 */
export interface GlueNetworkValidationPluginProps {
  /**
   * Availability Zones to treat as failed when replaying Glue's connection selection, for
   * example `['us-east-1a']`: connections whose subnet is in one of them are skipped, as Glue
   * skips them during an outage.
   *
   * @default - every Availability Zone is healthy
   */
  readonly unhealthyAvailabilityZones?: string[];

  /**
   * Whether to evaluate, for every job, the failure of each single Availability Zone its
   * connections use (which connection Glue falls over to, and whether that one still reaches
   * every data store).
   *
   * @default true
   */
  readonly failover?: boolean;

  /**
   * Whether warning findings fail the validation. By default only error findings make the
   * report fail, and warnings are reported with severity `warning`; with `failOnWarnings` they
   * are reported with severity `error`, since once any violation is acknowledged CDK fails a
   * synthesis on errors only (a failing warning would then pass).
   *
   * @default false
   */
  readonly failOnWarnings?: boolean;

  /**
   * A JSON file describing networks the templates do not define (VPCs, subnets, peerings,
   * Glue connections of other teams); the format of the CLI's `--facts` option. A relative
   * path is resolved against the working directory of the CDK app.
   *
   * What `Vpc.fromLookup` left in the CDK context (the app's context and `cdk.context.json`) is
   * read too; this file wins over it for the same ids.
   *
   * @default - no facts file: what the templates do not define (beyond looked-up VPCs) is unknown
   */
  readonly factsFile?: string;

  /**
   * The account's VPC quotas, where raised above AWS's defaults. The templates do not show
   * quotas: without this, the default quotas are assumed by the quota checks (GNP-QUOTA-*) and
   * by auto-peer, which refuses a peering or a route that would exceed one.
   *
   * @default - AWS's default quotas
   */
  readonly quotas?: NetworkQuotas;

  /**
   * Check the templates in a worker thread, with a heap of its own, while CDK's thread waits for
   * the report, so the check's allocations never trigger or pay for garbage collections of the
   * app's construct tree (see BENCHMARKS.md, run 12, measured with the guard on a 2,000-job app:
   * no faster in a first synthesis, slower in repeated ones). The worker is started when the plugin is created, so it
   * loads the check while the app is built and synthesized. Where no worker can run (the
   * library's TypeScript source under ts-node or ts-jest, a bundle without `check-worker.js`), the
   * check runs in CDK's thread, with the same violations. If the worker stops before its report
   * (out of memory), the plugin reports a failing GNP-INPUT-UNREADABLE violation saying so, never
   * a pass.
   *
   * @default false
   */
  readonly workerThread?: boolean;
}


const PLUGIN_NAME = PACKAGE_NAME;

/**
 * A CDK policy-validation plugin that checks the networking of every AWS Glue job of the app:
 * it replays Glue's connection selection, traces the path from the selected connection's subnet
 * to every data store hop by hop, and evaluates single-AZ failures, on the synthesized templates.
 * It is the engine of the `glue-netplan` CLI behind CDK's validation-report interface.
 *
 * Every finding is reported as a violation named by its rule ID (see RULES.md) with the rule's
 * severity, against the template resource it concerns (a Glue job, connection, security group,
 * ...); resources with the same messages share one violation. Error findings fail the
 * validation (and so `cdk synth`); warnings are reported without failing unless `failOnWarnings`
 * is set. A template or facts file that cannot be read fails the validation with one
 * `GNP-INPUT-UNREADABLE` violation naming the file, on the stacks checked (a stack whose template
 * has no `Resources`, which CDK writes for a stack without resources, is read as empty).
 *
 * Violations can be acknowledged with
 * `Validations.of(scope).acknowledge({ id: 'cdk-glue-netplan::GNP-FAILOVER-UNREACHABLE', reason: '...' })`.
 *
 * @example
 * declare const app: App;
 * Validations.of(app).addPlugins(new GlueNetworkValidationPlugin({ failOnWarnings: true }));
 */
export class GlueNetworkValidationPlugin implements IPolicyValidationPlugin {
  /**
   * The plugin's name in the validation report: `cdk-glue-netplan`.
   */
  public readonly name: string = PLUGIN_NAME;

  /**
   * The version of the cdk-glue-netplan package.
   */
  public readonly version?: string;

  /**
   * The ID of every rule the plugin evaluates.
   */
  public readonly ruleIds?: string[];

  private readonly props: GlueNetworkValidationPluginProps;
  private readonly quotas?: QuotaOptions;
  /** The worker started ahead of the check (with the plugin). */
  private worker?: CheckWorker;

  /**
   * Creates the plugin; register it with `Validations.of(app).addPlugins(plugin)`.
   *
   * @param props what to treat as failed and what fails the validation
   */
  constructor(props: GlueNetworkValidationPluginProps = {}) {
    this.props = props;
    this.quotas = checkedQuotas('GlueNetworkValidationPlugin', props.quotas);
    this.version = packageInfo().version;
    this.ruleIds = ALL_RULES.map((rule) => rule.id);
    // Loads the check while the app is built and synthesized.
    if (props.workerThread) this.worker = CheckWorker.start(this);
  }

  /**
   * Plans the networking of every Glue job in the synthesized templates and reports each rule
   * that fires as a violation. Never throws: unreadable input and internal errors are reported
   * as failing violations.
   *
   * @param context the templates CDK synthesized
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    // Vpc.fromLookup's context first, the facts file over it (explicit facts win for the same ids).
    const facts = () => weakestFirst(lookupContextFactsOf(context.appConstruct), this.props.factsFile === undefined ? undefined : loadFacts(resolve(this.props.factsFile)));
    const request = (inWorker: boolean): CheckRequest => ({
      templatePaths: context.templatePaths,
      stackTemplates: context.stackTemplates,
      planOptions: { azDown: this.props.unhealthyAvailabilityZones ?? [], failover: this.props.failover ?? true, ...(this.quotas ? { quotas: this.quotas } : {}) },
      ...inWorker ? factsForRequest(facts) : {},
      extraFindings: [],
      failing: (this.props.failOnWarnings ? ['error', 'warning'] : ['error']) as Severity[],
      warnOnly: false,
      workaround: 'remove the plugin',
      version: this.version,
      addConstructPaths: false,
      keepPlan: false,
    });
    // A worker runs one check: a second synthesis starts another.
    const worker = this.worker ?? (this.props.workerThread ? CheckWorker.start() : undefined);
    this.worker = undefined;
    if (worker) {
      try {
        const done = worker.run(request(true), (question) => answerFromTree(context, question));
        if (done) return done.report;
      } catch (e) {
        if (!(e instanceof WorkerStopped)) throw e;
        return workerStoppedReport(e, 'the plugin', context, this.version);
      }
    }
    return runCheck(context, request(false), { ...treeEnvironment(context), facts, onPlan: () => undefined });
  }
}

/** Facts documents as one, later ones over earlier ones for the same ids. */
function weakestFirst(...documents: (FactsDocument | undefined)[]): FactsDocument | undefined {
  return documents.reduce<FactsDocument | undefined>((merged, doc) => (doc === undefined ? merged : merged === undefined ? doc : combineFacts(merged, doc)), undefined);
}
