/**
 * Front-end assets: compiles styles/app.scss (govuk-frontend through Dart Sass) into
 * public/build/app.css and copies govuk-frontend's JavaScript beside it. The web server calls
 * `ensureAssets()` at start, which only rebuilds what is missing or older than its sources, so a
 * fresh clone needs no separate build step. `npm run build:css` forces a rebuild.
 */
import { createRequire } from 'node:module';
import { mkdir, readdir, rename, rm, stat, copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const govukDist = path.join(
  path.dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json')),
  'dist',
  'govuk',
);

const autocompleteDist = path.join(
  path.dirname(createRequire(import.meta.url).resolve('accessible-autocomplete/package.json')),
  'dist',
);

export const assetPaths = {
  projectRoot,
  /** Compiled and copied files, served under /assets/. Not committed. */
  buildDir: path.join(projectRoot, 'public', 'build'),
  /** Hand-written static files (favicon, the script that starts govuk-frontend), served under /assets/. */
  staticDir: fileURLToPath(new URL('./assets/', import.meta.url)),
  stylesDir: fileURLToPath(new URL('./styles/', import.meta.url)),
  stylesEntry: fileURLToPath(new URL('./styles/app.scss', import.meta.url)),
  css: path.join(projectRoot, 'public', 'build', 'app.css'),
  govukPackageJson: path.join(govukDist, '..', '..', 'package.json'),
  govukScripts: [
    ...['govuk-frontend.min.js', 'govuk-frontend.min.js.map'].map((file) => path.join(govukDist, file)),
    // GOV.UK's accessible-autocomplete, which enhances a plain <select> of services (served from here, no CDN).
    ...[
      'accessible-autocomplete.min.js',
      'accessible-autocomplete.min.js.map',
      'accessible-autocomplete.min.css',
      'accessible-autocomplete.min.css.map',
    ].map((file) => path.join(autocompleteDist, file)),
  ],
} as const;

async function modifiedAt(file: string): Promise<number | null> {
  try {
    return (await stat(file)).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
async function writeAtomically(file: string, contents: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(temporary, contents);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function copyAtomically(from: string, to: string): Promise<void> {
  const temporary = `${to}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await copyFile(from, temporary);
    await rename(temporary, to);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Compiles app.scss to public/build/app.css, whatever the state of the output. */
export async function compileCss(): Promise<void> {
  // Loaded here, not at the top: every server and test process imports this file for the asset
  // paths, and only the one that finds the styles stale compiles them.
  const { compileAsync, NodePackageImporter } = await import('sass');
  const result = await compileAsync(assetPaths.stylesEntry, {
    importers: [new NodePackageImporter(projectRoot)],
    style: 'compressed',
    quietDeps: true,
  });
  await mkdir(assetPaths.buildDir, { recursive: true });
  await writeAtomically(assetPaths.css, result.css);
}

/** True when app.css is missing or older than a stylesheet, this builder or the govuk-frontend release. */
export async function cssIsStale(): Promise<boolean> {
  const built = await modifiedAt(assetPaths.css);
  if (built === null) return true;
  const sources = [
    ...(await filesUnder(assetPaths.stylesDir)),
    assetPaths.govukPackageJson,
    fileURLToPath(import.meta.url),
  ];
  for (const source of sources) {
    const changed = await modifiedAt(source);
    if (changed !== null && changed > built) return true;
  }
  return false;
}

let compiling: Promise<boolean> | undefined;

/** Compiles the stylesheet if it is missing or stale. Resolves to true when it compiled. */
export function ensureCss(options: { force?: boolean } = {}): Promise<boolean> {
  compiling ??= (async () => {
    try {
      if (!options.force && !(await cssIsStale())) return false;
      await compileCss();
      return true;
    } finally {
      compiling = undefined;
    }
  })();
  return compiling;
}

/** Copies govuk-frontend's and accessible-autocomplete's browser files into public/build when missing or stale. */
export async function ensureScripts(options: { force?: boolean } = {}): Promise<void> {
  await mkdir(assetPaths.buildDir, { recursive: true });
  for (const source of assetPaths.govukScripts) {
    const target = path.join(assetPaths.buildDir, path.basename(source));
    const copied = await modifiedAt(target);
    const original = await modifiedAt(source);
    if (options.force || copied === null || (original !== null && original > copied)) {
      await copyAtomically(source, target);
    }
  }
}

export async function ensureAssets(options: { force?: boolean } = {}): Promise<void> {
  await Promise.all([ensureCss(options), ensureScripts(options)]);
}

const runAsScript = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runAsScript) {
  const started = performance.now();
  await ensureAssets({ force: true });
  const took = Math.round(performance.now() - started);
  process.stdout.write(`Built ${path.relative(process.cwd(), assetPaths.css)} and scripts in ${took} ms\n`);
}
