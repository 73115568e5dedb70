/**
 * Custom search attributes, so approvers can filter runs in the Temporal Web UI, e.g.
 * `BosunStage = "awaiting_approval" AND BosunPipeline = "credit"`. Shared by workflows, the client and the
 * code that registers them with the server.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const BOSUN_PIPELINE = defineSearchAttributeKey('BosunPipeline', SearchAttributeType.KEYWORD);
export const BOSUN_STAGE = defineSearchAttributeKey('BosunStage', SearchAttributeType.KEYWORD);
export const BOSUN_CANDIDATE_VERSION = defineSearchAttributeKey('BosunCandidateVersion', SearchAttributeType.KEYWORD);
export const BOSUN_TRIGGER = defineSearchAttributeKey('BosunTrigger', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [BOSUN_PIPELINE, BOSUN_STAGE, BOSUN_CANDIDATE_VERSION, BOSUN_TRIGGER] as const;
