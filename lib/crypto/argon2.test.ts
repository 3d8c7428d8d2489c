import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, DUMMY_ARGON2_HASH } from './argon2';

describe('DUMMY_ARGON2_HASH', () => {
  it('has the parameters and field sizes of a hash made now, so verifying against it costs the same', async () => {
    const { memoryCost, timeCost, parallelism } = ARGON2_PARAMS;
    expect(
      DUMMY_ARGON2_HASH.startsWith(`$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$`),
    ).toBe(true);
    const fresh = await hash('anything', ARGON2_PARAMS);
    const fields = (h: string) => h.split('$').map((f) => f.length);
    expect(fields(DUMMY_ARGON2_HASH)).toEqual(fields(fresh));
  });
});
