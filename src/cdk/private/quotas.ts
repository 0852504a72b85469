import { QuotaOptions, Quotas } from '../../engine/quotas';
import { NetworkQuotas } from '../quotas';

/** The quotas as the engine takes them, checked: an Error names the owner, the quota and the range. */
export function checkedQuotas(owner: string, quotas: NetworkQuotas | undefined): QuotaOptions | undefined {
  if (quotas === undefined) return undefined;
  const options: QuotaOptions = {
    ...(quotas.peeringsPerVpc !== undefined ? { peeringsPerVpc: quotas.peeringsPerVpc } : {}),
    ...(quotas.routesPerRouteTable !== undefined ? { routesPerRouteTable: quotas.routesPerRouteTable } : {}),
    ...(quotas.securityGroupsPerNetworkInterface !== undefined ? { securityGroupsPerNetworkInterface: quotas.securityGroupsPerNetworkInterface } : {}),
    ...(quotas.rulesPerSecurityGroup !== undefined ? { rulesPerSecurityGroup: quotas.rulesPerSecurityGroup } : {}),
  };
  try {
    Quotas.of(options);
  } catch (e) {
    throw new Error(`${owner}: ${(e as Error).message}.`);
  }
  return options;
}
