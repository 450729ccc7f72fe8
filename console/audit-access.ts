import type { Request, Response } from 'express';
import type { AuditRecord } from '../bot/sql/audit-log';
import { agentOf } from './auth';

/**
 * Who is asking and from where, for an audit log entry of a console request: the agent requireAgent put
 * on the response (id and role only) and the address express sees (req.ip respects TRUST_PROXY).
 *
 * @example
 * await audit.record({ ...accessBy(req, res), action: 'search.open', citizenId });
 */
export function accessBy(req: Request, res: Response): Pick<AuditRecord, 'actor' | 'ip'> {
  const agent = agentOf(res);
  return { actor: { id: agent.id, role: agent.role }, ...(req.ip ? { ip: req.ip } : {}) };
}
