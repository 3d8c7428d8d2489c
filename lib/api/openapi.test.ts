import { describe, expect, it } from 'vitest';
import { GET } from '@/app/api/v1/openapi.json/route';
import { operations } from './operations';

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with every operation, its body schema, its success and its refusals', async () => {
    const doc = await GET().json();
    expect(doc.openapi).toBe('3.1.0');
    for (const op of Object.values(operations)) {
      const described = doc.paths[op.path]?.[op.method];
      expect(described, `${op.method} ${op.path}`).toBeDefined();
      expect(Object.keys(described.responses)).toContain(String(op.ok.status));
      for (const status of Object.keys(op.errors)) {
        expect(described.responses[status].content['application/json'].schema).toBeDefined();
      }
      if (op.body) expect(described.requestBody.content['application/json'].schema).toBeDefined();
      else expect(described.requestBody).toBeUndefined();
      expect(described.security).toEqual(op.auth ? [{ bearer: [] }] : []);
    }
  });

  it("takes the forms' field rules from the same zod schemas (a change there shows here)", async () => {
    const doc = await GET().json();
    const login = doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema;
    expect(login.required).toEqual(['email', 'password']);
    expect(login.properties.email).toMatchObject({ type: 'string', maxLength: 254 });
    const verify = doc.paths['/api/v1/auth/mfa/verify'].post.requestBody.content['application/json'].schema;
    expect(verify.required).toEqual(['challengeToken', 'code']);
    expect(doc.paths['/api/v1/sessions/{id}'].delete.parameters[0]).toMatchObject({ in: 'path', name: 'id' });
  });
});
