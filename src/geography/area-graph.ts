/**
 * The areas and what contains each of them, held in memory: a council area's parent (district →
 * county → region) and the clusters and localities that list it as a member. Areas are shared
 * reference data that change only when councils are imported or the demo is loaded, so lookups
 * read them from here rather than asking the database each time.
 */
import type { AreaRecord } from './geography.repository.ts';

export interface AreaMembership {
  areaCode: string;
  memberCode: string;
}

export class AreaGraph {
  private constructor(
    private readonly areas: ReadonlyMap<string, AreaRecord>,
    private readonly containers: ReadonlyMap<string, readonly string[]>,
  ) {}

  static build(areas: readonly AreaRecord[], memberships: readonly AreaMembership[]): AreaGraph {
    const byCode = new Map(areas.map((a) => [a.code, a] as const));
    const containers = new Map<string, string[]>();
    const contain = (member: string, container: string) => {
      if (!byCode.has(container)) return;
      const list = containers.get(member) ?? [];
      if (!list.includes(container)) list.push(container);
      containers.set(member, list);
    };
    for (const area of areas) if (area.parentCode) contain(area.code, area.parentCode);
    for (const m of memberships) contain(m.memberCode, m.areaCode);
    return new AreaGraph(byCode, containers);
  }

  get size(): number {
    return this.areas.size;
  }

  /**
   * The areas with these codes and every area containing them, however far up, each once, in the
   * order they are reached. Codes with no area are left out.
   */
  covering(codes: readonly string[]): AreaRecord[] {
    const seen = new Set<string>();
    const queue = codes.filter((code) => this.areas.has(code));
    const found: AreaRecord[] = [];
    while (queue.length > 0) {
      const code = queue.shift()!;
      if (seen.has(code)) continue;
      seen.add(code);
      found.push(this.areas.get(code)!);
      for (const container of this.containers.get(code) ?? [])
        if (!seen.has(container)) queue.push(container);
    }
    return found;
  }
}
