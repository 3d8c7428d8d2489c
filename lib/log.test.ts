import { describe, expect, it } from 'vitest';
import { describeFailure } from './log';

describe('describeFailure', () => {
  it('keeps a database error’s query and code, never its parameters', () => {
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
    });
    const error = new Error(
      `Failed query: update "users" set "password_hash" = $1 where "id" = $2\nparams: ${hash},a-user-id`,
      {
        cause,
      },
    );
    const logged = describeFailure(error);
    expect(logged).toBe(
      'Error [23505]: Failed query: update "users" set "password_hash" = $1 where "id" = $2',
    );
    expect(logged).not.toContain(hash);
    expect(logged).not.toContain('a-user-id');
  });

  it('says little about what is not an Error', () => {
    expect(describeFailure({ message: 'secret' })).toBe('unknown error');
    expect(describeFailure('secret')).toBe('unknown error');
  });
});
