import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../../infra/function-names';
import { ROUTES } from '../../../infra/routes';

/**
 * The route table (infra/routes.ts) is the one source for CDK and the local cloud; each function's router must
 * serve exactly the routes the table sends it, no more (a route nobody can reach) and no fewer (a 404 in AWS).
 */
describe('route table and routers agree', () => {
  const targets = FUNCTION_NAMES.filter((name) =>
    ROUTES.some((route) => route.target === name && name !== 'upload-url'),
  );

  it.each(targets)('%s serves exactly its routes', async (name) => {
    const module = (await import(`../../../functions/${name}/handler.ts`)) as { handler: { routeKeys?: string[] } };
    const expected = ROUTES.filter((route) => route.target === name).map((route) => `${route.method} ${route.path}`);
    expect([...(module.handler.routeKeys ?? [])].sort()).toEqual(expected.sort());
  });

  it('sends every route to a function that exists, once', () => {
    const keys = ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of ROUTES) expect(FUNCTION_NAMES).toContain(route.target);
  });
});
