import { mayShareEnvironment } from './intrinsics';
import { TemplateInput } from './types';

/** The account and Region a stack deploys to; undefined where it is environment-agnostic. */
interface Environment {
  readonly account?: string;
  readonly region?: string;
}

/**
 * The Glue connections of the templates by name. A job names its connections, and a name
 * designates a connection of the job's own account and Region: "The name of the connection ...
 * must be unique in your account" per Region (AWS Glue API, Connection; Glue resources are
 * Regional). So one name may be two connections of an app whose stages deploy to different
 * accounts or Regions (a Dev and a Prod stage each create `db`), and a job's name designates the
 * one in its own environment, never the other stage's.
 */
export class ConnectionNames {
  private readonly byName = new Map<string, { readonly id: string; readonly environment: Environment }[]>();

  /** Adds a connection; returns the ids of the connections of that name it may be the same as (a duplicate). */
  add(name: string, id: string, environment: Environment): string[] {
    let list = this.byName.get(name);
    if (!list) this.byName.set(name, list = []);
    const same = list.filter((c) => mayShareEnvironment(c.environment, environment)).map((c) => c.id);
    list.push({ id, environment });
    return same;
  }

  /**
   * The connection `name` designates, for a job in `from`'s account and Region: the first of that
   * name that may be in them (one of an environment-agnostic stack may be in any). Without `from`
   * (a facts file, which describes one account), the first of that name.
   */
  get(name: string, from?: Environment): string | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    return from === undefined ? list[0].id : list.find((c) => mayShareEnvironment(c.environment, from))?.id;
  }

  /**
   * Why `name` designates no one connection for a job in `from`: connections of that name in
   * accounts or Regions that differ (a Dev and a Prod stage) may each be the job's (its stack is
   * environment-agnostic, or only partly pinned), so which it uses is known only at deploy time.
   * Undefined when the name designates one (or connections that may share an environment, the
   * duplicate `add` reports).
   */
  ambiguity(name: string, from: Environment): string | undefined {
    const candidates = (this.byName.get(name) ?? []).filter((c) => mayShareEnvironment(c.environment, from));
    const apart = candidates.some((a, i) => candidates.some((b, j) => j > i && !mayShareEnvironment(a.environment, b.environment)));
    if (!apart) return undefined;
    const where = (e: Environment) => [e.account !== undefined ? `account ${e.account}` : undefined, e.region].filter((x) => x !== undefined).join(', ') || 'any account and Region';
    return `connection name ${name} designates a connection of ${candidates.map((c) => `${c.id} (${where(c.environment)})`).join(', ')}, `
      + `and the job may deploy to ${from.account === undefined && from.region === undefined ? 'any account and Region (its stack is environment-agnostic)' : where(from)}: `
      + 'which one it uses (Glue connection names are per account and Region) is known only at deploy time. Pin the job\'s stack environment (env: { account, region })';
  }
}

/** The environment of each stack, by stack name. */
export function environmentsOf(inputs: readonly TemplateInput[]): Map<string, Environment> {
  return new Map(inputs.map((input) => [input.stackName, { account: input.account, region: input.region }]));
}
