/** The pipeline spec's `approval` section, validated into the ApprovalPolicy the workflow enforces. */
import { z } from 'zod';
import { DEFAULT_POLICY, type ApprovalPolicy } from './decide';

export const approvalSpecSchema = z
  .strictObject({
    approvers: z.array(z.string().min(1)).default([]),
    roles: z.record(z.string(), z.array(z.string().min(1))).default({}),
    required: z.number().int().min(1).default(1),
    fourEyes: z.boolean().default(true),
    timeout: z.string().regex(/^\d+(s|m|h|d)$/, 'expected a duration such as "30m", "72h" or "7d"').optional(),
    onTimeout: z.enum(['reject', 'escalate']).default('reject'),
    autoApprove: z.boolean().default(false),
    requireSignedDecisions: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    for (const [i, a] of s.approvers.entries()) {
      if (a.startsWith('role:') && !s.roles[a.slice(5)]) {
        ctx.addIssue({ code: 'custom', path: ['approvers', i], message: `role "${a.slice(5)}" is not defined: add it under approval.roles` });
      }
    }
    const people = new Set(s.approvers.flatMap((a) => (a.startsWith('role:') ? (s.roles[a.slice(5)] ?? []) : [a])));
    if (s.approvers.length > 0 && people.size < s.required) {
      ctx.addIssue({ code: 'custom', path: ['required'], message: `${s.required} approvals required but only ${people.size} approver(s) are allowed` });
    }
  })
  .transform((s): ApprovalPolicy => ({ ...DEFAULT_POLICY, ...s }));
