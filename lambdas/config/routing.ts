/** Routing read from the environment (`ROUTING_ENV`): the Lambda's routes, and `replay`'s when no settings file has any. */
import { parseAccountOrganizationalUnits, routesFromJson, type Route } from '../core/routing.js';
import { ROUTING_ENV } from './env.js';

/** What `ROUTING_ENV` holds; a variable that is unset or empty gives `undefined`. */
export interface RoutingFromEnvironment {
  routes?: Route[];
  accountOrganizationalUnits?: Record<string, string[]>;
}

/**
 * Reads and validates `DENIAL_ALERTER_ROUTES` and `DENIAL_ALERTER_ACCOUNT_OUS`.
 *
 * @throws Error naming the variable and the bad key.
 */
export function routingFromEnvironment(env: NodeJS.ProcessEnv): RoutingFromEnvironment {
  const named = <T>(name: string, read: () => T): T => {
    try {
      return read();
    } catch (error) {
      throw new Error(`environment variable ${name}: ${(error as Error).message}`);
    }
  };
  const routes = named(ROUTING_ENV.routes, () => routesFromJson(env[ROUTING_ENV.routes]));
  const units = env[ROUTING_ENV.accountOrganizationalUnits];
  const accountOrganizationalUnits =
    units === undefined || units.trim() === '' ? undefined : named(ROUTING_ENV.accountOrganizationalUnits, () => parseAccountOrganizationalUnits(JSON.parse(units)));
  return { ...(routes ? { routes } : {}), ...(accountOrganizationalUnits ? { accountOrganizationalUnits } : {}) };
}
