/**
 * Council branding on pages: a name, a colour and an optional logo. The colour is only ever used
 * through CSS custom properties built here from a validated hex value, with a text colour chosen
 * so that text on the brand colour meets WCAG 2.2 AA contrast.
 */
export interface Brand {
  name: string;
  colour: string;
  logoUrl: string | null;
}

export const DEFAULT_BRAND: Brand = { name: 'Jointly', colour: '#0f4c5c', logoUrl: null };

/** WCAG 2.2 AA minimum contrast for normal-size text. */
export const AA_NORMAL_TEXT = 4.5;

const WHITE = '#ffffff';
const BLACK = '#000000';

/** `#rgb` or `#rrggbb` as lowercase `#rrggbb`, or null for anything else. */
export function normaliseHexColour(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!match?.[1]) return null;
  const hex = match[1].toLowerCase();
  const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join('') : hex;
  return `#${full}`;
}

function channels(hex: string): [number, number, number] {
  const colour = normaliseHexColour(hex);
  if (colour === null) throw new TypeError(`Not a hex colour: ${hex}`);
  return [1, 3, 5].map((start) => parseInt(colour.slice(start, start + 2), 16)) as [number, number, number];
}

/** Relative luminance as defined by WCAG 2.x. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = channels(hex).map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Contrast ratio between two colours, from 1 (none) to 21 (black on white). */
export function contrastRatio(first: string, second: string): number {
  const a = relativeLuminance(first);
  const b = relativeLuminance(second);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/**
 * White or black, whichever contrasts more with the background. For every colour the better of the
 * two reaches at least 4.58:1, so text on any brand colour meets AA.
 */
export function readableTextColour(background: string): string {
  return contrastRatio(background, WHITE) >= contrastRatio(background, BLACK) ? WHITE : BLACK;
}

/** A logo address the page's Content-Security-Policy allows: a same-site path or an image data URL. */
export function safeLogoUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const url = value.trim();
  if (/^\/(?![/\\])[^\s"'<>()\\]*$/.test(url)) return url;
  if (/^data:image\/(png|gif|jpeg|webp|svg\+xml);base64,[a-z0-9+/=]+$/i.test(url)) return url;
  return null;
}

/** A brand from untrusted input: a missing name, bad colour or unsafe logo falls back to the default. */
export function resolveBrand(value: unknown): Brand {
  if (typeof value !== 'object' || value === null) return DEFAULT_BRAND;
  const candidate = value as Partial<Record<keyof Brand, unknown>>;
  const name =
    typeof candidate.name === 'string' && candidate.name.trim() !== '' ? candidate.name.trim() : null;
  return {
    name: name ?? DEFAULT_BRAND.name,
    colour: normaliseHexColour(candidate.colour) ?? DEFAULT_BRAND.colour,
    logoUrl: safeLogoUrl(candidate.logoUrl),
  };
}

export interface BrandStyle {
  colour: string;
  textColour: string;
  /** A `:root` rule setting the brand's custom properties, safe to place in a `<style>` element. */
  css: string;
}

export function brandStyle(brand: Brand): BrandStyle {
  const colour = normaliseHexColour(brand.colour) ?? DEFAULT_BRAND.colour;
  const textColour = readableTextColour(colour);
  return {
    colour,
    textColour,
    css: `:root{--app-brand-colour:${colour};--app-brand-text-colour:${textColour}}`,
  };
}

/** The brand of an organisation as the register and the front door describe it, for a page. */
export function brandOf(org: { name: string; brandColour: string; logoUrl: string | null }): Brand {
  return { name: org.name, colour: org.brandColour, logoUrl: org.logoUrl };
}
