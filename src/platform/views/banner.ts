/**
 * The success banner a page shows after a form, named by its `done` query parameter. Only the
 * page's own banners are named: any other word (`__proto__`, `constructor`) shows none.
 */
export const bannerFor = (banners: Readonly<Record<string, string>>, done: unknown): string | null =>
  typeof done === 'string' && Object.hasOwn(banners, done) ? banners[done]! : null;
