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
}

/** The environment of each stack, by stack name. */
export function environmentsOf(inputs: readonly TemplateInput[]): Map<string, Environment> {
  return new Map(inputs.map((input) => [input.stackName, { account: input.account, region: input.region }]));
}
