import { OpenEnded, SourceRef } from '../model';
// Values from their modules, not the barrel: its re-exports are getters on every call.
import { AddressRange, contains } from '../model/cidr';

/**
 * Elements that may hold more rules or routes than the templates list (`OpenEnded`): what the
 * engine may and may not conclude from them. A verdict never rests on the absence of a rule or
 * route such an element may have: it is UNKNOWN, naming the cause.
 */

/** `App/Net/AddRoute/Resource/Default (AddRouteB1C2D3)`: construct path and logical ID. */
export function describeSource(source: SourceRef): string {
  return source.constructPath ? `${source.constructPath} (${source.logicalId})` : `${source.stack}/${source.logicalId}`;
}

/** The causes, once each, joined for a message. */
export function causesText(openings: readonly OpenEnded[]): string {
  return [...new Set(openings.map((o) => o.cause))].join('; ');
}

/** The openings of a security group or network ACL that concern one direction. */
export function openingsFor(openEnded: readonly OpenEnded[] | undefined, direction: 'ingress' | 'egress'): OpenEnded[] {
  if (!openEnded) return [];
  return openEnded.filter((o) => o.direction === undefined || o.direction === direction);
}

/**
 * The route openings that may decide `range` instead of the listed route: every one for a range
 * without a route; for a routed range, those that may add a more specific route (unknown
 * destinations, or a known destination longer than the matched one), or change listed routes.
 * Added routes never override the local route (AWS prefers it even over more specific propagated
 * routes; for routes a custom resource creates, an assumption stated in RULES.md); a change may.
 */
export function routeOpeningsFor(openEnded: readonly OpenEnded[] | undefined, range: AddressRange,
  matched: { readonly prefixLength: number; readonly local: boolean } | undefined): OpenEnded[] {
  if (!openEnded) return [];
  return openEnded.filter((o) => {
    if (o.destinations && !o.destinations.some((d) => contains(d, range))) return false;
    if (o.effect === 'change' || !matched) return true;
    if (matched.local) return false;
    return !o.destinations || o.destinations.some((d) => contains(d, range) && d.prefixLength > matched.prefixLength);
  });
}

/**
 * Whether the openings leave a routed (or allowed) verdict standing: only additions whose
 * destinations are unknown, which the verdict then assumes are no more specific than the listed
 * route. Anything else (a change, a known longer destination) makes it UNKNOWN.
 */
export function onlyUnknownAdditions(openings: readonly OpenEnded[]): boolean {
  return openings.every((o) => o.effect === 'add' && !o.destinations);
}
