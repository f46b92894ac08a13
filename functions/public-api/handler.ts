import { publicRouteHandler } from '../../shared/http/http-handler';
import { evaluationRoutes } from './evaluation-routes';
import { verifyRoutes } from './verify-routes';

/**
 * The routes anyone may call without signing in: certificate verification and download by signed link, and the
 * evaluation form by personal link. This function shares no role with the signed-in routes.
 */
export const handler = publicRouteHandler({ ...verifyRoutes, ...evaluationRoutes });
