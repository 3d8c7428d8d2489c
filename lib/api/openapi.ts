import 'server-only';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { env } from '@/lib/env';
import { apiSessionIdSchema, errorBodySchema } from '@/lib/validation/api';
import { z as zod } from '@/lib/validation/zod';
import { type Operation, operations } from './operations';

/**
 * The OpenAPI 3.1 document of /api/v1, made from the operations the route handlers run
 * (./operations.ts) and their zod schemas: one definition, so the document cannot say one thing
 * while a handler accepts another. Built once per process.
 */
let document: ReturnType<typeof createDocument> | undefined;

export function openApiDocument() {
  document ??= build();
  return document;
}

function build() {
  const paths: ZodOpenApiPathsObject = {};
  for (const operation of Object.values(operations) as Operation[]) {
    paths[operation.path] = { ...paths[operation.path], [operation.method]: describe(operation) };
  }
  paths['/.well-known/jwks.json'] = {
    get: {
      summary: 'The public keys (ES256, with kid) that verify access tokens; cacheable 5 minutes',
      security: [],
      responses: {
        '200': { description: 'A JSON Web Key Set', content: { 'application/json': { schema: jwksSchema } } },
      },
    },
  };
  paths['/api/v1/openapi.json'] = {
    get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } },
  };
  const { APP_URL, APP_NAME } = env();
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: `${APP_NAME} API`,
      version: '1',
      description:
        'Sign in, the second step, tokens and account security for programs. Access tokens are ES256 JWTs (1 hour) verifiable with /.well-known/jwks.json; refresh tokens are opaque and work once.',
    },
    servers: [{ url: APP_URL }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    paths,
  });
}

/** What any operation may answer when the fault is ours. */
const FAULTS = {
  500: 'server_error: a fault on our side (nothing secret in the answer)',
  503: 'service_unavailable: the database is unreachable; Retry-After says when to try again',
};

const jwksSchema = zod.object({
  keys: zod.array(
    zod.object({
      kty: zod.literal('EC'),
      crv: zod.literal('P-256'),
      x: zod.string(),
      y: zod.string(),
      kid: zod.string(),
      alg: zod.literal('ES256'),
      use: zod.literal('sig'),
    }),
  ),
});

function describe(operation: Operation): ZodOpenApiOperationObject {
  const responses: ZodOpenApiOperationObject['responses'] = {
    [operation.ok.status]: {
      description: operation.ok.description,
      ...(operation.ok.schema ? { content: { 'application/json': { schema: operation.ok.schema } } } : {}),
    },
  };
  for (const [status, description] of Object.entries(operation.errors)) {
    responses[status as `${1 | 2 | 3 | 4 | 5}${string}`] = {
      description,
      content: { 'application/json': { schema: errorBodySchema } },
      ...(status === '429'
        ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
        : {}),
    };
  }
  for (const [status, description] of Object.entries(FAULTS)) {
    responses[status as `5${string}`] = {
      description,
      content: { 'application/json': { schema: errorBodySchema } },
    };
  }
  return {
    summary: operation.summary,
    ...(operation.auth ? { security: [{ bearer: [] }] } : { security: [] }),
    ...(operation.path.includes('{id}') ? { requestParams: { path: apiSessionIdSchema } } : {}),
    ...(operation.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: operation.body } } } }
      : {}),
    responses,
  };
}
