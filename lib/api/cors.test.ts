import { describe, expect, it, vi } from 'vitest';

// Before the settings are first read: one allowed origin.
vi.hoisted(() => {
  process.env.API_CORS_ORIGINS = 'https://app.example.com';
});

import * as loginRoute from '@/app/api/v1/auth/login/route';
import * as meRoute from '@/app/api/v1/me/route';
import { call } from '@/tests/api';

const preflight = (origin: string) =>
  loginRoute.OPTIONS(
    new Request('http://localhost/api/v1/auth/login', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    }),
  );

describe('CORS for /api/v1', () => {
  it('an allowed origin gets its own origin back, never a wildcard and never credentials', async () => {
    const answer = preflight('https://app.example.com');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(answer.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('vary')).toBe('Origin');
  });

  it.each(['https://evil.example', 'https://app.example.com.evil.example', 'http://app.example.com', 'null'])(
    'another origin (%s) gets no allowance, on the preflight and on the answer',
    async (origin) => {
      expect(preflight(origin).headers.get('access-control-allow-origin')).toBeNull();
      const answer = await call(meRoute.GET, { method: 'GET', headers: { origin } });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('vary')).toBe('Origin');
    },
  );

  it('errors carry the allowance too, so an allowed page can read why it was refused', async () => {
    const answer = await call(meRoute.GET, { method: 'GET', headers: { origin: 'https://app.example.com' } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });
});
