import { GlueConnection } from '../model';

/** The reason ingest gives a connection name made at deploy time by a custom resource. */
export const CUSTOM_RESOURCE_NAME = /^created by custom resource /;

/**
 * A connection as messages name it: its name; else, when a custom resource makes the name at
 * deploy time, its logical id and "name created by custom resource X"; else its logical id.
 */
export function connectionName(connection: GlueConnection): string {
  if (connection.name.known) return connection.name.value;
  return CUSTOM_RESOURCE_NAME.test(connection.name.reason)
    ? `${connection.source.logicalId} (name ${connection.name.reason})`
    : connection.source.logicalId;
}
