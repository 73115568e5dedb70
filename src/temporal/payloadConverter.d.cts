import type { PayloadConverter } from '@temporalio/common';
export declare const payloadConverter: PayloadConverter;
export declare const UNDECODABLE: '__bosunUndecodable';
