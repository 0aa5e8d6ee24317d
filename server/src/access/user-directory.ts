import { ObjectId, type Db } from 'mongodb';
import { DEPARTMENTS, USERS } from '../auth/user-model.js';

/** Bounds on the org chart walks, so a broken or hostile chart cannot stall a request. */
const MAX_DEPTH = 32;
const MAX_IDS = 50_000;

/**
 * The parts of the org chart that record scopes need: a user's subordinates (through
 * the manager chain), the members of a department, and a department's sub-departments.
 * Each answer is computed once per instance, which lives for one request.
 */
export class UserDirectory {
  private readonly memo = new Map<string, Promise<string[]>>();

  constructor(private readonly db: Db) {}

  /** The user ids whose manager chain leads to `userId`, not counting the user. */
  subordinates(userId: string): Promise<string[]> {
    return this.once(`sub:${userId}`, () => this.walk(USERS, 'managerId', userId));
  }

  /** The user ids of the members of these departments. */
  members(departmentIds: readonly string[]): Promise<string[]> {
    const ids = departmentIds.filter(ObjectId.isValid).map((id) => new ObjectId(id));
    return this.once(`members:${[...departmentIds].sort().join(',')}`, async () => {
      if (ids.length === 0) return [];
      const docs = await this.db
        .collection(USERS)
        .find({ departmentId: { $in: ids } }, { projection: { _id: 1 }, limit: MAX_IDS })
        .toArray();
      return docs.map((d) => String(d._id));
    });
  }

  /** The department and every department below it. */
  async departmentTree(departmentId: string): Promise<string[]> {
    return [departmentId, ...(await this.once(`tree:${departmentId}`, () => this.walk(DEPARTMENTS, 'parentId', departmentId)))];
  }

  /** Breadth-first down a parent pointer (`managerId`, `parentId`), cycles and depth bounded. */
  private async walk(collection: string, parentField: string, rootId: string): Promise<string[]> {
    if (!ObjectId.isValid(rootId)) return [];
    const seen = new Set<string>([rootId]);
    const found: string[] = [];
    let frontier = [new ObjectId(rootId)];
    for (let depth = 0; frontier.length > 0 && depth < MAX_DEPTH && found.length < MAX_IDS; depth++) {
      const docs = await this.db
        .collection(collection)
        .find({ [parentField]: { $in: frontier } }, { projection: { _id: 1 }, limit: MAX_IDS })
        .toArray();
      frontier = [];
      for (const doc of docs) {
        const id = String(doc._id);
        if (seen.has(id)) continue;
        seen.add(id);
        found.push(id);
        frontier.push(doc._id as ObjectId);
      }
    }
    return found;
  }

  private once(key: string, load: () => Promise<string[]>): Promise<string[]> {
    let hit = this.memo.get(key);
    if (!hit) this.memo.set(key, (hit = load()));
    return hit;
  }
}
