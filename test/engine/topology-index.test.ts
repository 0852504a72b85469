import { model } from './builders';
import { Topology } from '../../src/engine/topology';
import { parseAddress } from '../../src/model/cidr';

describe('Topology.subnetsContaining: the subnets an IP literal lies in', () => {
  // Nested blocks of several lengths (facts may describe a /8 "subnet"), out of order on purpose.
  const m = model()
    .vpc('wide', '10.0.0.0/8')
    .subnet('s8', 'wide', '10.0.0.0/8', 'az1')
    .vpc('v', '172.16.0.0/16')
    .subnet('x24', 'v', '172.16.9.0/24', 'az2')
    .subnet('s28', 'v', '172.16.1.16/28', 'az1')
    .subnet('s24', 'v', '172.16.1.0/24', 'az1')
    .subnet('other24', 'v', '172.16.2.0/24', 'az2')
    .subnet('s16', 'v', '172.16.0.0/16', 'az1');
  const topo = new Topology(m.model);
  const at = (ip: string) => topo.subnetsContaining(parseAddress(ip)!).map((s) => s.id);

  test('every enclosing block, in model order, whatever its prefix length', () => {
    expect(at('172.16.1.20')).toEqual(['s28', 's24', 's16']);
    expect(at('172.16.1.15')).toEqual(['s24', 's16']);
    expect(at('172.16.2.255')).toEqual(['other24', 's16']);
    expect(at('10.200.3.4')).toEqual(['s8']);
  });

  test('the edges of a block belong to it; the next address does not', () => {
    expect(at('172.16.1.31')).toEqual(['s28', 's24', 's16']);
    expect(at('172.16.1.32')).toEqual(['s24', 's16']);
    expect(at('172.17.0.0')).toEqual([]);
    expect(at('11.0.0.0')).toEqual([]);
  });

  test('agrees with a scan of every subnet on many addresses', () => {
    const subnets = [...m.model.subnets.values()].filter((s) => s.cidr.known);
    for (let i = 0; i < 2000; i++) {
      const address = i % 2 ? 0xac100000 + ((i * 7919) % 0x10000) : 0x0a000000 + ((i * 104729) % 0x1000000);
      const expected = subnets.filter((s) => s.cidr.known && s.cidr.value.first <= address && address <= s.cidr.value.last).map((s) => s.id);
      expect(topo.subnetsContaining(address).map((s) => s.id)).toEqual(expected);
    }
  });
});
