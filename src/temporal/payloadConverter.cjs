// Bosun's payload converter: Temporal's default converter, except that a payload it cannot decode becomes
// `{ __bosunUndecodable: "<why>" }` instead of an exception. Anyone who can signal a run can send a
// payload with a made-up encoding (`temporal workflow signal --input-meta encoding=foo/bar`) or broken
// JSON; with the default converter that fails every later workflow task of the run, forever, so a valid
// approval sent afterwards is never processed. With this one the decision is refused and audited
// (src/approval/decisionPayload.ts recognises the marker). Encoding is unchanged, so histories stay
// compatible. CommonJS because the SDK `require()`s it on the worker and webpack bundles it for workflows.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose (see above)
const { DefaultPayloadConverter } = require('@temporalio/common');
// Buffer does not exist in the workflow sandbox; this is the SDK's own UTF-8 decoder.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { decode } = require('@temporalio/common/lib/encoding');

const UNDECODABLE = '__bosunUndecodable';

class TolerantPayloadConverter {
  constructor() {
    this.inner = new DefaultPayloadConverter();
  }
  toPayload(value, context, hint) {
    return this.inner.toPayload(value, context, hint);
  }
  fromPayload(payload, context, hint) {
    try {
      return this.inner.fromPayload(payload, context, hint);
    } catch (err) {
      return { [UNDECODABLE]: describe(payload, err) };
    }
  }
}

function describe(payload, err) {
  let encoding = '(none)';
  try {
    const raw = payload && payload.metadata && payload.metadata.encoding;
    if (raw) encoding = decode(raw).slice(0, 60);
  } catch {
    // keep "(none)"
  }
  const message = String((err && err.message) || err).split('\n')[0].slice(0, 120);
  return `encoding ${encoding}: ${message}`;
}

module.exports = { payloadConverter: new TolerantPayloadConverter(), UNDECODABLE };
