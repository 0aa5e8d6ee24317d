import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchTotp, newTotpSecret, totpCode } from './totp.js';

// RFC 6238 appendix B: the SHA-1 key is "12345678901234567890"; 8-digit codes.
const RFC_KEY = Buffer.from('12345678901234567890');

describe('TOTP', () => {
  it.each([
    { seconds: 59, code: '94287082' },
    { seconds: 1111111109, code: '07081804' },
    { seconds: 1111111111, code: '14050471' },
    { seconds: 1234567890, code: '89005924' },
    { seconds: 2000000000, code: '69279037' },
    { seconds: 20000000000, code: '65353130' },
  ])('matches the RFC 6238 vector at $seconds s', ({ seconds, code }) => {
    expect(hotp(RFC_KEY, Math.floor(seconds / 30), 8)).toBe(code);
  });

  it('matches the RFC 4226 HOTP vectors', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(RFC_KEY, counter))).toEqual(expected);
  });

  it('round-trips base32 and accepts codes one step either side of now, not two', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Encode(base32Decode(secret))).toBe(secret);
    const now = 1_800_000_015_000;
    for (const offset of [-30_000, 0, 30_000])
      expect(matchTotp(secret, totpCode(secret, now + offset), now)).toBe(Math.floor((now + offset) / 30_000));
    expect(matchTotp(secret, totpCode(secret, now - 60_000), now)).toBeUndefined();
    expect(matchTotp(secret, totpCode(secret, now + 60_000), now)).toBeUndefined();
    expect(matchTotp(secret, 'abcdef', now)).toBeUndefined();
  });
});
