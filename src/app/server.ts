/**
 * The web application: one Fastify instance built from the services the composition root made.
 * Each module contributes its routes as a plugin; nothing here knows a table.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppServices } from './services.ts';
import { answerClientError, errorHandling } from '../platform/index.ts';
import { views } from '../platform/index.ts';
import { authentication } from '../platform/index.ts';
import { accessPages } from '../platform/index.ts';
import { geographyRoutes } from '../geography/index.ts';
import { registerApiRoutes } from '../register/index.ts';
import { registerPages } from '../register/index.ts';
import {
  casesApiRoutes,
  deskPages,
  outboxViewerPages,
  serviceInformationPages,
  residentPages,
  open311Routes,
} from '../frontdoor/index.ts';
import { financeApiRoutes, financePages, rulePages, savingsPages } from '../finance/index.ts';
import {
  councilDecisionPages,
  decisionFeeds,
  proposalApiRoutes,
  sovereigntyPages,
} from '../governance/index.ts';
import { measuresApiRoutes } from '../performance/index.ts';
import { appraisalPages, programmeApiRoutes, programmePages, riskPages } from '../governance/index.ts';
import { localityPages } from '../performance/index.ts';
import { benchmarkPages, reportPages } from '../performance/index.ts';
import { proposalDraftPages, proposalPages } from '../governance/index.ts';
import { meetingPages, paperUploads } from '../governance/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
  }
}

export interface ServerOptions {
  logger?: FastifyServerOptions['logger'];
  /** Told of every route as it is added (tests enumerate the application's routes with it). */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildServer(
  services: AppServices,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    // A request Node cannot read (a URL or headers too long) gets a page or problem document.
    clientErrorHandler: answerClientError,
    ajv: { customOptions: { allErrors: true, coerceTypes: true, removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.decorate('services', services);
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: services.config.cookieSecure,
  });
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  // Meeting papers come as multipart forms, read before the session's CSRF check needs their token.
  await app.register(paperUploads);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Jointly API',
        version: '1',
        description:
          'The partnership register: who delivers which service, where, for whom and under what arrangement.',
      },
      servers: [{ url: services.config.publicUrl }],
      components: {
        securitySchemes: {
          apiToken: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API token made with "jointly token add" or on /account: it acts as its account. ' +
              'Changes sent with the session cookie instead need the X-CSRF-Token header of the page.',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  await app.register(errorHandling);
  await app.register(views);
  await app.register(authentication);

  app.get('/health', { schema: { hide: true } }, async () => ({
    status: 'ok',
    engine: services.database.kind,
  }));
  await app.register(geographyRoutes, { prefix: '/api/v1' });
  await app.register(registerApiRoutes, { prefix: '/api/v1' });
  await app.register(casesApiRoutes, { prefix: '/api/v1' });
  await app.register(financeApiRoutes, { prefix: '/api/v1' });
  await app.register(proposalApiRoutes, { prefix: '/api/v1' });
  await app.register(programmeApiRoutes, { prefix: '/api/v1' });
  await app.register(measuresApiRoutes, { prefix: '/api/v1' });
  await app.register(accessPages);
  await app.register(registerPages);
  await app.register(deskPages);
  await app.register(outboxViewerPages);
  await app.register(serviceInformationPages);
  await app.register(residentPages);
  await app.register(financePages);
  await app.register(savingsPages);
  await app.register(rulePages);
  await app.register(proposalPages);
  await app.register(proposalDraftPages);
  await app.register(decisionFeeds);
  await app.register(councilDecisionPages);
  await app.register(sovereigntyPages);
  await app.register(programmePages);
  await app.register(riskPages);
  await app.register(appraisalPages);
  await app.register(meetingPages);
  await app.register(localityPages);
  await app.register(reportPages);
  await app.register(benchmarkPages);
  await app.register(open311Routes, { prefix: '/open311/v2' });
  return app;
}
