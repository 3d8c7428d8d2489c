import { describe, expect, it } from 'vitest';
import { ipBucket } from './ip-bucket';

describe('ipBucket', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(ipBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(ipBucket(' 203.0.113.7 ')).toBe('203.0.113.7');
    expect(ipBucket('203.0.113.8')).not.toBe(ipBucket('203.0.113.7'));
  });

  it('groups every address of one IPv6 /64, however it is written', () => {
    const forms = [
      '2001:db8:1:2:3:4:5:6',
      '2001:db8:1:2::9',
      '2001:0db8:0001:0002:ffff:ffff:ffff:ffff',
      '2001:DB8:1:2::A',
      '2001:db8:1:2::',
      '[2001:db8:1:2::1]',
      '2001:db8:1:2::1.2.3.4',
    ];
    expect(new Set(forms.map(ipBucket))).toEqual(new Set(['2001:db8:1:2::/64']));
  });

  it('keeps neighbouring /64s apart, also when the difference is inside a compressed run', () => {
    expect(ipBucket('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(ipBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipBucket('2001:db8::1:0:0:1')).toBe('2001:db8:0:0::/64');
    expect(ipBucket('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64');
    expect(ipBucket('1::')).toBe('1:0:0:0::/64');
    expect(ipBucket('::1')).toBe('0:0:0:0::/64');
    expect(ipBucket('::')).toBe('0:0:0:0::/64');
  });

  it('drops a zone id', () => {
    expect(ipBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(ipBucket('fe80::2%25wlan0')).toBe('fe80:0:0:0::/64');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address, in every spelling', () => {
    for (const mapped of ['::ffff:1.2.3.4', '::FFFF:1.2.3.4', '::ffff:102:304', '0:0:0:0:0:ffff:1.2.3.4']) {
      expect(ipBucket(mapped), mapped).toBe('1.2.3.4');
    }
    // Other embeddings of IPv4 are ordinary IPv6 prefixes.
    expect(ipBucket('64:ff9b::1.2.3.4')).toBe('64:ff9b:0:0::/64');
    expect(ipBucket('::1.2.3.4')).toBe('0:0:0:0::/64');
  });

  it('gives anything that is not an address back as it is (its own bucket)', () => {
    for (const garbage of ['unknown', '', 'not an ip', '1.2.3', '1.2.3.256', '2001:db8::g', '1::2::3']) {
      expect(ipBucket(garbage), garbage).toBe(garbage);
    }
    expect(ipBucket('::ffff:999.1.1.1')).toBe('::ffff:999.1.1.1');
  });
});
