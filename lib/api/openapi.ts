import 'server-only';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { env } from '@/lib/env';
import { apiSessionIdSchema, errorBodySchema } from '@/lib/validation/api';
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
