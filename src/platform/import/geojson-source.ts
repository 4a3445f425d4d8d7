/**
 * Streaming GeoJSON: the features of a FeatureCollection one at a time, however large the file,
 * with progress in bytes. Invalid JSON is an ImportError naming the line and column where the
 * text stops making sense.
 */
import fs from 'node:fs';
import chain, { none } from 'stream-chain';
import { parser, type Token } from 'stream-json/parser.js';
import Assembler from 'stream-json/assembler.js';
import verifier from 'stream-json/utils/verifier.js';
import { ImportError } from './import-error.ts';
import type { Progress } from './progress.ts';
import { textOnly } from './text-check.ts';

/** The most numbers (two per position) one feature may hold: full-resolution outlines have fewer. */
export const MAX_FEATURE_NUMBERS = 4_000_000;

export interface GeoFeature {
  /** Position of the feature in the collection, from 0. */
  index: number;
  properties: Record<string, unknown>;
  geometry: unknown;
}

/** The features of a GeoJSON FeatureCollection, in order. */
export async function* readFeatures(
  file: string,
  progress?: Progress,
  maxFeatureNumbers: number = MAX_FEATURE_NUMBERS,
): AsyncGenerator<GeoFeature> {
  const size = await fileSize(file);
  if (size === 0) throw new ImportError('is empty: a GeoJSON FeatureCollection is needed', { file });
  const source = fs.createReadStream(file);
  const collection = new FeatureCollectionReader(file, maxFeatureNumbers);
  const features = chain([
    source,
    textOnly(file, { dropBom: true }),
    parser({ streamValues: false }),
    (token: Token) => collection.take(token),
  ]);
  source.on('error', (error) => features.destroy(error));
  let reported = 0;
  if (progress) {
    source.on('data', (chunk) => {
      reported += chunk.length;
      progress.tick(chunk.length);
    });
  }
  try {
    for await (const feature of features as AsyncIterable<GeoFeature>) yield feature;
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw await jsonSyntaxError(file, error);
  } finally {
    source.destroy();
    features.destroy();
  }
  collection.finish();
  if (progress && reported < size) progress.tick(size - reported);
}

/**
 * Reads parser tokens one at a time (synchronously: a file has hundreds of thousands of them) and
 * gives back each feature of the collection once it is whole.
 */
class FeatureCollectionReader {
  #depth = 0;
  #topKey: string | null = null;
  #inFeatures = false;
  #sawFeatures = false;
  #index = 0;
  #feature: Assembler | null = null;
  #numbers = 0;

  constructor(
    private readonly file: string,
    private readonly maxNumbers: number,
  ) {}

  take(token: Token): GeoFeature | typeof none {
    const feature = this.#feature;
    if (feature) {
      // A feature is assembled whole in memory: one with more numbers than any real boundary has
      // is refused, not read.
      if (token.name === 'numberValue' && ++this.#numbers > this.maxNumbers) {
        throw new ImportError(
          `feature ${this.#index} has more than ${this.maxNumbers / 2} positions: ` +
            'simplify it (generalised boundaries have a few thousand)',
          { file: this.file },
        );
      }
      feature.consume(token);
      if (!feature.done) return none;
      this.#feature = null;
      return asFeature(this.file, this.#index++, feature.current);
    }
    if (this.#depth === 0 && token.name !== 'startObject')
      throw this.#notCollection('the file is not a JSON object');
    if (this.#inFeatures && this.#depth === 2) {
      if (token.name === 'endArray') {
        this.#inFeatures = false;
        this.#depth--;
        return none;
      }
      if (token.name !== 'startObject') {
        throw new ImportError(`feature ${this.#index} is not an object`, { file: this.file });
      }
      this.#feature = new Assembler();
      this.#numbers = 0;
      this.#feature.consume(token);
      return none;
    }
    if (this.#depth === 1 && token.name === 'keyValue') {
      this.#topKey = token.value;
      return none;
    }
    if (this.#depth === 1 && token.name !== 'endObject') {
      // The value of a top-level member.
      const key = this.#topKey;
      this.#topKey = null;
      if (key === 'type' && (token.name !== 'stringValue' || token.value !== 'FeatureCollection')) {
        throw this.#notCollection(
          `its type is ${token.name === 'stringValue' ? `"${token.value}"` : 'not a text'}`,
        );
      }
      if (key === 'features') {
        if (token.name !== 'startArray') throw this.#notCollection('"features" is not an array');
        this.#inFeatures = this.#sawFeatures = true;
      }
    }
    if (token.name === 'startObject' || token.name === 'startArray') this.#depth++;
    else if (token.name === 'endObject' || token.name === 'endArray') this.#depth--;
    return none;
  }

  /** At the end of the file: a collection must have had its features. */
  finish(): void {
    if (!this.#sawFeatures) throw this.#notCollection('it has no "features" array');
  }

  #notCollection(problem: string): ImportError {
    return new ImportError(`is not a GeoJSON FeatureCollection: ${problem}`, { file: this.file });
  }
}

/** The size of a GeoJSON file in bytes (for progress), or an ImportError if it cannot be read. */
export async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.promises.stat(file)).size;
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ImportError(code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? error})`, { file });
  }
}

function asFeature(file: string, index: number, value: unknown): GeoFeature {
  const object = value as { type?: unknown; properties?: unknown; geometry?: unknown };
  if (object.type !== 'Feature') {
    throw new ImportError(`feature ${index} has type ${JSON.stringify(object.type)}, not "Feature"`, {
      file,
    });
  }
  const properties =
    object.properties && typeof object.properties === 'object' && !Array.isArray(object.properties)
      ? (object.properties as Record<string, unknown>)
      : {};
  return { index, properties, geometry: object.geometry ?? null };
}

/** The parser stops without saying where; the verifier reads the file again to find the place. */
export async function jsonSyntaxError(file: string, error: unknown): Promise<Error> {
  const reason =
    error instanceof Error ? error.message.replace(/^Parser cannot parse input: /, '') : String(error);
  try {
    await new Promise<void>((resolve, reject) => {
      const check = chain([fs.createReadStream(file), verifier()]);
      check.on('error', reject);
      check.on('finish', resolve);
      check.on('end', resolve);
      check.resume();
    });
  } catch (found) {
    const place = found as { line?: unknown; pos?: unknown };
    if (typeof place.line === 'number' && typeof place.pos === 'number') {
      return new ImportError(
        `is not valid JSON (${reason})`,
        { file, line: place.line, column: String(place.pos) },
        { cause: error },
      );
    }
  }
  return new ImportError(`is not valid JSON (${reason})`, { file }, { cause: error });
}
