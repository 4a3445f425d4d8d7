/**
 * Server-rendered pages: one Nunjucks environment over govuk-frontend's templates, the platform's
 * layout and every module's `views/` folder, `reply.page(template, context)` to render in the layout,
 * and the compiled stylesheet and scripts under /assets/.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import nunjucks from 'nunjucks';
import { assetPaths, ensureAssets } from './build-css.ts';
import { brandStyle, DEFAULT_BRAND, resolveBrand } from './brand.ts';
import { errorList, formField } from './form-fields.ts';
import { formatDate, formatDateTime, formatMonth, isIsoDate } from '../dates.ts';
import { todayInLondon } from '../london-time.ts';

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a template in the layout, with the common page context, and sends it as HTML. */
    page(template: string, context?: object): Promise<FastifyReply>;
  }
}

export const SERVICE_NAME = 'Jointly';

const templatesDir = fileURLToPath(new URL('./templates/', import.meta.url));
const platformViewsDir = fileURLToPath(new URL('./', import.meta.url));

function subfolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(dir, entry.name));
}

/**
 * Where templates are looked up, in order: the layout and shared templates, govuk-frontend
 * (`govuk/components/…`), then each module's `views/` folder and those of its parts or feature
 * folders (`src/<module>/views/`, `src/platform/<part>/views/`, `src/frontdoor/<feature>/views/`).
 */
export function templateSearchPaths(root = assetPaths.projectRoot): string[] {
  const src = path.join(root, 'src');
  const modules = subfolders(src);
  const moduleViews = [...modules, ...modules.flatMap(subfolders)]
    .map((folder) => path.join(folder, 'views'))
    .filter((folder) => existsSync(folder) && path.resolve(folder) !== path.resolve(platformViewsDir));
  return [templatesDir, path.join(path.dirname(assetPaths.govukPackageJson), 'dist'), ...moduleViews];
}

export interface ViewsOptions {
  /** More template folders, searched after the others (tests use this for fixture pages). */
  templatePaths?: string[];
}

export function createViewEnvironment(
  options: { noCache?: boolean; templatePaths?: string[] } = {},
): nunjucks.Environment {
  const searchPaths = [...templateSearchPaths(), ...(options.templatePaths ?? [])];
  const loader = new nunjucks.FileSystemLoader(searchPaths, { noCache: options.noCache ?? false });
  const env = new nunjucks.Environment(loader, {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addGlobal('serviceName', SERVICE_NAME);
  env.addFilter('errorList', errorList);
  env.addFilter('formField', formField);
  // A calendar date as it is; an instant as the day it fell on in London.
  env.addFilter('date', (iso: unknown) => {
    if (typeof iso !== 'string' || iso === '') return iso;
    if (isIsoDate(iso)) return formatDate(iso);
    const at = new Date(iso);
    return Number.isNaN(at.getTime()) ? iso : formatDate(todayInLondon(at));
  });
  env.addFilter('month', (value: unknown) => (typeof value === 'string' ? formatMonth(value) : value));
  env.addFilter('dateTime', (iso: unknown) =>
    typeof iso === 'string' && iso !== '' ? formatDateTime(new Date(iso)) : iso,
  );
  return env;
}

export interface NavigationItem {
  href: string;
  text: string;
  current: boolean;
  active: boolean;
}

const NAVIGATION = [
  { href: '/partnerships', text: 'Partnerships' },
  { href: '/responsible', text: 'Who is responsible?' },
  { href: '/api/docs', text: 'API' },
];

/** The service navigation for a path: the page's own link is `current`, a parent section's `active`. */
export function navigationFor(currentPath: string, signedIn: boolean): NavigationItem[] {
  const items = signedIn
    ? [
        ...NAVIGATION.slice(0, 2),
        { href: '/desk', text: 'Cases' },
        { href: '/outbox', text: 'Messages' },
        ...NAVIGATION.slice(2),
      ]
    : [...NAVIGATION, { href: '/sign-in', text: 'Sign in' }];
  return items.map((item) => ({
    ...item,
    current: currentPath === item.href,
    active: currentPath !== item.href && currentPath.startsWith(`${item.href}/`),
  }));
}

function signedInName(request: FastifyRequest): string | undefined {
  const principal = (request as unknown as { principal?: unknown }).principal;
  if (typeof principal !== 'object' || principal === null) return undefined;
  const name = (principal as { displayName?: unknown }).displayName;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function csrfTokenFor(reply: FastifyReply): string | undefined {
  const generate = (reply as unknown as { generateCsrf?: unknown }).generateCsrf;
  if (typeof generate !== 'function') return undefined;
  try {
    const token: unknown = generate.call(reply);
    return typeof token === 'string' ? token : undefined;
  } catch (error) {
    reply.log.warn({ err: error }, 'could not generate a CSRF token for the page');
    return undefined;
  }
}

/** The context every page gets, merged over the page's own. */
export function pageContext(reply: FastifyReply, context: object): Record<string, unknown> {
  const own = context as Record<string, unknown>;
  const nonces = (reply as unknown as { cspNonce?: { script?: string; style?: string } | null }).cspNonce;
  const currentPath = reply.request.url.split('?')[0] ?? '/';
  const displayName = signedInName(reply.request);
  const brand = 'brand' in own && own.brand !== undefined ? resolveBrand(own.brand) : DEFAULT_BRAND;
  return {
    ...own,
    cspNonce: nonces?.script,
    styleNonce: nonces?.style,
    currentPath,
    user: displayName === undefined ? undefined : { displayName },
    csrfToken: typeof own.csrfToken === 'string' ? own.csrfToken : csrfTokenFor(reply),
    brand,
    brandStyle: brandStyle(brand),
    navigation: navigationFor(currentPath, displayName !== undefined),
  };
}

function render(env: nunjucks.Environment, template: string, context: object): Promise<string> {
  return new Promise((resolve, reject) => {
    env.render(template, context, (error, html) => {
      if (error) reject(error);
      else resolve(html ?? '');
    });
  });
}

const viewsPlugin: FastifyPluginAsync<ViewsOptions> = async (fastify, options) => {
  await ensureAssets();
  const env = createViewEnvironment({
    noCache: process.env.NODE_ENV === 'development',
    templatePaths: options.templatePaths ?? [],
  });

  fastify.decorateReply(
    'page',
    async function page(this: FastifyReply, template: string, context: object = {}): Promise<FastifyReply> {
      const html = await render(env, template, pageContext(this, context));
      return this.type('text/html; charset=utf-8').send(html);
    },
  );

  await fastify.register(async (assets) => {
    await assets.register(fastifyStatic, {
      root: [assetPaths.buildDir, assetPaths.staticDir],
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      maxAge: process.env.NODE_ENV === 'production' ? '1h' : 0,
    });
  });
};

export const views = fp(viewsPlugin, { name: 'jointly-views', fastify: '5.x' });
