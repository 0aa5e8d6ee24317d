import { ObjectId, type Db } from 'mongodb';
import { AuditLog } from '../audit/audit-log.js';
import type { Actor } from '../actor/actor.js';
import { DepartmentInUse, DepartmentInvalid, DepartmentNotFound } from './auth.errors.js';
import type { InputProblem } from './user-input.js';
import { departments, parseId, toPublicDepartment, users, type DepartmentDoc, type PublicDepartment } from './user-model.js';

export interface DepartmentsServiceOptions {
  db: Db;
  actor: Actor;
  ip?: string | undefined;
  requestId?: string | undefined;
}

const MAX_DEPTH = 64;

/**
 * Departments form a tree through `parentId`. A move that would put a department
 * under itself or one of its descendants is refused, and so is deleting one that
 * still has members or sub-departments.
 */
export class DepartmentsService {
  private readonly audit: AuditLog;

  constructor(private readonly options: DepartmentsServiceOptions) {
    this.audit = new AuditLog(options.db);
  }

  async list(): Promise<PublicDepartment[]> {
    return (await departments(this.options.db).find({}).sort({ name: 1 }).limit(10_000).toArray()).map(toPublicDepartment);
  }

  async create(body: unknown): Promise<PublicDepartment> {
    const input = await this.read(body, 'create', undefined);
    const now = new Date();
    const doc: DepartmentDoc = { _id: new ObjectId(), name: input.name!, parentId: input.parentId ?? null, createdAt: now, updatedAt: now };
    await departments(this.options.db).insertOne(doc);
    await this.audit.append({
      action: 'department.create',
      actor: this.options.actor,
      target: { kind: 'department', id: String(doc._id) },
      data: { name: doc.name, parentId: input.parentId ? String(input.parentId) : null },
      ip: this.options.ip,
      requestId: this.options.requestId,
    });
    return toPublicDepartment(doc);
  }

  async update(id: string, body: unknown): Promise<PublicDepartment> {
    const current = await this.load(id);
    const input = await this.read(body, 'patch', current._id);
    const set: Partial<DepartmentDoc> = {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.parentId === undefined ? {} : { parentId: input.parentId }),
      updatedAt: new Date(),
    };
    await departments(this.options.db).updateOne({ _id: current._id }, { $set: set });
    await this.audit.append({
      action: 'department.update',
      actor: this.options.actor,
      target: { kind: 'department', id },
      data: { fields: Object.keys(set).filter((k) => k !== 'updatedAt') },
      ip: this.options.ip,
      requestId: this.options.requestId,
    });
    return toPublicDepartment({ ...current, ...set });
  }

  async delete(id: string): Promise<void> {
    const current = await this.load(id);
    const [members, children] = await Promise.all([
      users(this.options.db).countDocuments({ departmentId: current._id }, { limit: 1 }),
      departments(this.options.db).countDocuments({ parentId: current._id }, { limit: 1 }),
    ]);
    if (members > 0 || children > 0) throw DepartmentInUse(undefined, { id, members: members > 0, children: children > 0 });
    await departments(this.options.db).deleteOne({ _id: current._id });
    await this.audit.append({
      action: 'department.delete',
      actor: this.options.actor,
      target: { kind: 'department', id },
      data: { name: current.name },
      ip: this.options.ip,
      requestId: this.options.requestId,
    });
  }

  private async load(id: string): Promise<DepartmentDoc> {
    const _id = parseId(id);
    const doc = _id ? await departments(this.options.db).findOne({ _id }) : null;
    if (!doc) throw DepartmentNotFound(`No department ${id}`, { id });
    return doc;
  }

  private async read(
    body: unknown,
    mode: 'create' | 'patch',
    self: ObjectId | undefined,
  ): Promise<{ name?: string; parentId?: ObjectId | null }> {
    const problems: InputProblem[] = [];
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw DepartmentInvalid(undefined, { problems: [{ pointer: '', code: 'WRONG_TYPE', message: 'must be a JSON object' }] });
    const record = body as Record<string, unknown>;
    const out: { name?: string; parentId?: ObjectId | null } = {};
    for (const key of Object.keys(record))
      if (key !== 'name' && key !== 'parentId')
        problems.push({ pointer: `/${key}`, code: 'UNKNOWN_PROPERTY', message: `"${key}" is not a department field` });
    if (record.name === undefined) {
      if (mode === 'create') problems.push({ pointer: '/name', code: 'REQUIRED', message: 'is required' });
    } else if (typeof record.name !== 'string' || record.name.trim() === '' || record.name.length > 100) {
      problems.push({ pointer: '/name', code: 'BAD_FORMAT', message: 'must be text of 1 to 100 characters' });
    } else out.name = record.name.trim();
    if (record.parentId !== undefined) {
      const parentId = record.parentId === null ? null : parseId(record.parentId);
      if (parentId === undefined)
        problems.push({ pointer: '/parentId', code: 'BAD_FORMAT', message: 'must be an id (24 hex digits) or null' });
      else if (parentId !== null) {
        const problem = await this.parentProblem(parentId, self);
        if (problem) problems.push(problem);
        else out.parentId = parentId;
      } else out.parentId = null;
    }
    if (problems.length > 0) throw DepartmentInvalid(undefined, { problems });
    return out;
  }

  /** The parent exists, and walking up from it never reaches the department itself. */
  private async parentProblem(parentId: ObjectId, self: ObjectId | undefined): Promise<InputProblem | undefined> {
    let at: ObjectId | null = parentId;
    for (let depth = 0; at && depth < MAX_DEPTH; depth++) {
      if (self && at.equals(self))
        return {
          pointer: '/parentId',
          code: 'PARENT_CYCLE',
          message: 'a department cannot be placed under itself or one of its sub-departments',
        };
      const doc: Pick<DepartmentDoc, 'parentId'> | null = await departments(this.options.db).findOne(
        { _id: at },
        { projection: { parentId: 1 } },
      );
      if (!doc)
        return depth === 0 ? { pointer: '/parentId', code: 'UNKNOWN_DEPARTMENT', message: `no department ${String(parentId)}` } : undefined;
      at = doc.parentId;
    }
    return undefined;
  }
}
