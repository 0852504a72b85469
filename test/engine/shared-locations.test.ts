/**
 * Where a connection's store lives, shared by the connections that name the same store (issue 18):
 * many jobs' connections give one address, subnet and groups, and get one location, read-only.
 * The key is everything the location reads of a connection but its id; a location whose texts
 * name the connection (no port, groups of another VPC, a declared store) is the connection's own.
 */
import { model } from './builders';
import { locateStores, locateStoresShared } from '../../src/engine/store-location';
import { Topology } from '../../src/engine/topology';

/** VPC v with subnets a and b, groups sgA, sgB; VPC w with group sgW. */
function twoSubnets() {
  return model().vpc('v', '10.1.0.0/16').vpc('w', '10.2.0.0/16')
    .subnet('a', 'v', '10.1.1.0/24', 'us-east-1a')
    .subnet('b', 'v', '10.1.2.0/24', 'us-east-1b')
    .sg('sgA', 'v').sg('sgB', 'v').sg('sgW', 'w');
}

const connection = (topo: Topology, id: string) => topo.model.connections.get(id)!;

describe('a store located once for the connections that name it alike', () => {
  test('two connections with one URL, subnet and groups share one location, the same as each alone', () => {
    const m = twoSubnets()
      .connection('c1', 'a', ['sgA'], { url: 'jdbc:postgresql://10.1.2.10:5432/app' })
      .connection('c2', 'a', ['sgA'], { url: 'jdbc:postgresql://10.1.2.10:5432/app' });
    const topo = new Topology(m.model);
    const first = locateStoresShared(topo, connection(topo, 'c1'));
    const second = locateStoresShared(topo, connection(topo, 'c2'));
    expect(second).toBe(first);
    expect(second).toEqual(locateStores(topo, connection(topo, 'c2')));
    expect(first[0].subnetIds).toEqual({ known: true, value: ['b'] });
  });

  test('one URL, other groups: each connection gets its own groups', () => {
    const m = twoSubnets()
      .connection('c1', 'a', ['sgA'], { url: 'jdbc:postgresql://10.1.2.10:5432/app' })
      .connection('c2', 'a', ['sgB'], { url: 'jdbc:postgresql://10.1.2.10:5432/app' })
      .connection('c3', 'a', ['sgA', 'sgB'], { url: 'jdbc:postgresql://10.1.2.10:5432/app' });
    const topo = new Topology(m.model);
    const groups = ['c1', 'c2', 'c3'].map((id) => locateStoresShared(topo, connection(topo, id))[0].securityGroupIds);
    expect(groups).toEqual([{ known: true, value: ['sgA'] }, { known: true, value: ['sgB'] }, { known: true, value: ['sgA', 'sgB'] }]);
  });

  test('one host, other ports or schemes: each connection gets its own port', () => {
    const m = twoSubnets()
      .connection('pg', 'a', ['sgA'], { url: 'jdbc:postgresql://10.1.2.10/app' })
      .connection('my', 'a', ['sgA'], { url: 'jdbc:mysql://10.1.2.10/app' })
      .connection('pg2', 'a', ['sgA'], { url: 'jdbc:postgresql://10.1.2.10:6432/app' });
    const topo = new Topology(m.model);
    const ports = ['pg', 'my', 'pg2'].map((id) => locateStoresShared(topo, connection(topo, id))[0].port);
    expect(ports).toEqual([{ known: true, value: 5432 }, { known: true, value: 3306 }, { known: true, value: 6432 }]);
  });

  test('a location whose text names the connection is not shared: each text names its own connection', () => {
    // No port and no default for the scheme: "no port in the address of <id>".
    const m = twoSubnets()
      .connection('c1', 'a', ['sgA'], { url: 'jdbc:custom://10.1.2.10/app' })
      .connection('c2', 'a', ['sgA'], { url: 'jdbc:custom://10.1.2.10/app' })
      // Groups of another VPC than the store's: "the groups of connection <id> ...".
      .connection('w1', 'a', ['sgW'], { url: 'jdbc:postgresql://10.1.2.10:5432/app' })
      .connection('w2', 'a', ['sgW'], { url: 'jdbc:postgresql://10.1.2.10:5432/app' });
    const topo = new Topology(m.model);
    const [c1, c2, w1, w2] = ['c1', 'c2', 'w1', 'w2'].map((id) => locateStoresShared(topo, connection(topo, id))[0]);
    expect(c1.port).toEqual({ known: false, reason: 'no port in the address of c1' });
    expect(c2.port).toEqual({ known: false, reason: 'no port in the address of c2' });
    expect(w1.securityGroupIds.known ? '' : w1.securityGroupIds.reason).toContain('the groups of connection w1 ');
    expect(w2.securityGroupIds.known ? '' : w2.securityGroupIds.reason).toContain('the groups of connection w2 ');
  });

  test("a host nothing locates is assumed in each connection's own subnet", () => {
    const m = twoSubnets()
      .connection('c1', 'a', ['sgA'], { url: 'jdbc:postgresql://db.internal:5432/app' })
      .connection('c2', 'b', ['sgA'], { url: 'jdbc:postgresql://db.internal:5432/app' });
    const topo = new Topology(m.model);
    const subnets = ['c1', 'c2'].map((id) => locateStoresShared(topo, connection(topo, id))[0].subnetIds);
    expect(subnets).toEqual([{ known: true, value: ['a'] }, { known: true, value: ['b'] }]);
  });

  test('a declared store is the connection\'s own', () => {
    const m = twoSubnets()
      .connection('c1', 'a', ['sgA'], { url: 'jdbc:postgresql://db.internal:5432/app' })
      .connection('c2', 'a', ['sgA'], { url: 'jdbc:postgresql://db.internal:5432/app' })
      .declareStore('c2', { subnets: ['b'], groups: ['sgB'], port: 5432 });
    const topo = new Topology(m.model);
    const [c1, c2] = ['c1', 'c2'].map((id) => locateStoresShared(topo, connection(topo, id))[0]);
    expect([c1.locatedBy, c1.subnetIds]).toEqual(['connection-subnet', { known: true, value: ['a'] }]);
    expect([c2.locatedBy, c2.subnetIds]).toEqual(['declared', { known: true, value: ['b'] }]);
  });

  test('another model with the same ids gets its own locations', () => {
    const url = 'jdbc:postgresql://10.1.2.10:5432/app';
    const before = new Topology(twoSubnets().connection('c1', 'a', ['sgA'], { url }).model);
    const after = new Topology(model().vpc('v', '10.1.0.0/16').subnet('a', 'v', '10.1.1.0/24', 'us-east-1a').subnet('b2', 'v', '10.1.2.0/25', 'us-east-1b')
      .sg('sgA', 'v').connection('c1', 'a', ['sgA'], { url }).model);
    expect(locateStoresShared(before, connection(before, 'c1'))[0].subnetIds).toEqual({ known: true, value: ['b'] });
    expect(locateStoresShared(after, connection(after, 'c1'))[0].subnetIds).toEqual({ known: true, value: ['b2'] });
  });
});
