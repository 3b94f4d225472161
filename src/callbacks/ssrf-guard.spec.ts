import { guardedLookup, isPublicAddress } from './ssrf-guard';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.255',
    '169.254.169.254', '169.254.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '192.0.0.8', '192.0.2.1',
    '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
    '::', '::1', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:127.0.0.1', '::ffff:10.0.0.1',
    '::ffff:169.254.169.254', '::ffff:192.168.0.1', '::127.0.0.1', '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::1', '2002:7f00:1::', '2002:c0a8:101::1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fc00::1', 'fd12:3456::1',
    'ff02::1', 'fec0::1', '2001:db8::1', '2001::1', '100::1',
    'not-an-ip', '', '1.2.3', '::ffff:999.0.0.1',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8', '1.1.1.1', '93.184.216.34', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '169.253.1.1',
    '192.169.0.1', '11.0.0.1', '223.255.255.255', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8',
    '64:ff9b::808:808', '2002:808:808::1',
  ])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('guardedLookup', () => {
  const lookup = (host: string, all: boolean) =>
    new Promise<{ error: Error | null; result: unknown }>((resolve) =>
      guardedLookup(host, { all }, (error, result) => resolve({ error, result })),
    );

  it('refuses a name that resolves to loopback', async () => {
    const { error } = await lookup('localhost', true);
    expect(error?.name).toBe('DestinationRefusedError');
    expect((await lookup('localhost', false)).error?.name).toBe('DestinationRefusedError');
  });
});
