/**
 * Which `--additional-python-modules` URLs are objects of Amazon S3, and the Region their host
 * names: an S3 gateway endpoint reaches only buckets of its own Region (Amazon VPC, "Gateway
 * endpoints for Amazon S3"), so a host that names none leaves the path unknown.
 */
import { s3UrlOf } from '../../src/engine/python-modules';

describe('s3UrlOf: the S3 host of a module URL and the Region it names', () => {
  test.each([
    ['https://wheels.s3.us-east-1.amazonaws.com/a.whl', 'us-east-1'],
    ['https://my.wheels.s3.eu-west-1.amazonaws.com/a.whl', 'eu-west-1'],
    ['https://s3.us-west-2.amazonaws.com/wheels/a.whl', 'us-west-2'],
    ['https://s3-us-west-2.amazonaws.com/wheels/a.whl', 'us-west-2'],
    ['https://wheels.s3.dualstack.ap-southeast-2.amazonaws.com/a.whl', 'ap-southeast-2'],
    ['https://s3-fips.us-gov-west-1.amazonaws.com/wheels/a.whl', 'us-gov-west-1'],
    ['https://ap-111111111111.s3-accesspoint.us-east-1.amazonaws.com/a.whl', 'us-east-1'],
    ['https://wheels.s3.cn-north-1.amazonaws.com.cn/a.whl', 'cn-north-1'],
    ['https://{{ref:Etl/Bucket:}}.s3.us-east-1.amazonaws.com/a.whl', 'us-east-1'],
    ['HTTPS://Wheels.S3.US-EAST-1.amazonaws.com:443/a.whl', 'us-east-1'],
    // A bucket whose name has a label like S3's (was: read from that label, no Region shown).
    ['https://s3-wheels.s3.us-east-1.amazonaws.com/a.whl', 'us-east-1'],
    ['https://s3-wheels.s3-us-west-2.amazonaws.com/a.whl', 'us-west-2'],
    ['https://my.s3.wheels.s3.eu-west-1.amazonaws.com/a.whl', 'eu-west-1'],
  ])('%s: S3 in %s', (url, region) => {
    expect(s3UrlOf(url)).toEqual({ region });
  });

  test.each([
    'https://wheels.s3.amazonaws.com/a.whl',
    'https://s3.amazonaws.com/wheels/a.whl',
    'https://s3-external-1.amazonaws.com/wheels/a.whl',
    'https://wheels.s3-accelerate.amazonaws.com/a.whl',
    'http://wheels.s3-website-us-east-1.amazonaws.com/a.whl',
    'https://bucket.vpce-0a1b2c3d-e4f5g6h7.s3.us-east-1.vpce.amazonaws.com/wheels/a.whl',
    'https://wheels.s3.{{unknown:a parameter}}.amazonaws.com/a.whl',
  ])('%s: S3, no Region shown (a gateway endpoint may not carry it)', (url) => {
    expect(s3UrlOf(url)).toEqual({});
  });

  test.each([
    'https://github.com/example/lib/archive/v1.zip',
    'https://etl-111111111111.d.codeartifact.us-east-1.amazonaws.com/pypi/py/simple/lib/',
    'https://s3.example.com/wheels/a.whl',
    's3://wheels/a.whl',
    'pandas==2.2.2',
  ])('%s: not decided to be S3', (url) => {
    expect(s3UrlOf(url)).toBeUndefined();
  });
});
